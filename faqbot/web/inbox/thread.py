"""A ticket as one conversation: the visitor's, the bot's and the staff's turns in time order.

The turns come from three places: the session's earlier exchanges (kept on the ticket when it
opened), the handed-off question with the bot's verdict (its suggestions and explanation, which
the page folds away), and the messages since (visitor follow-ups and staff replies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from faqbot.web.core.markdown import render_markdown
from faqbot.web.core.tables import Ticket, TicketMessage, as_utc, iso

REASONS = {
    "requested": "The visitor asked for a person.",
    "low_confidence": "The bot was not confident enough to answer.",
}


@dataclass
class Turn:
    """One turn; ``html`` is set for Markdown rendered on the server (bot answers, staff replies)."""

    role: str  # "visitor", "bot", "staff" or "note" (e.g. the contact form's sender line)
    text: str
    at: datetime | None = None
    author: str | None = None
    message_id: int | None = None
    html: Markup | None = None
    status: str | None = None  # the bot's decision for a bot turn
    handoff: dict[str, Any] | None = field(default=None)  # suggestions and explanation
    emailed: bool = False
    faq_id: str | None = None  # the FAQ a bot turn answered with or suggested first
    confidence: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "text": self.text,
            "html": str(self.html) if self.html is not None else None,
            "at": iso(self.at),
            "author": self.author,
            "message_id": self.message_id,
            "status": self.status,
            "handoff": self.handoff,
            "faq_id": self.faq_id,
            "confidence": self.confidence,
        }


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _earlier(entry: dict[str, Any]) -> Turn:
    role = entry.get("role")
    text = str(entry.get("text") or "")
    if role == "bot":
        confidence = entry.get("confidence")
        return Turn(
            "bot",
            text,
            status=entry.get("status"),
            faq_id=entry.get("faq_id"),
            confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        )
    if role == "visitor":
        return Turn("visitor", text, at=_moment(entry.get("at")))
    return Turn("note", f"{role}: {text}" if role else text, at=_moment(entry.get("at")))


def _handoff(ticket: Ticket) -> Turn:
    reason = REASONS.get(ticket.reason, ticket.reason)
    details = {
        "reason": ticket.reason,
        "suggestions": ticket.suggestions or [],
        "explanation": ticket.explanation,
    }
    return Turn("bot", f"{reason} I passed the question to the team.", status="handoff", handoff=details)


def message_turn(message: TicketMessage) -> Turn:
    if message.author == "staff":
        return Turn(
            "staff",
            message.text,
            at=message.created_at,
            author=message.author_name or "Support team",
            message_id=message.id,
            html=render_markdown(message.text),
            emailed=message.emailed_at is not None,
        )
    return Turn("visitor", message.text, at=message.created_at, message_id=message.id)


def build_thread(ticket: Ticket) -> list[Turn]:
    """Every turn of the ticket, oldest first."""
    turns = [_earlier(entry) for entry in ticket.conversation or [] if isinstance(entry, dict)]
    turns.append(Turn("visitor", ticket.question, at=ticket.created_at))
    turns.append(_handoff(ticket))
    turns.extend(message_turn(m) for m in ticket.messages)
    return turns


def turns_after(ticket: Ticket, message_id: int) -> list[Turn]:
    """The message turns newer than ``message_id`` (for live updates)."""
    return [message_turn(m) for m in ticket.messages if m.id > message_id]

"""The mail a visitor gets for a staff reply: the reply rendered from Markdown as the HTML part,
the same reply as readable plain text, both signed with the agent's display name."""

from __future__ import annotations

from flask import render_template

from faqbot.web.core.markdown import markdown_text, render_markdown
from faqbot.web.core.tables import Ticket, TicketMessage


def reply_mail(ticket: Ticket, message: TicketMessage) -> tuple[str, str]:
    """``(text, html)`` of the mail carrying ``message``."""
    name = message.author_name or "Support team"
    question = "\n".join(f"  {line}" for line in ticket.question.splitlines())
    text = (
        f"You asked:\n\n{question}\n\nOur reply:\n\n{markdown_text(message.text)}\n"
        f"-- \n{name}, support team\n(Ticket #{ticket.id})\n"
    )
    html = render_template(
        "inbox/mail/reply.html", ticket=ticket, reply=render_markdown(message.text), name=name
    )
    return text, html

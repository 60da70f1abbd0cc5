"""What happens when a ticket opens, wherever it came from (the widget, the help center's
contact form): auto-assignment before the commit, and the new-ticket mail to the staff who asked
for it after the commit.

The mails go out on a background thread, so a slow or unreachable SMTP server never keeps a
visitor waiting for the bot's answer; a failed send is logged and the ticket is there anyway.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Ticket, User
from faqbot.web.inbox.assignment import assign_on_arrival
from faqbot.web.inbox.mail import MailError, send_mail
from faqbot.web.inbox.people import INBOX_ROLES

log = logging.getLogger(__name__)
_mailer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faqbot-staff-mail")


def ticket_opened(session: Session, ticket: Ticket) -> list[str]:
    """Call before committing a new ticket: it may get an assignee.  Returns the addresses of
    everyone who wants to hear of new tickets, read in the same transaction (read after the
    commit, they cost a second transaction on every handoff)."""
    assign_on_arrival(session, ticket)
    return list(
        session.scalars(
            select(User.email).where(
                User.active.is_(True), User.role.in_(INBOX_ROLES), User.notify_new_tickets.is_(True)
            )
        )
    )


def announce(ticket: Ticket, recipients: list[str]) -> None:
    """Call after committing a new ticket: queue the mail to ``recipients`` (from
    :func:`ticket_opened`).  The ticket is saved whatever happens here, so a failure is logged,
    never raised."""
    if not recipients:
        return
    try:
        subject, body = _staff_mail(ticket)
        _mailer.submit(_send_each, dict(current_app.config), recipients, subject, body, ticket.id)
    except RuntimeError:  # the mail thread is gone (interpreter shutdown)
        log.exception("could not queue the new-ticket mails for ticket %s", ticket.id)


def _staff_mail(ticket: Ticket) -> tuple[str, str]:
    question = " ".join(ticket.question.split())
    short = question if len(question) <= 70 else question[:69].rstrip() + "…"
    link = url_for("inbox.ticket", ticket_id=ticket.id, _external=True)
    why = "asked for a person" if ticket.reason == "requested" else "the bot was not confident"
    body = (
        f"A new ticket is waiting in the inbox ({why}).\n\n"
        f"  {ticket.question}\n\n"
        f"Visitor's email: {ticket.email or 'none left yet'}\n"
        f"Open it: {link}\n\n"
        "You get this mail because new-ticket mail is on in your inbox notification settings.\n"
    )
    return f"New ticket #{ticket.id}: {short}", body


def _send_each(
    config: dict[str, Any], recipients: list[str], subject: str, body: str, ticket_id: int
) -> None:
    for address in recipients:
        try:
            send_mail(config, address, subject, body)
        except MailError:
            log.exception("could not mail %s about new ticket %s", address, ticket_id)


def drain(timeout: float = 30.0) -> None:
    """Wait until the mails queued so far have been handed to the backend (tests, shutdown)."""
    _mailer.submit(lambda: None).result(timeout=timeout)

"""The contact form (a ticket in the inbox, like a handoff) and the visitor's own ticket page.

Spam is kept out without a third-party service: the CSRF token (every form), the app's rate
limit on this blueprint's writes, and a honeypot field that people never see.  A filled
honeypot gets the very same answer as a real message, so a bot learns nothing.
"""

from __future__ import annotations

import logging

from flask import Response, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from faqbot.web.core.db import get_db
from faqbot.web.core.tables import Ticket
from faqbot.web.helpcenter import catalog, contact, markup
from faqbot.web.helpcenter.forms import ContactForm
from faqbot.web.helpcenter.pages import bp

log = logging.getLogger(__name__)
MAX_TOKEN = 64


def _private(page: str, status: int = 200) -> Response:
    response = Response(page, status=status, mimetype="text/html")
    response.cache_control.no_store = True
    return response


@bp.route("/help/contact", methods=["GET", "POST"])
def contact_form() -> Response:
    form = ContactForm()
    topics = [c.name for c in catalog.categories(get_db(), catalog.public_faqs(get_db()))]
    if request.method == "GET" and request.args.get("q"):
        form.message.data = request.args["q"][:2000]  # what the visitor just searched for
    valid = form.validate_on_submit()
    if form.category.data and form.category.data not in topics:
        form.category.errors = [*form.category.errors, "Choose one of the topics."]
        valid = False
    if valid:
        if form.website.data:
            log.info("contact form: honeypot filled, no ticket opened")
        else:
            _open(form)
        return redirect(url_for("helpcenter.contact_thanks"), code=303)
    status = 400 if request.method == "POST" else 200
    return _private(render_template("helpcenter/contact.html", form=form, topics=topics), status)


def _open(form: ContactForm) -> None:
    message = contact.Message(
        name=form.name.data.strip(),
        email=form.email.data.strip(),
        text=form.message.data.strip(),
        category=form.category.data or None,
    )
    ticket = contact.open_ticket(get_db(), message)
    follow = url_for("helpcenter.ticket_page", token=ticket.token, _external=True)
    contact.confirm(ticket, message.name, follow)


@bp.get("/help/contact/thanks")
def contact_thanks() -> Response:
    return _private(render_template("helpcenter/contact_thanks.html"))


@bp.get("/help/tickets/<token>")
def ticket_page(token: str) -> Response:
    """The visitor's own ticket, found by the secret token from their confirmation mail."""
    ticket = None
    if len(token) <= MAX_TOKEN:
        ticket = get_db().scalar(select(Ticket).where(Ticket.token == token))
    if ticket is None:
        abort(404)
    return _private(render_template("helpcenter/ticket.html", ticket=ticket, markdown=markup.render_answer))

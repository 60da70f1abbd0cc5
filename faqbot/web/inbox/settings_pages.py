"""A person's inbox notifications: new-ticket mail (in the database, follows them everywhere),
and desktop notifications and sound (per browser, kept by the page's script)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from faqbot.web.core.db import get_db
from faqbot.web.core.security import require_login
from faqbot.web.inbox.blueprints import pages as bp
from faqbot.web.inbox.forms import NotificationsForm


@bp.route("/notifications", methods=["GET", "POST"])
@require_login("staff")
def notifications():
    form = NotificationsForm()
    if form.validate_on_submit():
        g.user.notify_new_tickets = bool(form.email_new_tickets.data)
        get_db().commit()
        state = "on" if g.user.notify_new_tickets else "off"
        flash(f"New-ticket mail is {state} for {g.user.email}.", "info")
        return redirect(url_for("inbox.notifications"))
    form.email_new_tickets.data = bool(g.user.notify_new_tickets)
    return render_template("inbox/notifications.html", form=form)

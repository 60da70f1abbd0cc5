"""Login and logout of the staff inbox (session cookie, hashed passwords)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from faqbot.web.core import logins
from faqbot.web.core.db import get_db
from faqbot.web.core.forms import ActionForm, LoginForm
from faqbot.web.core.security import (
    authenticate,
    end_all_sessions,
    normalise_email,
    session_user,
    start_session,
)
from faqbot.web.core.tables import utcnow

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only follow same-site relative targets, so the login page is no open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("inbox.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data or "")
        wait = logins.locked_for(email)
        if wait:
            flash(f"Too many failed logins for this account; try again in {wait} seconds.", "error")
            return render_template("login.html", form=form), 429, {"Retry-After": str(wait)}
        user = authenticate(email, form.password.data or "")
        if user is not None:
            logins.record_success(email)
            user.last_login_at = utcnow()
            get_db().commit()
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        logins.record_failure(email)
        flash("Wrong email or password.", "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        user = session_user()
        if user is not None:  # every session of this user ends, a copied cookie included
            end_all_sessions(user)
            get_db().commit()
        session.clear()
    return redirect(url_for("auth.login"))

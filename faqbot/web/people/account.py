"""Everyone's own account: the profile (display name, notification settings) and the password
form, which is also where a temporary password must be replaced before anything else opens."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from faqbot.web.core import accounts
from faqbot.web.core.auth import safe_next
from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.security import require_login, start_session
from faqbot.web.people.forms import PasswordForm, ProfileForm

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@require_login("staff")
def profile():
    user = g.user
    form = ProfileForm(obj=None if request.method == "POST" else user)
    if form.validate_on_submit():
        try:
            accounts.update_profile(
                user, name=form.display_name.data, notify_new_tickets=bool(form.notify_new_tickets.data)
            )
        except ApiError as error:
            flash(error.message, "error")
        else:
            get_db().commit()
            flash("Profile saved.", "info")
            return redirect(url_for("account.profile"))
    status = 400 if form.errors else 200
    return render_template("people/profile.html", form=form, password_form=PasswordForm()), status


@bp.route("/password", methods=["GET", "POST"])
@require_login("staff", password_gate=False)
def password():
    user = g.user
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            revoked = accounts.change_own_password(user, form.current_password.data, form.new_password.data)
        except ApiError as error:
            get_db().rollback()
            flash(error.message, "error")
            return render_template("people/password.html", form=form), error.status
        get_db().commit()
        start_session(user)  # every other session ended; this browser goes on with a fresh one
        others = f" Your other sessions ended and {revoked} API token(s) were revoked." if revoked else ""
        flash(f"Password changed.{others or ' Your other sessions ended.'}", "info")
        target = request.args.get("next")
        return redirect(safe_next(target) if target else url_for("account.profile"))
    return render_template("people/password.html", form=form), 400 if form.errors else 200

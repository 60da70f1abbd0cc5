"""The admins' people pages: the list, inviting someone, and one person's page with their role,
deactivation and a password reset (each asks first; see ``core/templates/confirm.html``).

A temporary password is shown once, in the response to the post that made it: never put in a
flash message, which would travel in the session cookie.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from faqbot.web.core import accounts
from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.forms import ActionForm
from faqbot.web.core.security import require_login, start_session
from faqbot.web.core.tables import User
from faqbot.web.people.directory import all_users, get_user
from faqbot.web.people.forms import ROLE_CHOICES, NameForm, NewUserForm, RoleForm
from faqbot.web.people.serialize import initials, token_counts

bp = Blueprint("people", __name__, url_prefix="/admin/users", template_folder="templates")
bp.add_app_template_filter(initials, "initials")


def _user_or_404(user_id: int) -> User:
    try:
        return get_user(get_db(), user_id)
    except ApiError:
        abort(404)


@bp.get("/")
@require_login("admin")
def index():
    db = get_db()
    return render_template("people/users.html", users=all_users(db), tokens=token_counts(db))


@bp.route("/new", methods=["GET", "POST"])
@require_login("admin")
def new():
    form = NewUserForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            user, password = accounts.create_user(
                db, form.email.data, form.role.data, name=form.display_name.data
            )
        except ApiError as error:
            db.rollback()
            flash(error.message, "error")
        else:
            db.commit()
            return render_template("people/temporary.html", user=user, password=password, created=True)
    status = 400 if form.errors else 200
    return render_template("people/new.html", form=form, roles=ROLE_CHOICES), status


@bp.get("/<id:user_id>")
@require_login("admin")
def show(user_id: int):
    user = _user_or_404(user_id)
    return render_template(
        "people/user.html",
        user=user,
        tokens=token_counts(get_db()).get(user.id, 0),
        form=ActionForm(),
        name_form=NameForm(formdata=None, display_name=user.display_name or ""),
    )


def _done(user: User, message: str):
    get_db().commit()
    flash(message, "info")
    return redirect(url_for("people.show", user_id=user.id))


def _refused(user: User, error: ApiError):
    get_db().rollback()
    flash(error.message, "error")
    return redirect(url_for("people.show", user_id=user.id))


def _expired(user: User):
    flash("The form expired; please try again.", "error")
    return redirect(url_for("people.show", user_id=user.id))


@bp.post("/<id:user_id>/role")
@require_login("admin")
def change_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _expired(user)
    try:
        changed = accounts.set_role(get_db(), user, form.role.data)
    except ApiError as error:
        return _refused(user, error)
    if changed and user.id == g.user.id:
        start_session(user)  # the change ended every session; this browser stays logged in
    said = "is now" if changed else "was already"
    return _done(user, f"{user.email} {said} {user.role}.")


@bp.post("/<id:user_id>/deactivate")
@require_login("admin")
def deactivate(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        return _expired(user)
    try:
        revoked = accounts.deactivate(get_db(), user)
    except ApiError as error:
        return _refused(user, error)
    if user.id == g.user.id:
        get_db().commit()
        return redirect(url_for("auth.login"))
    return _done(user, f"{user.email} is deactivated: logged out everywhere, {revoked} API token(s) revoked.")


@bp.post("/<id:user_id>/reactivate")
@require_login("admin")
def reactivate(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        return _expired(user)
    accounts.reactivate(user)
    return _done(user, f"{user.email} can log in again with their password.")


@bp.post("/<id:user_id>/reset-password")
@require_login("admin")
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        return _expired(user)
    try:
        password = accounts.reset_password(user, g.user)
    except ApiError as error:
        return _refused(user, error)
    get_db().commit()
    return render_template("people/temporary.html", user=user, password=password, created=False)


@bp.post("/<id:user_id>/name")
@require_login("admin")
def rename(user_id: int):
    user = _user_or_404(user_id)
    form = NameForm()
    if not form.validate_on_submit():
        return _expired(user)
    try:
        accounts.update_profile(user, name=form.display_name.data)
    except ApiError as error:
        return _refused(user, error)
    return _done(user, f"Display name saved: replies are signed “{accounts.display_name(user)}”.")

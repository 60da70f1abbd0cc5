"""WTForms of the people pages; FlaskForm adds and checks the CSRF token on each."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional

from faqbot.web.core.accounts import MAX_DISPLAY_NAME
from faqbot.web.core.passwords import MAX_LENGTH

#: The roles as the invitation form offers them (radio buttons rendered by the template; plain
#: tuples to a RadioField are deprecated in WTForms 3.3, and SelectChoice does not exist before it).
ROLE_CHOICES = [
    ("staff", "Staff: the inbox (answer and resolve tickets)"),
    ("admin", "Admin: everything, including FAQs, models, analytics and people"),
]
ROLE_VALUES = [value for value, _ in ROLE_CHOICES]
ROLE_MESSAGE = "Choose staff or admin."


class NewUserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField(
        "Display name (optional)", validators=[Optional(), Length(max=MAX_DISPLAY_NAME)]
    )
    role = StringField("Role", default="staff", validators=[AnyOf(ROLE_VALUES, ROLE_MESSAGE)])


class RoleForm(FlaskForm):
    role = StringField("Role", validators=[DataRequired(), Length(max=20)])


class NameForm(FlaskForm):
    display_name = StringField("Display name", validators=[Optional(), Length(max=MAX_DISPLAY_NAME)])


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[Optional(), Length(max=MAX_DISPLAY_NAME)])
    notify_new_tickets = BooleanField("Email me when a new ticket arrives in the inbox")


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    repeat_password = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The two new passwords differ.")],
    )

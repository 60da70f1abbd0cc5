"""The help center's forms; FlaskForm adds and checks the CSRF token on each."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from faqbot.web.core.payload import EMAIL_RE

MAX_MESSAGE = 5000
FEEDBACK_REASONS = ("not what I asked", "did not answer it")  # the widget's
HONEYPOT = "website"


class ContactForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        "Your email",
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(EMAIL_RE, message="Enter a valid email address."),
        ],
    )
    # Rendered as a <select> of the public topics; the view checks the value is one of them.
    category = StringField("Topic (optional)", validators=[Optional(), Length(max=200)])
    message = TextAreaField("Your message", validators=[DataRequired(), Length(max=MAX_MESSAGE)])
    # Hidden from people (off-screen, out of the tab order); form-filling bots fill it in.
    website = StringField("Leave this field empty", validators=[Optional(), Length(max=500)])


class FeedbackForm(FlaskForm):
    """ "Was this helpful?": the two buttons post ``helpful=yes|no``."""

    helpful = HiddenField(validators=[AnyOf(("yes", "no"))])


class ReasonForm(FlaskForm):
    """The optional reason after a "no", on this visitor's vote (kept in their session)."""

    reason = HiddenField(validators=[AnyOf(FEEDBACK_REASONS)])

"""WTForms forms of the inbox pages; FlaskForm adds and checks the CSRF token on each."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


class ReplyForm(FlaskForm):
    text = TextAreaField("Reply", validators=[DataRequired(), Length(max=10000)])


class LinkForm(FlaskForm):
    faq_id = StringField("FAQ id", validators=[DataRequired(), Length(max=64)])


class NewFaqForm(FlaskForm):
    question = StringField("Question", validators=[DataRequired(), Length(max=1000)])
    answer = TextAreaField("Answer", validators=[DataRequired(), Length(max=10000)])


class ActionForm(FlaskForm):
    """A button-only form (dismiss, logout): nothing but the CSRF token."""

"""WTForms forms of the inbox workspace (FlaskForm adds and checks the CSRF token on each)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from faqbot.web.inbox.canned import MAX_BODY, MAX_TITLE


class ComposeForm(FlaskForm):
    """The composer: ``do`` says which button was pressed (send, preview, insert a canned reply
    or an FAQ's answer); only "send" needs text."""

    text = TextAreaField("Your reply to the visitor", validators=[Optional(), Length(max=10_000)])
    do = StringField(validators=[Optional(), Length(max=20)])
    canned_id = StringField(validators=[Optional(), Length(max=12)])
    insert_faq_id = StringField(validators=[Optional(), Length(max=64)])


class AssignForm(FlaskForm):
    assignee_id = StringField(validators=[Optional(), Length(max=12)])  # "", "me" or a user id


class TagsForm(FlaskForm):
    tags = StringField("Tags", validators=[Optional(), Length(max=1000)])


class BulkForm(FlaskForm):
    action = StringField(validators=[DataRequired(), Length(max=20)])
    assignee_id = StringField(validators=[Optional(), Length(max=12)])
    tag = StringField(validators=[Optional(), Length(max=200)])
    back = StringField(validators=[Optional(), Length(max=2000)])


class CannedForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=MAX_TITLE)])
    body = TextAreaField("Reply", validators=[DataRequired(), Length(max=MAX_BODY)])


class NotificationsForm(FlaskForm):
    email_new_tickets = BooleanField("Email me about every new ticket")

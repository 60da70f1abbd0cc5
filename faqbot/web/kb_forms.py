"""Forms of the knowledge-base pages; FlaskForm adds and checks the CSRF token on each.

Field rules beyond "present" live in :mod:`kb` (one set of rules for pages, API and import).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from .kb import MAX_ANSWER, MAX_CATEGORY, MAX_QUESTION


class FaqForm(FlaskForm):
    question = StringField("Question", validators=[DataRequired(), Length(max=MAX_QUESTION)])
    answer = TextAreaField("Answer", validators=[DataRequired(), Length(max=MAX_ANSWER)])
    category = StringField("Category", validators=[Optional(), Length(max=MAX_CATEGORY)])
    phrasings = TextAreaField("Other phrasings (one per line)", validators=[Length(max=500 * MAX_QUESTION)])
    revision = HiddenField()

    def phrasing_list(self) -> list[str]:
        return [line for line in (self.phrasings.data or "").splitlines() if line.strip()]


class RevisionActionForm(FlaskForm):
    """A button (archive, delete, restore, ...) that carries the revision the admin saw."""

    revision = IntegerField(validators=[Optional()])


class RenameCategoryForm(FlaskForm):
    old = HiddenField(validators=[InputRequired()])
    new = StringField("New name", validators=[Optional(), Length(max=MAX_CATEGORY)])


class ImportForm(FlaskForm):
    file = FileField("Corpus file", validators=[FileRequired()])
    format = StringField("Format", validators=[Optional(), AnyOf(["csv", "json", "jsonl"])])


class ApplyImportForm(FlaskForm):
    token = HiddenField(validators=[InputRequired()])
    archive_missing = BooleanField("Archive the FAQs missing from the file")
    include_conflicting = BooleanField("Apply the conflicting FAQs too")

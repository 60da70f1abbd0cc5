"""Forms of the knowledge-base pages; FlaskForm adds and checks the CSRF token on each.

Field rules beyond "present" live in :mod:`kb` (one set of rules for pages, API and import).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from faqbot.web.kb.publishing import VISIBILITIES
from faqbot.web.kb.service import MAX_ANSWER, MAX_CATEGORY, MAX_QUESTION


class FaqForm(FlaskForm):
    question = StringField("Question", validators=[DataRequired(), Length(max=MAX_QUESTION)])
    answer = TextAreaField("Answer", validators=[DataRequired(), Length(max=MAX_ANSWER)])
    category = StringField("Category", validators=[Optional(), Length(max=MAX_CATEGORY)])
    phrasings = TextAreaField("Other phrasings (one per line)", validators=[Length(max=500 * MAX_QUESTION)])
    # Rendered as a <select> (public, internal) by the template; SelectField's tuple choices are
    # deprecated in WTForms 3.3 and SelectChoice is not in older releases.
    visibility = StringField("In the help center", validators=[AnyOf(VISIBILITIES)], default="public")
    pinned = BooleanField("Pinned: first on the help center's home and in its topic")
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


class CategoriesForm(FlaskForm):
    """The categories page's one form; its rows (``name-N``, ``position-N``, ``visibility-N``) are
    read by the page, since their number follows the categories."""

"""A database made by the release before the area packages still opens: Alembic finds its revision
after the migrations moved to ``faqbot/web/core/migrations``, and nothing in it is lost.

``data/release-0.1.0.db`` was made by faqbot 0.1.0 at commit 5c54245 (the sample seeded, one admin
created with ``faqbot users create``, password ``correct horse battery``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from faqbot.web import create_app
from faqbot.web.core.db import alembic_config, get_engine, session_scope
from faqbot.web.core.security import authenticate
from faqbot.web.core.tables import Faq, FaqRevision, User

from ..support import make_config

RELEASE_DB = Path(__file__).with_name("data") / "release-0.1.0.db"
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_database_of_the_previous_release_opens_with_everything_in_it(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    database = instance / "faqbot.db"
    shutil.copy(RELEASE_DB, database)
    assert HEAD != "0003"  # the release's own revision: there is something to upgrade
    app = create_app(make_config(instance, f"sqlite:///{database}"), with_model=False)
    try:
        with session_scope(app) as session:
            revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            assert revision == HEAD  # migrated up to the newest revision
            assert session.scalar(select(func.count()).select_from(Faq)) == 66
            assert session.scalar(select(func.count()).select_from(FaqRevision)) == 66  # no second seed
            assert session.scalar(select(User.role).where(User.email == "old@example.com")) == "admin"
            assert session.scalar(select(User.session_epoch).where(User.email == "old@example.com")) == 0
        with app.test_request_context():
            assert authenticate("old@example.com", "correct horse battery") is not None
            assert authenticate("old@example.com", "wrong horse battery") is None
    finally:
        get_engine(app).dispose()

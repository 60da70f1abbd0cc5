"""Alembic environment: migrations always run on a connection handed over by faqbot.web.core.db."""

from alembic import context

from faqbot.web.core.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through faqbot.web.core.db.upgrade(), which passes a connection")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

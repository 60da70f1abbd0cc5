"""admin: FAQ history, archive, audit events, review decisions, gated models, scheduled runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("faqs", sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("faqs", sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    op.add_column(
        "model_versions",
        sa.Column("state", sa.String(length=20), server_default="available", nullable=False),
    )
    op.add_column("model_versions", sa.Column("report", sa.JSON(), nullable=True))
    op.add_column("model_versions", sa.Column("thresholds", sa.JSON(), nullable=True))
    op.add_column("model_versions", sa.Column("job_id", sa.Integer(), nullable=True))
    op.add_column("jobs", sa.Column("stage", sa.String(length=200), nullable=True))
    op.add_column("jobs", sa.Column("progress", sa.Float(), nullable=True))
    op.add_column("jobs", sa.Column("details", sa.JSON(), nullable=True))
    op.create_table(
        "faq_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("faq_id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_faq_revisions_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_revisions")),
    )
    op.create_index(op.f("ix_faq_revisions_faq_id"), "faq_revisions", ["faq_id"])
    op.create_index(op.f("ix_faq_revisions_created_at"), "faq_revisions", ["created_at"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_events_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_kind"), "audit_events", ["kind"])
    op.create_index(op.f("ix_audit_events_created_at"), "audit_events", ["created_at"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query_id", sa.Integer(), nullable=True),
        sa.Column("question_key", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("faq_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["query_id"],
            ["queries.id"],
            name=op.f("fk_review_decisions_query_id_queries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_review_decisions_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
        sa.UniqueConstraint("query_id", name=op.f("uq_review_decisions_query_id")),
    )
    op.create_index(op.f("ix_review_decisions_question_key"), "review_decisions", ["question_key"])
    op.create_table(
        "scheduled_runs",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_runs")),
    )


def downgrade() -> None:
    op.drop_table("scheduled_runs")
    op.drop_index(op.f("ix_review_decisions_question_key"), table_name="review_decisions")
    op.drop_table("review_decisions")
    op.drop_index(op.f("ix_audit_events_created_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_kind"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_faq_revisions_created_at"), table_name="faq_revisions")
    op.drop_index(op.f("ix_faq_revisions_faq_id"), table_name="faq_revisions")
    op.drop_table("faq_revisions")
    with op.batch_alter_table("jobs") as batch:
        for column in ("details", "progress", "stage"):
            batch.drop_column(column)
    with op.batch_alter_table("model_versions") as batch:
        for column in ("job_id", "thresholds", "report", "state"):
            batch.drop_column(column)
    with op.batch_alter_table("faqs") as batch:
        batch.drop_column("revision")
        batch.drop_column("archived")

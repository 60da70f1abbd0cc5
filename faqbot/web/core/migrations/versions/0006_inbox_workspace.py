"""the inbox as a workspace: assignments, read marks, tags, canned replies, signed replies, and the
per-user display name and new-ticket mail

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("display_name", sa.String(length=120), nullable=True))
    op.add_column(
        "users", sa.Column("notify_new_tickets", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("users", sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True))

    op.create_index(op.f("ix_tickets_updated_at"), "tickets", ["updated_at"])
    op.add_column("tickets", sa.Column("last_visitor_at", sa.DateTime(timezone=True), nullable=True))
    # The visitor last wrote when the ticket opened, or in their latest follow-up.
    op.execute(
        "UPDATE tickets SET last_visitor_at = COALESCE((SELECT MAX(m.created_at) FROM ticket_messages m "
        "WHERE m.ticket_id = tickets.id AND m.author = 'visitor'), created_at)"
    )
    op.add_column("ticket_messages", sa.Column("author_name", sa.String(length=100), nullable=True))

    op.create_table(
        "ticket_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_reads_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ticket_reads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "ticket_id", name=op.f("pk_ticket_reads")),
    )
    op.create_table(
        "ticket_assignments",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by"],
            ["users.id"],
            name=op.f("fk_ticket_assignments_assigned_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_assignments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ticket_assignments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_assignments")),
    )
    op.create_index(op.f("ix_ticket_assignments_user_id"), "ticket_assignments", ["user_id"])
    op.create_table(
        "ticket_tags",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_tags_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("ticket_id", "tag", name=op.f("pk_ticket_tags")),
    )
    op.create_index(op.f("ix_ticket_tags_tag"), "ticket_tags", ["tag"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_canned_replies_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
        sa.UniqueConstraint("title", name=op.f("uq_canned_replies_title")),
    )


def downgrade() -> None:
    op.drop_table("canned_replies")
    op.drop_index(op.f("ix_ticket_tags_tag"), table_name="ticket_tags")
    op.drop_table("ticket_tags")
    op.drop_table("ticket_reads")
    op.drop_index(op.f("ix_ticket_assignments_user_id"), table_name="ticket_assignments")
    op.drop_table("ticket_assignments")
    with op.batch_alter_table("ticket_messages") as batch:
        batch.drop_column("author_name")
    op.drop_index(op.f("ix_tickets_updated_at"), table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("last_visitor_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_assigned_at")
        batch.drop_column("notify_new_tickets")
        batch.drop_column("display_name")

"""import previews in the database, so any instance can apply them

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_previews",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("preview", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_import_previews_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_import_previews")),
    )
    op.create_index(op.f("ix_import_previews_expires_at"), "import_previews", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_previews_expires_at"), table_name="import_previews")
    op.drop_table("import_previews")

"""what the help center shows: FAQ visibility and pinning, category order and visibility, and the
slugs of renamed categories

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "faqs", sa.Column("visibility", sa.String(length=20), server_default="public", nullable=False)
    )
    op.add_column("faqs", sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "faq_categories",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=20), server_default="public", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_faq_categories")),
    )
    op.create_table(
        "category_aliases",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_category_aliases")),
    )


def downgrade() -> None:
    op.drop_table("category_aliases")
    op.drop_table("faq_categories")
    with op.batch_alter_table("faqs") as batch:
        batch.drop_column("pinned")
        batch.drop_column("visibility")

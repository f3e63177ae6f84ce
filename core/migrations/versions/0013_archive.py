"""archive: documents the secretariat files (charter, rules, contracts, photos) with retention and access level

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_document", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False, index=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member_unit.id"), nullable=True),
        sa.Column("retention_years", sa.Integer(), nullable=False),
        sa.Column("access", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("filed_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )


def downgrade() -> None:
    op.drop_table("archive_document")

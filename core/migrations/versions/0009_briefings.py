"""briefings: issues of the group's activity briefing (集团活动简报)

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "briefing",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("message.id"), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )


def downgrade() -> None:
    op.drop_table("briefing")

"""funds: budget lines, fee rates, fee payments and expenses (money in integer fen)

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _money():
    return sa.Column("amount_fen", sa.BigInteger(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "fund_budget", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("plan_area_id", sa.Integer(), sa.ForeignKey("plan_area.id"), nullable=True), _money(),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.UniqueConstraint("year", "category", "plan_area_id", name="uq_fund_budget_line"),
    )
    op.create_table(
        "fee_rate", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("member_type", sa.String(length=20), nullable=False), _money(),
        sa.UniqueConstraint("year", "member_type", name="uq_fee_rate"),
    )
    op.create_table(
        "fee_payment", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member_unit.id"), nullable=False, index=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True), _money(),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "fund_expense", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("spent_on", sa.Date(), nullable=False), _money(),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("plan_area_id", sa.Integer(), sa.ForeignKey("plan_area.id"), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )


def downgrade() -> None:
    for table in ("fund_expense", "fee_payment", "fee_rate", "fund_budget"):
        op.drop_table(table)

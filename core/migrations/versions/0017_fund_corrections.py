"""funds: payments, income and expenses can be corrected (version) and voided (reason, who, when)

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_TABLES = ("fee_payment", "fund_income", "fund_expense")


def upgrade() -> None:
    for table in ("fee_payment", "fund_income"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("voided_at", UTCDateTime(), nullable=True))
            batch.add_column(sa.Column("voided_by", sa.Integer(), sa.ForeignKey("app_user.id", name=f"fk_{table}_voided_by"), nullable=True))
            batch.add_column(sa.Column("void_reason", sa.String(length=500), nullable=False, server_default=""))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("void_reason")
            batch.drop_column("voided_by")
            batch.drop_column("voided_at")
    for table in ("fee_payment", "fund_income"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")

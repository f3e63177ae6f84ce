"""plan items get English names; failed logins are throttled per username and per client

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PLAN_TABLES = ("plan", "plan_area", "plan_task", "milestone")


def upgrade() -> None:
    for table in PLAN_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("title_en", sa.String(length=300), nullable=False, server_default=""))
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=120), primary_key=True),
        sa.Column("window_start", UTCDateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    for table in PLAN_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("title_en")

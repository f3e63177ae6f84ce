"""group: committees (专门委员会/工作委员会)

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("chair_member_id", sa.Integer(), sa.ForeignKey("member_unit.id"), nullable=True),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("dissolved_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_committee_name", "committee", ["name"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_committee_name", table_name="committee")
    op.drop_table("committee")

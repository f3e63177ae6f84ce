"""resources: the shared resources catalogue (资源共建共享), requests and usage

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _fk(name, target, nullable=False, index=False):
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target), nullable=nullable, index=index)


def _stamps():
    return [sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")]


def upgrade() -> None:
    op.create_table(
        "shared_resource", sa.Column("id", sa.Integer(), primary_key=True),
        _fk("owner_member_id", "member_unit.id", index=True),
        sa.Column("kind", sa.String(length=30), nullable=False, index=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("available_to", sa.Date(), nullable=True),
        sa.Column("conditions", sa.String(length=2000), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _fk("created_by", "app_user.id", nullable=True),
        *_stamps(),
    )
    op.create_table(
        "resource_request", sa.Column("id", sa.Integer(), primary_key=True),
        _fk("resource_id", "shared_resource.id", index=True),
        _fk("requester_member_id", "member_unit.id", index=True),
        _fk("requested_by", "app_user.id", nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False, index=True),
        sa.Column("reply", sa.String(length=2000), nullable=False),
        sa.Column("proposed_starts_on", sa.Date(), nullable=True),
        sa.Column("proposed_ends_on", sa.Date(), nullable=True),
        _fk("decided_by", "app_user.id", nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("used_quantity", sa.Integer(), nullable=True),
        _fk("ledger_entry_id", "ledger_entry.id", nullable=True),
        *_stamps(),
    )


def downgrade() -> None:
    op.drop_table("resource_request")
    op.drop_table("shared_resource")

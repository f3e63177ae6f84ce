"""meetings: meetings with agenda, invitations and attendance; actions (follow-ups)

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("online", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("host", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("description", sa.String(length=4000), nullable=False, server_default=""),
        sa.Column("status", sa.String(length=20), nullable=False, server_default="planned"),
        sa.Column("minutes", sa.Text(), nullable=False, server_default=""),
        sa.Column("minutes_message_id", sa.Integer(), sa.ForeignKey("message.id"), nullable=True),
        sa.Column("slides", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_meeting_kind", "meeting", ["kind"])
    op.create_index("ix_meeting_starts_at", "meeting", ["starts_at"])
    op.create_table(
        "meeting_agenda_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("presenter", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("decision", sa.String(length=4000), nullable=False, server_default=""),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_meeting_agenda_item_meeting_id", "meeting_agenda_item", ["meeting_id"])
    op.create_table(
        "meeting_invitation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member_unit.id"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False, server_default="invited"),
        sa.Column("attendee", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("note", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("responded_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("responded_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("invited_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("meeting_id", "member_id"),
    )
    op.create_index("ix_meeting_invitation_meeting_id", "meeting_invitation", ["meeting_id"])
    op.create_index("ix_meeting_invitation_member_id", "meeting_invitation", ["member_id"])
    op.create_table(
        "meeting_action",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting.id"), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), sa.ForeignKey("meeting_agenda_item.id"), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_staff_id", sa.Integer(), sa.ForeignKey("staff_member.id"), nullable=True),
        sa.Column("owner_member_id", sa.Integer(), sa.ForeignKey("member_unit.id"), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False, server_default="open"),
        sa.Column("milestone_id", sa.Integer(), sa.ForeignKey("milestone.id"), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=False, server_default=""),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_meeting_action_meeting_id", "meeting_action", ["meeting_id"])
    op.create_index("ix_meeting_action_owner_staff_id", "meeting_action", ["owner_staff_id"])
    op.create_index("ix_meeting_action_owner_member_id", "meeting_action", ["owner_member_id"])
    op.create_index("ix_meeting_action_status", "meeting_action", ["status"])


def downgrade() -> None:
    op.drop_table("meeting_action")
    op.drop_table("meeting_invitation")
    op.drop_table("meeting_agenda_item")
    op.drop_table("meeting")

"""The meetings wing's tables (imported at the end of core/models.py, so Alembic and the tests'
create_all see them)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel, UniqueConstraint

from core.dbtypes import UTCDateTime
from core.timeutil import utcnow


def _ts(**kw):
    return Field(sa_type=UTCDateTime, **kw)


def _created():
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeetingKind(StrEnum):
    COUNCIL = "council"                    # 理事会
    STANDING_COUNCIL = "standing_council"  # 常务理事会
    OFFICE = "office"                      # 秘书处办公室会议
    SEMINAR = "seminar"                    # 专题研讨会
    EVENT = "event"                        # 论坛/活动


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class InvitationStatus(StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, index=True)
    title: str = Field(max_length=200)
    starts_at: datetime = _ts(index=True)
    ends_at: datetime | None = _ts(default=None)
    place: str = Field(default="", max_length=200)
    online: bool = False
    host: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=4000)
    status: str = Field(default=MeetingStatus.PLANNED, max_length=20)
    minutes: str = Field(default="", sa_type=sa.Text)
    minutes_message_id: int | None = Field(default=None, foreign_key="message.id")
    # the meeting mode's slides for this meeting, in order (codes of core/meetings/deck.py)
    slides: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = 1


class AgendaItem(SQLModel, table=True):
    __tablename__ = "meeting_agenda_item"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    seq: int
    title: str = Field(max_length=300)
    presenter: str = Field(default="", max_length=100)
    decision: str = Field(default="", max_length=4000)  # what the meeting resolved on this item
    version: int = 1


class MeetingInvitation(SQLModel, table=True):
    """One invited unit: invited → confirmed or declined by its liaison; attended as recorded."""

    __tablename__ = "meeting_invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    status: str = Field(default=InvitationStatus.INVITED, max_length=20)
    attendee: str = Field(default="", max_length=200)  # who the unit sends
    note: str = Field(default="", max_length=500)
    attended: bool | None = None  # None until the secretariat records who came
    responded_by: int | None = Field(default=None, foreign_key="app_user.id")
    responded_at: datetime | None = _ts(default=None)
    invited_at: datetime = _created()


class MeetingAction(SQLModel, table=True):
    """A decision's follow-up: owner (an office staff member or a unit), due date, status, and
    optionally the plan milestone it moves."""

    __tablename__ = "meeting_action"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="meeting_agenda_item.id")
    title: str = Field(max_length=300)
    owner_staff_id: int | None = Field(default=None, foreign_key="staff_member.id", index=True)
    owner_member_id: int | None = Field(default=None, foreign_key="member_unit.id", index=True)
    due_on: date | None = None
    status: str = Field(default=ActionStatus.OPEN, max_length=20, index=True)
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    note: str = Field(default="", max_length=2000)
    closed_on: date | None = None
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = 1


class Briefing(SQLModel, table=True):
    """An issue of 集团活动简报 for a period: items proposed from the period's meetings, ledgers,
    new members, completed milestones and notices, edited and ordered by the office; its photos
    are attachments (owner kind "briefing"); published as a notice of category bulletin."""

    __tablename__ = "briefing"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)  # e.g. 集团活动简报 2019年第4期
    period_start: date
    period_end: date
    # [{"kind": "meeting"|"ledger"|"member"|"milestone"|"notice"|"text", "title": str, "body": str}]
    items: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    message_id: int | None = Field(default=None, foreign_key="message.id")
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = 1

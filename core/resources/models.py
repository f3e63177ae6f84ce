"""The shared resources wing's tables (imported at the end of core/models.py, so Alembic and the
tests' create_all see them)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from core.dbtypes import UTCDateTime
from core.timeutil import utcnow


def _created():
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


class ResourceKind(StrEnum):
    TRAINING_BASE = "training_base"  # 实训基地
    LAB = "lab"                      # 实验室
    EQUIPMENT = "equipment"          # 设备
    COURSE = "course"                # 课程与教学资源
    TEXTBOOK = "textbook"            # 教材
    EXPERT = "expert"                # 专家
    MASTER = "master"                # 技能大师
    INTERNSHIP = "internship"        # 实习岗位
    JOB = "job"                      # 就业岗位


class RequestStatus(StrEnum):
    PENDING = "pending"      # waiting for the owner
    PROPOSED = "proposed"    # the owner proposed other dates; waiting for the requester
    ACCEPTED = "accepted"    # agreed: a usage record
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"  # used


class SharedResource(SQLModel, table=True):
    __tablename__ = "shared_resource"
    id: int | None = Field(default=None, primary_key=True)
    owner_member_id: int = Field(foreign_key="member_unit.id", index=True)
    kind: str = Field(max_length=30, index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    capacity: int = 1  # open places, pieces, posts: how many may be asked for at once
    available_from: date | None = None
    available_to: date | None = None
    conditions: str = Field(default="", max_length=2000)
    contact: str = Field(default="", max_length=200)
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = 1


class ResourceRequest(SQLModel, table=True):
    """A unit's request for another's resource; once accepted it is the usage record."""

    __tablename__ = "resource_request"
    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="shared_resource.id", index=True)
    requester_member_id: int = Field(foreign_key="member_unit.id", index=True)
    requested_by: int | None = Field(default=None, foreign_key="app_user.id")
    starts_on: date
    ends_on: date
    quantity: int = 1
    purpose: str = Field(default="", max_length=2000)
    status: str = Field(default=RequestStatus.PENDING, max_length=20, index=True)
    reply: str = Field(default="", max_length=2000)  # the owner's reason or note
    proposed_starts_on: date | None = None
    proposed_ends_on: date | None = None
    decided_by: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_on: date | None = None
    used_quantity: int | None = None
    ledger_entry_id: int | None = Field(default=None, foreign_key="ledger_entry.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = 1

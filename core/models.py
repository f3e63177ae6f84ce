"""Every table of the platform, one module so Alembic sees the whole schema.

Conventions:
- Codes (roles, types, statuses) are stored as short strings; the allowed values live in the
  enums below and are checked by the services, so a new value never needs a DB enum migration.
- Datetimes are timezone-aware UTC (`UTCDateTime`); dates are plain dates.
- Rows that two people may edit at once carry `version`; services update them with
  `WHERE version = expected` and refuse a stale edit (see `core.db.update_versioned`).
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel, UniqueConstraint

from core.dbtypes import UTCDateTime
from core.timeutil import utcnow


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def _json(default_factory=dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


# ---------------------------------------------------------------- codes
class Role(StrEnum):
    COUNCIL = "council"
    SECRETARIAT = "secretariat"
    MEMBER = "member"
    ADMIN = "admin"


class MemberType(StrEnum):
    GOVERNMENT = "government"
    ASSOCIATION = "association"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    RESEARCH = "research"
    OTHER = "other"


class MemberStatus(StrEnum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXITED = "exited"


class SeatRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    STANDING_DIRECTOR = "standing_director"
    DIRECTOR = "director"
    SECRETARY_GENERAL = "secretary_general"


class DutyArea(StrEnum):
    LEADERSHIP = "leadership"
    EDUCATION = "education"
    MEETINGS = "meetings"
    RESEARCH = "research"
    ENROLMENT = "enrolment"
    PUBLICITY = "publicity"
    TRAINING = "training"
    FINANCE = "finance"


class MilestoneStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class ValueStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Aggregation(StrEnum):
    SUM = "sum"
    AVERAGE = "average"
    LATEST = "latest"


class LedgerKind(StrEnum):
    """The ledger kinds; their typed columns are in core/ledgers/kinds.py."""

    COOPERATION_PROJECT = "cooperation_project"
    ORDER_CLASS = "order_class"
    APPRENTICESHIP = "apprenticeship"
    TRAINING_BASE = "training_base"
    TEACHER_PRACTICE = "teacher_practice"
    DUAL_APPOINTMENT = "dual_appointment"
    TECH_SERVICE = "tech_service"
    PATENT = "patent"
    TRAINING = "training"
    COMPETITION = "competition"
    CERT_1X = "cert_1x"
    INTERNATIONAL = "international"
    COMMUNITY = "community"


class MessageCategory(StrEnum):
    NOTICE = "notice"
    DOCUMENT = "document"
    MINUTES = "minutes"
    BULLETIN = "bulletin"
    SYSTEM = "system"


# ---------------------------------------------------------------- group management
class MemberUnit(SQLModel, table=True):
    __tablename__ = "member_unit"
    id: int | None = Field(default=None, primary_key=True)
    credit_code: str = Field(max_length=18, unique=True, index=True)  # 统一社会信用代码
    name: str = Field(max_length=200, index=True)
    short_name: str = Field(default="", max_length=100)
    unit_type: str = Field(max_length=20, index=True)
    city: str = Field(default="", max_length=50)
    address: str = Field(default="", max_length=300)
    status: str = Field(default=MemberStatus.ACTIVE, max_length=20, index=True)
    joined_on: date | None = None
    exited_on: date | None = None
    status_reason: str = Field(default="", max_length=500)
    contact_name: str = Field(default="", max_length=100)
    contact_title: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=50)
    contact_email: str = Field(default="", max_length=200)
    website: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=4000)
    is_lead: bool = False
    is_demo: bool = False
    version: int = 1
    created_at: datetime = _created()
    updated_at: datetime = _created()


class MemberStatusChange(SQLModel, table=True):
    """The join / suspend / exit / rejoin history of a unit."""

    __tablename__ = "member_status_change"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    from_status: str = Field(default="", max_length=20)
    to_status: str = Field(max_length=20)
    effective_on: date
    reason: str = Field(default="", max_length=500)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _created()


class CouncilTerm(SQLModel, table=True):
    __tablename__ = "council_term"
    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    name: str = Field(max_length=100)
    name_en: str = Field(default="", max_length=100)  # English name; empty shows the Chinese, marked
    started_on: date
    ended_on: date | None = None
    version: int = 1


class CouncilSeat(SQLModel, table=True):
    __tablename__ = "council_seat"
    id: int | None = Field(default=None, primary_key=True)
    term_id: int = Field(foreign_key="council_term.id", index=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    seat_role: str = Field(max_length=30)
    person_name: str = Field(max_length=100)
    person_title: str = Field(default="", max_length=100)
    sort_order: int = 0
    version: int = 1


class StaffMember(SQLModel, table=True):
    """A person of the secretariat office (秘书处办公室); owners of plan milestones."""

    __tablename__ = "staff_member"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    position: str = Field(max_length=30)  # director / deputy / staff
    duty_area: str = Field(max_length=30)
    duties: str = Field(default="", max_length=1000)
    phone: str = Field(default="", max_length=50)
    email: str = Field(default="", max_length=200)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    active: bool = True
    sort_order: int = 0
    version: int = 1


# ---------------------------------------------------------------- plan tracking
class Plan(SQLModel, table=True):
    __tablename__ = "plan"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)  # English name; empty shows the Chinese, marked
    start_year: int
    end_year: int
    issued_on: date | None = None
    description: str = Field(default="", max_length=4000)
    is_current: bool = False
    version: int = 1


class PlanArea(SQLModel, table=True):
    __tablename__ = "plan_area"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    seq: int
    title: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=4000)


class PlanTask(SQLModel, table=True):
    __tablename__ = "plan_task"
    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="plan_area.id", index=True)
    seq: int
    title: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=4000)
    owner_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")


class Milestone(SQLModel, table=True):
    __tablename__ = "milestone"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="plan_task.id", index=True)
    seq: int
    title: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)
    owner_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    planned_start: date
    planned_due: date
    actual_done_on: date | None = None
    status: str = Field(default=MilestoneStatus.NOT_STARTED, max_length=20)
    percent: int = 0
    weight: float = 1.0
    evidence: str = Field(default="", max_length=4000)
    indicator_id: int | None = Field(default=None, foreign_key="indicator.id")
    target_value: float | None = None
    version: int = 1
    updated_at: datetime = _created()


class MilestoneHistory(SQLModel, table=True):
    __tablename__ = "milestone_history"
    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestone.id", index=True)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = _created()
    changes: dict = _json()  # {field: [old, new]}
    comment: str = Field(default="", max_length=2000)


# ---------------------------------------------------------------- indicators
class Indicator(SQLModel, table=True):
    __tablename__ = "indicator"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    unit_zh: str = Field(default="", max_length=40)
    unit_en: str = Field(default="", max_length=40)
    category: str = Field(default="", max_length=40)
    reporter_types: list = _json(list)  # member types that report it; [] = group level
    aggregation: str = Field(default=Aggregation.SUM, max_length=20)
    higher_is_better: bool = True
    min_value: float | None = None
    max_value: float | None = None
    decimals: int = 0
    formula: str = Field(default="", max_length=500)  # derived: e.g. "S05 / S04 * 100"
    sort_order: int = 0
    active: bool = True
    version: int = 1


class IndicatorTarget(SQLModel, table=True):
    __tablename__ = "indicator_target"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    year: int
    target_value: float
    version: int = 1


class ReportingWindow(SQLModel, table=True):
    __tablename__ = "reporting_window"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    opens_on: date
    deadline: date
    version: int = 1


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    filename: str = Field(max_length=300)
    sha256: str = Field(max_length=64, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _created()
    rows_added: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    errors: list = _json(list)


class Submission(SQLModel, table=True):
    """One unit's data for one year, the thing that is submitted, reviewed and approved."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("member_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    year: int = Field(index=True)
    status: str = Field(default=ValueStatus.DRAFT, max_length=20, index=True)
    submitted_at: datetime | None = _ts(default=None)
    submitted_by: int | None = Field(default=None, foreign_key="app_user.id")
    on_time: bool | None = None
    reviewed_at: datetime | None = _ts(default=None)
    reviewed_by: int | None = Field(default=None, foreign_key="app_user.id")
    review_reason: str = Field(default="", max_length=2000)
    version: int = 1


class IndicatorValue(SQLModel, table=True):
    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("member_id", "indicator_id", "year"),
                      # yearly totals are answered from this index alone (see migration 0002)
                      sa.Index("ix_indicator_value_year_status_cover", "year", "status", "indicator_id",
                               "member_id", "value"))
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    year: int = Field(index=True)
    value: float | None = None
    comment: str = Field(default="", max_length=1000)
    status: str = Field(default=ValueStatus.DRAFT, max_length=20, index=True)
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = _created()
    version: int = 1


# ---------------------------------------------------------------- ledgers
class LedgerEntry(SQLModel, table=True):
    """A register row of cooperation work (order class, apprenticeship, patent, ...).

    `extra` holds the kind's typed fields by key (core/ledgers/kinds.py); `quantity` (the kind's
    headline figure) and `amount_fen` (its money field) are copies kept for fast sums;
    `search_text` is the folded text the query searches (name, partners, people, description).
    `search_grams` is its bigrams, the search index's text (core/ledgers/search_index.py).
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (sa.Index("ix_ledger_entry_kind_year", "kind", "year", "status"),
                      sa.Index("ix_ledger_entry_year_id", "year", "id"))  # the query page's order
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)  # looked up through ix_ledger_entry_kind_year
    title: str = Field(max_length=300)
    member_id: int | None = Field(default=None, foreign_key="member_unit.id", index=True)
    year: int  # looked up through ix_ledger_entry_year_id
    started_on: date | None = None
    ended_on: date | None = None
    quantity: float | None = None
    quantity_unit: str = Field(default="", max_length=20)
    amount_fen: int | None = Field(default=None, sa_type=sa.BigInteger)
    description: str = Field(default="", max_length=4000)
    extra: dict = _json()
    status: str = Field(default="recorded", max_length=20, index=True)
    search_text: str = Field(default="", sa_type=sa.Text)
    search_grams: str = Field(default="", sa_type=sa.Text)  # its index text (core/ledgers/search_index.py)
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _created()
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = _created()
    version: int = 1


# ---------------------------------------------------------------- messages
class Message(SQLModel, table=True):
    """A notice or document from the secretariat, or a system message from another module."""

    __tablename__ = "message"
    id: int | None = Field(default=None, primary_key=True)
    category: str = Field(max_length=20, index=True)
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_type=sa.Text)
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # {"everyone": bool, "roles": [...], "member_types": [...], "member_ids": [...], "user_ids": [...]}
    audience: dict = _json()
    pinned: bool = False
    is_public: bool = False
    published: bool = True
    publish_at: datetime = _created()
    expires_at: datetime | None = _ts(default=None)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = 1


class MessageRevision(SQLModel, table=True):
    __tablename__ = "message_revision"
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_type=sa.Text)
    edited_by: int | None = Field(default=None, foreign_key="app_user.id")
    edited_at: datetime = _created()


class ReadReceipt(SQLModel, table=True):
    __tablename__ = "read_receipt"
    __table_args__ = (UniqueConstraint("message_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    read_at: datetime = _created()


class Attachment(SQLModel, table=True):
    """A file kept in the database, so every app replica sees it."""

    __tablename__ = "attachment"
    id: int | None = Field(default=None, primary_key=True)
    owner_kind: str = Field(max_length=20, index=True)  # message / milestone / post
    owner_id: int = Field(index=True)
    filename: str = Field(max_length=300)
    mime_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_type=sa.LargeBinary)
    uploaded_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _created()


class Topic(SQLModel, table=True):
    """A discussion-board topic; its posts are the replies."""

    __tablename__ = "topic"
    id: int | None = Field(default=None, primary_key=True)
    board: str = Field(max_length=30, index=True)
    title: str = Field(max_length=200)
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    locked: bool = False
    hidden: bool = False
    created_at: datetime = _created()
    last_post_at: datetime = _created()
    version: int = 1


class Post(SQLModel, table=True):
    __tablename__ = "post"
    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="topic.id", index=True)
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    body: str = Field(sa_type=sa.Text)
    hidden: bool = False
    created_at: datetime = _created()
    edited_at: datetime | None = _ts(default=None)
    version: int = 1


class PostRevision(SQLModel, table=True):
    __tablename__ = "post_revision"
    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    body: str = Field(sa_type=sa.Text)
    edited_at: datetime = _created()


# ---------------------------------------------------------------- system
class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    member_id: int | None = Field(default=None, foreign_key="member_unit.id")
    password_hash: str = Field(max_length=100)
    must_change_password: bool = False
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = _ts(default=None)
    # Cookies issued before this instant no longer log anyone in: logout and a password
    # change move it forward, ending the user's sessions in every browser and replica.
    sessions_valid_after: datetime = _created()
    language: str = Field(default="zh", max_length=5)
    last_login_at: datetime | None = _ts(default=None)
    created_at: datetime = _created()
    version: int = 1


class LoginThrottle(SQLModel, table=True):
    """Failed logins counted per username and per client address in a sliding window, in the
    database so that every replica applies the same limit."""

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True, max_length=120)  # "user:<name>" or "client:<address>"
    window_start: datetime = _created()
    failures: int = 0


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor_name: str = Field(default="", max_length=64)
    action: str = Field(max_length=40, index=True)
    entity: str = Field(default="", max_length=40, index=True)
    entity_id: str = Field(default="", max_length=64)
    before: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    detail: str = Field(default="", max_length=1000)


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=60)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    updated_at: datetime = _created()
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1


# ---------------------------------------------------------------- ledgers (partners, locks, links)
class LedgerPartner(SQLModel, table=True):
    """A partner of a ledger entry: a member unit (who confirms or disputes it) or an outside
    organisation by name and credit code (the secretariat confirms those)."""

    __tablename__ = "ledger_partner"
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="ledger_entry.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member_unit.id", index=True)
    name: str = Field(default="", max_length=200)
    credit_code: str = Field(default="", max_length=18)
    confirmation: str = Field(default="pending", max_length=20)  # pending / confirmed / disputed
    reason: str = Field(default="", max_length=1000)
    decided_by: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = _ts(default=None)


class LedgerYearLock(SQLModel, table=True):
    """A reported year: its ledger entries can no longer be added, changed or confirmed."""

    __tablename__ = "ledger_year_lock"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    locked_by: int | None = Field(default=None, foreign_key="app_user.id")
    locked_at: datetime = _created()


class LedgerIndicatorLink(SQLModel, table=True):
    """An indicator derived from a ledger: the sum of a field (or the count) of a unit's entries of
    one kind in a year, compared with the reported value within a tolerance."""

    __tablename__ = "ledger_indicator_link"
    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", unique=True)
    kind: str = Field(max_length=30)
    field: str = Field(default="", max_length=40)  # "" counts the entries
    tolerance_pct: float = 5.0
    version: int = 1


class LedgerTally(SQLModel, table=True):
    """Counts and sums of the ledger entries per kind, year and status, kept with the entries (in
    the same transaction) so the group-wide summary reads a few hundred rows, not every entry."""

    __tablename__ = "ledger_tally"
    kind: str = Field(primary_key=True, max_length=30)
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    status: str = Field(primary_key=True, max_length=20)
    entries: int = 0
    quantity: float = 0.0
    amount_fen: int = Field(default=0, sa_type=sa.BigInteger)



# The wings' own tables, here so that Alembic's env and the tests' create_all see them.
from core.archive import models as _archive_models  # noqa: F401
from core.assessment import models as _assessment_models  # noqa: F401
from core.funds import models as _funds_models  # noqa: F401
from core.group import models as _group_models  # noqa: F401
from core.ledgers import models as _ledgers_models  # noqa: F401
from core.meetings import models as _meetings_models  # noqa: F401
from core.reports import models as _reports_models  # noqa: F401
from core.resources import models as _resources_models  # noqa: F401

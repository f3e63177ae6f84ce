"""The assessment wing's tables (imported at the end of core/models.py, so Alembic and the tests'
create_all see them).

A scheme is the secretariat's rules for one year (criteria with weights, a source and a scoring
rule each, kept as data it edits); publishing it freezes every unit's score and breakdown in
assessment_result, so a published ranking never moves when later data changes.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import JSON, Column, Field, SQLModel, UniqueConstraint

from core.dbtypes import UTCDateTime
from core.timeutil import utcnow


def _ts(**kw):
    return Field(sa_type=UTCDateTime, **kw)


def _created():
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def _json(default_factory=dict):
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class SchemeStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class AssessmentScheme(SQLModel, table=True):
    __tablename__ = "assessment_scheme"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True, sa_column_kwargs={"autoincrement": False})
    title: str = Field(max_length=200)
    # [{"code", "name_zh", "name_en", "source", "rule", "params": {..}, "weight", "unit_type"}]
    criteria: list = _json(list)
    status: str = Field(default=SchemeStatus.DRAFT, max_length=20)
    published_at: datetime | None = _ts(default=None)
    published_by: int | None = Field(default=None, foreign_key="app_user.id")
    message_id: int | None = Field(default=None, foreign_key="message.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = 1


class AssessmentAdjustment(SQLModel, table=True):
    """Points the secretariat adds or removes for a unit, with its reason (shown beside the
    computed score, never folded into it)."""

    __tablename__ = "assessment_adjustment"
    __table_args__ = (UniqueConstraint("scheme_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="assessment_scheme.id", index=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    points: float
    reason: str = Field(max_length=1000)
    by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = _created()
    version: int = 1


class AssessmentResult(SQLModel, table=True):
    """A unit's published score: frozen when its scheme is published."""

    __tablename__ = "assessment_result"
    __table_args__ = (UniqueConstraint("scheme_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="assessment_scheme.id", index=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    unit_type: str = Field(max_length=20)
    score: float
    adjustment: float = 0.0
    adjustment_reason: str = Field(default="", max_length=1000)
    total: float
    rank: int  # within its unit type
    of: int    # units of its type ranked
    breakdown: list = _json(list)  # [{"code", "value", "detail", "points", "weight"}]


class AwardSubject(StrEnum):
    UNIT = "unit"
    PERSON = "person"


class PassRule(StrEnum):
    MAJORITY = "majority"        # more approvals than half the votes cast
    TWO_THIRDS = "two_thirds"    # at least two thirds of the votes cast
    UNANIMOUS = "unanimous"      # no objection, at least one approval


class AwardCategory(SQLModel, table=True):
    __tablename__ = "award_category"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    name: str = Field(max_length=100)
    name_en: str = Field(default="", max_length=100)
    subject: str = Field(default=AwardSubject.UNIT, max_length=20)
    quota: int = 1
    pass_rule: str = Field(default=PassRule.MAJORITY, max_length=20)
    unit_type: str = Field(default="", max_length=20)  # "" = any type
    published_at: datetime | None = _ts(default=None)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    version: int = 1


class NominationStatus(StrEnum):
    NOMINATED = "nominated"    # waiting for the secretariat's review
    IN_VOTE = "in_vote"        # reviewed, put to the council
    DECLINED = "declined"      # not put forward by the secretariat
    APPROVED = "approved"      # passed the council under the category's rule
    REJECTED = "rejected"      # did not pass
    AWARDED = "awarded"        # published with the results


class AwardNomination(SQLModel, table=True):
    __tablename__ = "award_nomination"
    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="award_category.id", index=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    person_name: str = Field(default="", max_length=100)  # for awards to a person
    statement: str = Field(default="", max_length=4000)
    evidence: str = Field(default="", max_length=2000)
    source: str = Field(default="unit", max_length=20)  # ranking (by the secretariat) / unit
    status: str = Field(default=NominationStatus.NOMINATED, max_length=20, index=True)
    review_note: str = Field(default="", max_length=1000)
    certificate_no: str = Field(default="", max_length=40)
    nominated_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _created()
    version: int = 1


class AwardVote(SQLModel, table=True):
    __tablename__ = "award_vote"
    __table_args__ = (UniqueConstraint("nomination_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="award_nomination.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    approve: bool
    comment: str = Field(default="", max_length=1000)
    at: datetime = _created()

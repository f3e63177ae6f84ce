"""The archive wing's table (imported at the end of core/models.py, so Alembic and the tests'
create_all see it)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from core.dbtypes import UTCDateTime
from core.timeutil import utcnow


class Access(StrEnum):
    """Who may open a filed document, widest first."""

    PUBLIC = "public"            # anyone logged in, and fit for the portal
    MEMBERS = "members"          # every member unit's account
    COUNCIL = "council"          # the council and the secretariat
    SECRETARIAT = "secretariat"  # the secretariat only


class DocCategory(StrEnum):
    CHARTER = "charter"      # 章程
    RULES = "rules"          # 管理制度
    CONTRACT = "contract"    # 协议合同
    PHOTO = "photo"          # 会议照片
    OTHER = "other"


class ArchiveDocument(SQLModel, table=True):
    __tablename__ = "archive_document"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    category: str = Field(max_length=20, index=True)
    year: int = Field(index=True)
    member_id: int | None = Field(default=None, foreign_key="member_unit.id")  # the unit it concerns
    retention_years: int = 0  # 0: kept permanently (永久)
    access: str = Field(default=Access.SECRETARIAT, max_length=20)
    description: str = Field(default="", max_length=2000)
    filed_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1

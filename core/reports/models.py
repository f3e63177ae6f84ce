"""Tables of the reports wing: the group's profile per year, export profiles (what a national or
provincial platform asks for, as data), the submissions made with them, and the annual report's
chapter texts per year. Imported at the end of core/models.py so Alembic and tests see them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel, UniqueConstraint

from core.dbtypes import UTCDateTime
from core.timeutil import utcnow


def _created():
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def _json():
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class GroupProfile(SQLModel, table=True):
    """The group's basic information as it stood for one year (集团基本信息); `values` holds the
    typed fields of core/reports/profile.py FIELDS by key. Counts are never stored here."""

    __tablename__ = "group_profile"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True, index=True)
    values: dict = _json()
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = _created()
    version: int = 1


class ExportProfile(SQLModel, table=True):
    """A target platform's workbook described as data: sheets, columns (field code, label,
    source, scale, decimals). See core/reports/export.py for the source language."""

    __tablename__ = "export_profile"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    spec: dict = _json()
    builtin: bool = False
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = _created()
    version: int = 1


class ReportSubmission(SQLModel, table=True):
    """A workbook as it was submitted to a platform: frozen bytes, hash and figures. A corrected
    resubmission is a new row; earlier ones stay."""

    __tablename__ = "report_submission"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    profile_code: str = Field(max_length=40, index=True)
    filename: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    figures: dict = _json()  # {"sheet!row!code": value}
    content: bytes = Field(sa_type=sa.LargeBinary)
    note: str = Field(default="", max_length=1000)
    submitted_by: int | None = Field(default=None, foreign_key="app_user.id")
    submitted_at: datetime = _created()


class ReportText(SQLModel, table=True):
    """The secretariat's narrative for one chapter of one year's annual report."""

    __tablename__ = "report_text"
    __table_args__ = (UniqueConstraint("year", "chapter"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    chapter: str = Field(max_length=30)
    text: str = Field(default="", sa_type=sa.Text)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = _created()
    version: int = 1

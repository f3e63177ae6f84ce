"""The group wing's own tables (imported at the end of core/models.py)."""
from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class Committee(SQLModel, table=True):
    """A committee of the council (专门委员会/工作委员会). Dissolved, not deleted: a past year's
    profile still counts the committees that were active at its end."""

    __tablename__ = "committee"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    name_en: str = Field(default="", max_length=200)  # empty shows the Chinese, marked
    chair_member_id: int | None = Field(default=None, foreign_key="member_unit.id")
    established_on: date
    dissolved_on: date | None = None
    note: str = Field(default="", max_length=500)
    version: int = 1

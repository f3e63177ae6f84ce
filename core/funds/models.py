"""The funds wing's tables (imported at the end of core/models.py). Money is integer fen."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from core.dbtypes import UTCDateTime
from core.timeutil import utcnow


class Source(StrEnum):
    MEMBERSHIP_FEE = "membership_fee"    # 会费
    LEAD_ALLOCATION = "lead_allocation"  # 牵头单位拨款
    GOVERNMENT = "government"            # 政府项目经费
    SPONSORSHIP = "sponsorship"          # 企业赞助


class Use(StrEnum):
    MEETINGS = "meetings"
    TRAINING = "training"
    COMPETITIONS = "competitions"
    PLATFORM = "platform"
    PUBLICITY = "publicity"


class FundBudget(SQLModel, table=True):
    """A budget line of a year: income by source or spending by use, maybe for one plan area."""

    __tablename__ = "fund_budget"
    __table_args__ = (UniqueConstraint("year", "category", "plan_area_id", name="uq_fund_budget_line"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    category: str = Field(max_length=30)  # a Source or a Use code
    plan_area_id: int | None = Field(default=None, foreign_key="plan_area.id")
    amount_fen: int = Field(default=0, sa_type=sa.BigInteger)
    version: int = 1


class FeeRate(SQLModel, table=True):
    """The membership fee of a member type in a year."""

    __tablename__ = "fee_rate"
    __table_args__ = (UniqueConstraint("year", "member_type", name="uq_fee_rate"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    member_type: str = Field(max_length=20)
    amount_fen: int = Field(default=0, sa_type=sa.BigInteger)


class Booked(SQLModel):
    """What every row of the books carries: who recorded it and when, its version (edits are
    checked against it), and its void — a mistaken row is voided, not deleted: it leaves every
    total but stays in the books (audited)."""

    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by: int | None = Field(default=None, foreign_key="app_user.id")
    void_reason: str = Field(default="", max_length=500)


class FeePayment(Booked, table=True):
    __tablename__ = "fee_payment"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member_unit.id", index=True)
    year: int = Field(index=True)
    amount_fen: int = Field(sa_type=sa.BigInteger)
    paid_on: date
    note: str = Field(default="", max_length=500)


class Expense(Booked, table=True):
    __tablename__ = "fund_expense"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    spent_on: date
    amount_fen: int = Field(sa_type=sa.BigInteger)
    category: str = Field(max_length=30)
    plan_area_id: int | None = Field(default=None, foreign_key="plan_area.id")
    description: str = Field(max_length=500)
    status: str = Field(default="approved", max_length=20)  # approved / pending (over the threshold)
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")


class Income(Booked, table=True):
    """Money received from a source other than membership fees (those are FeePayments)."""

    __tablename__ = "fund_income"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    received_on: date
    amount_fen: int = Field(sa_type=sa.BigInteger)
    source: str = Field(max_length=30)  # a Source other than membership_fee
    payer: str = Field(max_length=500)  # who paid / what for

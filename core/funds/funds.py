"""Funds (经费筹措管理与使用): a year's budget by source and by use (maybe per plan area), the fee
schedule by member type with fees due, payments and arrears (reminded through the inbox), and
expenses, which over a configurable amount wait for the secretariat director's approval.

Money is integer fen throughout, so totals tie out to the cent. The secretariat keeps the
books; the council reads the figures; a liaison sees its own unit's fees and payments only.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlmodel import Session, func, select

from core import attachments, audit
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit_or_overseer, require_role
from core.db import update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.funds.models import Expense, FeePayment, FeeRate, FundBudget, Income, Source, Use
from core.i18n import translate
from core.messages.system import send_system
from core.models import AuditLog, MemberStatus, MemberUnit, PlanArea, Role, StaffMember
from core.settings import get_setting
from core.timeutil import format_china, utcnow

PAYMENT_KIND, EXPENSE_KIND, INCOME_KIND = "fee_payment", "fund_expense", "fund_income"  # voucher files
# Membership fees come in as FeePayments per unit; every other source as Income.
INCOME_SOURCES = tuple(s for s in Source if s != Source.MEMBERSHIP_FEE)
DEFAULT_APPROVAL_FEN = 500_000  # 5,000 元 unless the setting "funds_approval_fen" says otherwise
READERS = (Role.COUNCIL, *STAFF_ROLES)
REMINDED = "fee_arrears_reminded"  # audit action: when a year's arrears were last reminded
REMIND_AGAIN = timedelta(hours=24)  # a second reminder within this is refused (a double click)


def _money(amount_fen) -> int:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen < 0:
        raise ValidationFailed("funds.bad_amount")
    return amount_fen


def _day(value) -> date:
    if not isinstance(value, date):
        raise ValidationFailed("funds.bad_date")
    return value


def _check_area(session: Session, plan_area_id: int | None) -> None:
    if plan_area_id is not None and session.get(PlanArea, plan_area_id) is None:
        raise ValidationFailed("funds.unknown_area")


def set_budget(session: Session, current: CurrentUser | None, *, year: int, category: str, amount_fen: int,
               plan_area_id: int | None = None) -> FundBudget:
    """Set (or change) one budget line; 0 keeps the line with nothing budgeted."""
    require_role(current, *STAFF_ROLES)
    if category not in {*Source, *Use}:
        raise ValidationFailed("funds.bad_category")
    amount_fen = _money(amount_fen)
    _check_area(session, plan_area_id)
    row = session.exec(select(FundBudget).where(FundBudget.year == year, FundBudget.category == category,
                                                FundBudget.plan_area_id == plan_area_id if plan_area_id is not None
                                                else FundBudget.plan_area_id.is_(None))).first()
    before = row.amount_fen if row else None
    if row is None:
        row = FundBudget(year=year, category=category, plan_area_id=plan_area_id, amount_fen=amount_fen)
        session.add(row)
    else:
        row.amount_fen, row.version = amount_fen, row.version + 1
    session.flush()
    audit.record(session, action="fund_budget_set", actor_id=current.id, actor_name=current.username,
                 entity="fund_budget", entity_id=row.id, before={"amount_fen": before}, after={"amount_fen": amount_fen},
                 detail=f"{year} {category}")
    return row


def set_fee_rate(session: Session, current: CurrentUser | None, *, year: int, member_type: str, amount_fen: int) -> None:
    require_role(current, *STAFF_ROLES)
    amount_fen = _money(amount_fen)
    row = session.exec(select(FeeRate).where(FeeRate.year == year, FeeRate.member_type == member_type)).first()
    if row is None:
        session.add(FeeRate(year=year, member_type=member_type, amount_fen=amount_fen))
    else:
        row.amount_fen = amount_fen
    session.flush()
    audit.record(session, action="fee_rate_set", actor_id=current.id, actor_name=current.username,
                 entity="fee_rate", entity_id=year, after={"member_type": member_type, "amount_fen": amount_fen})


def fee_rates(session: Session, current: CurrentUser | None, *, year: int) -> dict[str, int]:
    if current is None:
        raise PermissionDenied("auth.login_required")
    return dict(session.exec(select(FeeRate.member_type, FeeRate.amount_fen).where(FeeRate.year == year)).all())


def payment_values(session: Session, *, member_id: int, year: int, amount_fen: int, paid_on: date,
                    note: str) -> dict:
    """A payment's values checked and cleaned (recording and correcting share the rules)."""
    if session.get(MemberUnit, member_id) is None:
        raise ValidationFailed("funds.unknown_unit")
    if _money(amount_fen) == 0:
        raise ValidationFailed("funds.bad_amount")
    return {"member_id": member_id, "year": int(year), "amount_fen": amount_fen, "paid_on": _day(paid_on),
            "note": (note or "").strip()[:500]}


def record_payment(session: Session, current: CurrentUser | None, *, member_id: int, year: int, amount_fen: int,
                   paid_on: date, note: str = "", files: list[tuple[str, bytes]] = (),
                   over_ok: bool = False) -> FeePayment:
    """A unit's fee payment as the secretariat received it, with its voucher. More than the unit
    owes for the year is refused unless `over_ok` says the overpayment is meant (a typo of a
    zero, or a second click, would otherwise pass unseen)."""
    require_role(current, *STAFF_ROLES)
    values = payment_values(session, member_id=member_id, year=year, amount_fen=amount_fen, paid_on=paid_on,
                             note=note)
    owed = fees(session, current, year=int(year), member_id=member_id)["owed_fen"].sum()
    if amount_fen > owed and not over_ok:
        raise ValidationFailed("funds.over_owed", owed=f"{int(owed) / 100:,.2f}", amount=f"{amount_fen / 100:,.2f}")
    row = FeePayment(**values, recorded_by=current.id)
    session.add(row)
    session.flush()
    audit.record(session, action="fee_payment_recorded", actor_id=current.id, actor_name=current.username,
                 entity="fee_payment", entity_id=row.id, after={"member_id": member_id, "year": year,
                                                               "amount_fen": amount_fen, "paid_on": str(paid_on)})
    for filename, content in files:
        attachments.add(session, current, owner_kind=PAYMENT_KIND, owner_id=row.id, filename=filename, content=content)
    return row


def fees(session: Session, current: CurrentUser | None, *, year: int, member_id: int | None = None) -> pd.DataFrame:
    """Fees due, paid and owed per active unit in a year. A liaison gets its own unit only
    (naming none means its own)."""
    if current is not None and current.role == Role.MEMBER:
        member_id = current.member_id if member_id is None else member_id
    if member_id is not None:
        require_own_unit_or_overseer(current, member_id)
    else:
        require_role(current, *READERS)
    rates = fee_rates(session, current, year=year)
    query = select(MemberUnit.id, MemberUnit.name, MemberUnit.unit_type).where(MemberUnit.status == MemberStatus.ACTIVE)
    if member_id is not None:
        query = query.where(MemberUnit.id == member_id)
    units = session.exec(query.order_by(MemberUnit.id)).all()
    paid = dict(session.exec(select(FeePayment.member_id, func.sum(FeePayment.amount_fen))
                             .where(FeePayment.year == year, FeePayment.voided_at.is_(None))
                             .group_by(FeePayment.member_id)).all())
    rows = [{"member_id": uid, "unit": name, "unit_type": kind, "due_fen": int(rates.get(kind, 0)),
             "paid_fen": int(paid.get(uid, 0))} for uid, name, kind in units]
    frame = pd.DataFrame(rows, columns=["member_id", "unit", "unit_type", "due_fen", "paid_fen"])
    frame["owed_fen"] = (frame["due_fen"] - frame["paid_fen"]).clip(lower=0).astype("int64")
    # paid beyond the fee, shown apart so due - paid + over = owed ties out to the cent
    frame["over_fen"] = (frame["paid_fen"] - frame["due_fen"]).clip(lower=0).astype("int64")
    return frame


PAYMENT_COLUMNS = ["id", "member_id", "year", "amount_fen", "paid_on", "note", "version", "voided_at", "void_reason"]
INCOME_COLUMNS = ["id", "received_on", "amount_fen", "source", "payer", "version", "voided_at", "void_reason"]
EXPENSE_COLUMNS = ["id", "spent_on", "amount_fen", "category", "plan_area_id", "description", "status", "version",
                   "voided_at", "void_reason"]


def _rows(session: Session, model, columns: list[str], *where, order) -> pd.DataFrame:
    """Rows as a frame, voided ones included (marked by voided_at): the books keep them in view."""
    rows = session.exec(select(*(getattr(model, c) for c in columns)).where(*where).order_by(*order)).all()
    return pd.DataFrame(rows, columns=columns)


def payments(session: Session, current: CurrentUser | None, *, member_id: int, year: int | None = None) -> pd.DataFrame:
    """One unit's payments (voided ones marked): its liaison, the council and the secretariat only."""
    require_own_unit_or_overseer(current, member_id)
    where = [FeePayment.member_id == member_id] + ([FeePayment.year == year] if year is not None else [])
    return _rows(session, FeePayment, PAYMENT_COLUMNS, *where, order=(FeePayment.paid_on, FeePayment.id))


def remind_arrears(session: Session, current: CurrentUser | None, *, year: int, title: str, body: str) -> int:
    """One inbox message to every unit still owing the year's fee; how many were reminded."""
    require_role(current, *STAFF_ROLES)
    owing = fees(session, current, year=year)
    owing = owing[owing["owed_fen"] > 0]
    if owing.empty:
        return 0
    last = last_reminded(session, current, year=year)
    if last is not None and utcnow() - last < REMIND_AGAIN:
        raise ValidationFailed("funds.reminded_recently", at=format_china(last))
    member_ids = [int(m) for m in owing["member_id"]]
    send_system(session, title=title, body=body, member_ids=member_ids, sender=current)
    audit.record(session, action=REMINDED, actor_id=current.id, actor_name=current.username, entity="fee_year",
                 entity_id=year, after={"member_ids": member_ids})
    return len(owing)


def last_reminded(session: Session, current: CurrentUser | None, *, year: int) -> datetime | None:
    """When the units in arrears for a year were last reminded (the audit log keeps it)."""
    require_role(current, *STAFF_ROLES)
    return session.exec(select(func.max(AuditLog.at)).where(AuditLog.action == REMINDED, AuditLog.entity == "fee_year",
                                                            AuditLog.entity_id == str(year))).one()


def income_values(*, received_on: date, amount_fen: int, source: str, payer: str) -> dict:
    if source not in INCOME_SOURCES:
        raise ValidationFailed("funds.bad_category")
    if _money(amount_fen) == 0:
        raise ValidationFailed("funds.bad_amount")
    payer = " ".join((payer or "").split())[:500]
    if not payer:
        raise ValidationFailed("funds.payer_required")
    return {"year": _day(received_on).year, "received_on": received_on, "amount_fen": amount_fen, "source": source,
            "payer": payer}


def record_income(session: Session, current: CurrentUser | None, *, received_on: date, amount_fen: int,
                  source: str, payer: str, files: list[tuple[str, bytes]] = ()) -> Income:
    """Income from the lead unit, a government project or a sponsor, with its voucher."""
    require_role(current, *STAFF_ROLES)
    values = income_values(received_on=received_on, amount_fen=amount_fen, source=source, payer=payer)
    row = Income(**values, recorded_by=current.id)
    session.add(row)
    session.flush()
    audit.record(session, action="fund_income_recorded", actor_id=current.id, actor_name=current.username,
                 entity="fund_income", entity_id=row.id, detail=row.payer,
                 after={"amount_fen": amount_fen, "source": source, "received_on": str(received_on)})
    for filename, content in files:
        attachments.add(session, current, owner_kind=INCOME_KIND, owner_id=row.id, filename=filename, content=content)
    return row


def incomes(session: Session, current: CurrentUser | None, *, year: int) -> pd.DataFrame:
    require_role(current, *READERS)
    return _rows(session, Income, INCOME_COLUMNS, Income.year == year, order=(Income.received_on, Income.id))


def approval_threshold(session: Session) -> int:
    """Expenses above this many fen wait for the director (setting "funds_approval_fen")."""
    return int(get_setting(session, "funds_approval_fen") or DEFAULT_APPROVAL_FEN)


def expense_values(session: Session, *, spent_on: date, amount_fen: int, category: str, description: str,
                    plan_area_id: int | None) -> dict:
    if category not in set(Use):
        raise ValidationFailed("funds.bad_category")
    if _money(amount_fen) == 0:
        raise ValidationFailed("funds.bad_amount")
    _check_area(session, plan_area_id)
    description = " ".join((description or "").split())[:500]
    if not description:
        raise ValidationFailed("funds.description_required")
    return {"year": _day(spent_on).year, "spent_on": spent_on, "amount_fen": amount_fen, "category": category,
            "plan_area_id": plan_area_id, "description": description}


def record_expense(session: Session, current: CurrentUser | None, *, spent_on: date, amount_fen: int, category: str,
                   description: str, plan_area_id: int | None = None, files: list[tuple[str, bytes]] = ()) -> Expense:
    require_role(current, *STAFF_ROLES)
    values = expense_values(session, spent_on=spent_on, amount_fen=amount_fen, category=category,
                             description=description, plan_area_id=plan_area_id)
    status = "pending" if amount_fen > approval_threshold(session) else "approved"
    row = Expense(**values, status=status, recorded_by=current.id)
    session.add(row)
    session.flush()
    audit.record(session, action="fund_expense_recorded", actor_id=current.id, actor_name=current.username,
                 entity="fund_expense", entity_id=row.id, detail=row.description,
                 after={"amount_fen": amount_fen, "category": category, "status": status})
    for filename, content in files:
        attachments.add(session, current, owner_kind=EXPENSE_KIND, owner_id=row.id, filename=filename, content=content)
    if status == "pending":
        ask_director(session, current, row)
    return row


def _director_ids(session: Session) -> list[int]:
    return [uid for uid in session.exec(select(StaffMember.user_id).where(
        StaffMember.position == "director", StaffMember.active, StaffMember.user_id.is_not(None))).all()]


def ask_director(session: Session, current: CurrentUser, row: Expense) -> None:
    """Tell the director (by inbox message) that an expense waits for approval. Nobody is told
    when the office has no director with an account: the funds page says who may approve."""
    require_role(current, *STAFF_ROLES)
    directors = _director_ids(session)
    if directors:
        params = {"description": row.description, "amount": f"{row.amount_fen / 100:,.2f}",
                  "spent_on": row.spent_on.isoformat()}
        send_system(session, title=translate("funds.msg_pending_title", **params),
                    body=translate("funds.msg_pending_body", **params), user_ids=directors, sender=current)


def pending_for_me(session: Session, current: CurrentUser | None) -> int:
    """How many expenses (not voided) wait for the caller's approval: 0 unless the caller is the director."""
    require_role(current, *Role)
    if not is_director(session, current):
        return 0
    return int(session.exec(select(func.count()).select_from(Expense).where(
        Expense.status == "pending", Expense.voided_at.is_(None))).one())


def is_director(session: Session, current: CurrentUser | None) -> bool:
    return current is not None and current.role in STAFF_ROLES and session.exec(
        select(StaffMember.id).where(StaffMember.user_id == current.id, StaffMember.position == "director",
                                     StaffMember.active)).first() is not None


def approve_expense(session: Session, current: CurrentUser | None, *, expense_id: int, expected_version: int) -> None:
    if not is_director(session, current):
        raise PermissionDenied("funds.director_only")
    row = session.get(Expense, expense_id)
    if row is None:
        raise NotFound("funds.expense_not_found")
    if row.voided_at is not None:
        raise ValidationFailed("funds.voided")
    if row.status != "pending":
        raise ValidationFailed("funds.not_pending")
    update_versioned(session, Expense, expense_id, expected_version, {"status": "approved", "approved_by": current.id})
    audit.record(session, action="fund_expense_approved", actor_id=current.id, actor_name=current.username,
                 entity="fund_expense", entity_id=expense_id, detail=row.description)


def pending_expenses(session: Session, current: CurrentUser | None) -> pd.DataFrame:
    """Every expense (any year, not voided) waiting for the director's approval: the director only."""
    if not is_director(session, current):
        raise PermissionDenied("funds.director_only")
    return _rows(session, Expense, EXPENSE_COLUMNS, Expense.status == "pending", Expense.voided_at.is_(None),
                 order=(Expense.spent_on, Expense.id))


def expenses(session: Session, current: CurrentUser | None, *, year: int) -> pd.DataFrame:
    require_role(current, *READERS)
    return _rows(session, Expense, EXPENSE_COLUMNS, Expense.year == year, order=(Expense.spent_on, Expense.id))


def budget_vs_actual(session: Session, current: CurrentUser | None, *, year: int, by: str = "category") -> pd.DataFrame:
    """Budget and actual per category (income: fees received for membership fees, recorded income
    for the other sources; spending: approved expenses) or per plan area (spending only), in fen.
    Voided rows count nowhere."""
    require_role(current, *READERS)
    key = FundBudget.category if by == "category" else FundBudget.plan_area_id
    budget = dict(session.exec(select(key, func.sum(FundBudget.amount_fen)).where(FundBudget.year == year)
                               .group_by(key)).all())
    ekey = Expense.category if by == "category" else Expense.plan_area_id
    actual = dict(session.exec(select(ekey, func.sum(Expense.amount_fen))
                               .where(Expense.year == year, Expense.status == "approved", Expense.voided_at.is_(None))
                               .group_by(ekey)).all())
    if by == "category":
        actual[Source.MEMBERSHIP_FEE] = int(session.exec(select(func.coalesce(func.sum(FeePayment.amount_fen), 0))
                                                         .where(FeePayment.year == year,
                                                                FeePayment.voided_at.is_(None))).one())
        actual.update(session.exec(select(Income.source, func.sum(Income.amount_fen))
                                   .where(Income.year == year, Income.voided_at.is_(None)).group_by(Income.source)).all())
        keys = [*Source, *Use]
    else:
        keys = sorted({*budget, *actual} - {None}) + ([None] if None in {*budget, *actual} else [])
    rows = [{"key": k, "budget_fen": int(budget.get(k) or 0), "actual_fen": int(actual.get(k) or 0)} for k in keys]
    frame = pd.DataFrame(rows, columns=["key", "budget_fen", "actual_fen"])
    frame["diff_fen"] = frame["budget_fen"] - frame["actual_fen"]
    return frame


def in_yuan(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Fen columns as yuan numbers for a workbook (written with 2 decimals, so a reader's sums
    work); fen / 100 is the nearest double to the exact yuan, as Excel would store it anyway."""
    return frame.assign(**{c: frame[c].astype("int64") / 100 for c in columns})


def plan_areas(session: Session, current: CurrentUser | None) -> dict[int, str]:
    """The current plan's areas a budget line or an expense may belong to."""
    from core.plan.tracking import current_plan

    require_role(current, *READERS)
    plan = current_plan(session)
    if plan is None:
        return {}
    return dict(session.exec(select(PlanArea.id, PlanArea.title).where(PlanArea.plan_id == plan.id)
                             .order_by(PlanArea.seq)).all())


def _staff_only(session: Session, user: CurrentUser, _id: int) -> bool:
    return user.role in STAFF_ROLES


def _payment_readers(session: Session, user: CurrentUser, payment_id: int) -> bool:
    row = session.get(FeePayment, payment_id)
    return row is not None and (user.role in READERS or user.member_id == row.member_id)


def _voucher_of(model, title):
    """What the archive files a voucher under: the row's year, unit and words, marked when voided."""
    def describe(session: Session, row_id: int) -> dict:
        row = session.get(model, row_id)
        return {} if row is None else {"title": title(row), "year": row.year, "voided": row.voided_at is not None,
                                       **({"member_id": row.member_id} if model is FeePayment else {})}
    return describe


attachments.register_owner(PAYMENT_KIND, may_attach=_staff_only, may_read=_payment_readers,
                           describe=_voucher_of(FeePayment, lambda r: translate(
                               "funds.voucher_title", year=r.year, amount=f"{r.amount_fen / 100:,.2f}")))
attachments.register_owner(INCOME_KIND, may_attach=_staff_only,
                           may_read=lambda session, user, _id: user.role in READERS,
                           describe=_voucher_of(Income, lambda r: r.payer))
attachments.register_owner(EXPENSE_KIND, may_attach=_staff_only,
                           may_read=lambda session, user, _id: user.role in READERS,
                           describe=_voucher_of(Expense, lambda r: r.description))

"""Correcting the books: a fee payment, an income or an expense recorded by mistake is corrected
(amount, date, text, category, plan area, payer) or voided with a reason, never deleted, so the
audit log holds what it was and who changed it. Edits carry the version the form was read at and
are refused when someone saved in between. A voided row leaves every total but stays listed.

An expense's approval follows its amount: raised above the threshold it waits for the director
again; brought to the threshold or under it, it needs no approval.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from core import attachments, audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import StaleEditError, update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.funds import funds
from core.funds.models import Expense, FeePayment, Income
from core.timeutil import utcnow


@dataclass(frozen=True)
class Book:
    """One kind of row the secretariat keeps: its table, its voucher kind and its audit name."""

    model: type
    voucher_kind: str
    entity: str
    label: str  # the audit detail: the row's own words


BOOKS = {
    "payment": Book(FeePayment, funds.PAYMENT_KIND, "fee_payment", "note"),
    "income": Book(Income, funds.INCOME_KIND, "fund_income", "payer"),
    "expense": Book(Expense, funds.EXPENSE_KIND, "fund_expense", "description"),
}


def _row(session: Session, kind: str, row_id: int, expected_version: int):
    book = BOOKS.get(kind)
    if book is None:
        raise ValidationFailed("funds.bad_category")
    row = session.get(book.model, row_id) if row_id is not None else None
    if row is None:
        raise NotFound("funds.entry_not_found")
    if row.version != expected_version:
        raise StaleEditError()
    if row.voided_at is not None:
        raise ValidationFailed("funds.voided")
    return book, row


def _plain(value):
    return str(value) if isinstance(value, date) else value


def _apply(session: Session, current: CurrentUser, kind: str, row, expected_version: int, values: dict,
           action: str) -> dict:
    """Write the fields that changed (checked against the version read) and audit before and
    after; returns {field: [before, after]}, empty when nothing changed (nothing is written)."""
    changes = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
    if not changes:
        return {}
    book = BOOKS[kind]
    update_versioned(session, book.model, row.id, expected_version, {k: after for k, (_, after) in changes.items()})
    audit.record(session, action=action, actor_id=current.id, actor_name=current.username, entity=book.entity,
                 entity_id=row.id, detail=str(getattr(row, book.label) or "")[:200],
                 before={k: _plain(b) for k, (b, _) in changes.items()},
                 after={k: _plain(a) for k, (_, a) in changes.items()})
    return {k: [_plain(b), _plain(a)] for k, (b, a) in changes.items()}


def correct_payment(session: Session, current: CurrentUser | None, *, payment_id: int, expected_version: int,
                    member_id: int, year: int, amount_fen: int, paid_on: date, note: str = "",
                    over_ok: bool = False) -> dict:
    """Correct a fee payment: the paying unit, the fee year, the amount, the date or the note. A
    correction that would leave the unit paying more than its fee for the year is refused unless
    `over_ok` says so, as when recording (a note or a date corrected is never held up by it)."""
    require_role(current, *STAFF_ROLES)
    _, row = _row(session, "payment", payment_id, expected_version)
    values = funds.payment_values(session, member_id=member_id, year=year, amount_fen=amount_fen,
                                   paid_on=paid_on, note=note)
    moved = (values["member_id"], values["year"]) != (row.member_id, row.year)
    if not over_ok and (moved or values["amount_fen"] > row.amount_fen):
        line = funds.fees(session, current, year=values["year"], member_id=values["member_id"])
        others = int(line["paid_fen"].sum()) - (0 if moved else row.amount_fen)
        owed = max(int(line["due_fen"].sum()) - others, 0)
        if values["amount_fen"] > owed:
            raise ValidationFailed("funds.over_owed", owed=f"{owed / 100:,.2f}",
                                   amount=f"{values['amount_fen'] / 100:,.2f}")
    return _apply(session, current, "payment", row, expected_version, values, "fee_payment_corrected")


def correct_income(session: Session, current: CurrentUser | None, *, income_id: int, expected_version: int,
                   received_on: date, amount_fen: int, source: str, payer: str) -> dict:
    """Correct an income: the date (and so its year), the amount, the source or the payer."""
    require_role(current, *STAFF_ROLES)
    _, row = _row(session, "income", income_id, expected_version)
    values = funds.income_values(received_on=received_on, amount_fen=amount_fen, source=source, payer=payer)
    return _apply(session, current, "income", row, expected_version, values, "fund_income_corrected")


def correct_expense(session: Session, current: CurrentUser | None, *, expense_id: int, expected_version: int,
                    spent_on: date, amount_fen: int, category: str, description: str,
                    plan_area_id: int | None = None) -> dict:
    """Correct an expense. Raising an approved one above the threshold sends it back to the
    director (the approval was for less); at or under the threshold none is needed."""
    require_role(current, *STAFF_ROLES)
    _, row = _row(session, "expense", expense_id, expected_version)
    values = funds.expense_values(session, spent_on=spent_on, amount_fen=amount_fen, category=category,
                                   description=description, plan_area_id=plan_area_id)
    if amount_fen <= funds.approval_threshold(session):
        values["status"] = "approved"
        values["approved_by"] = row.approved_by if row.status == "approved" else None
    elif row.status == "approved" and amount_fen > row.amount_fen:
        values.update(status="pending", approved_by=None)
    result = _apply(session, current, "expense", row, expected_version, values, "fund_expense_corrected")
    if values.get("status") == "pending":
        funds.ask_director(session, current, session.get(Expense, expense_id))
    return result


def void(session: Session, current: CurrentUser | None, *, kind: str, row_id: int, expected_version: int,
         reason: str) -> None:
    """Void a payment, income or expense entered by mistake: it stays in the books, marked, with
    the reason, who and when, and leaves every total."""
    require_role(current, *STAFF_ROLES)
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise ValidationFailed("funds.reason_required")
    book, row = _row(session, kind, row_id, expected_version)
    kept = {"amount_fen": row.amount_fen, **({"status": row.status} if kind == "expense" else {})}
    update_versioned(session, book.model, row.id, expected_version,
                     {"voided_at": utcnow(), "voided_by": current.id, "void_reason": reason})
    audit.record(session, action=f"{book.entity}_voided", actor_id=current.id, actor_name=current.username,
                 entity=book.entity, entity_id=row.id, detail=str(getattr(row, book.label) or "")[:200],
                 before=kept, after={"void_reason": reason})


def add_vouchers(session: Session, current: CurrentUser | None, *, kind: str, row_id: int,
                 files: list[tuple[str, bytes]]) -> int:
    """Voucher files added to a row already recorded (a receipt that came later); how many."""
    require_role(current, *STAFF_ROLES)
    book = BOOKS.get(kind)
    if book is None or row_id is None or session.get(book.model, row_id) is None:
        raise NotFound("funds.entry_not_found")
    if not files:
        raise ValidationFailed("attachment.empty")
    for filename, content in files:
        attachments.add(session, current, owner_kind=book.voucher_kind, owner_id=row_id, filename=filename,
                        content=content)
    return len(files)


def vouchers(session: Session, current: CurrentUser | None, *, kind: str, row_id: int) -> pd.DataFrame:
    """A row's voucher files, for those the voucher's rules let read them (a liaison: its own
    unit's payments only)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    book = BOOKS.get(kind)
    if book is None or row_id is None:
        raise NotFound("funds.entry_not_found")
    if not attachments.OWNERS[book.voucher_kind].may_read(session, current, row_id):
        raise PermissionDenied("auth.forbidden")
    return attachments.listing(session, book.voucher_kind, row_id)

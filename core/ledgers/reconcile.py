"""Ledgers feed the indicators: an indicator derived from a ledger (e.g. S01 订单培养人数 = the
students of the unit's order classes that year), the ledger figure beside a reported value, and
the reconciliation of reported against ledger for every linked indicator, unit and year.

A ledger figure counts the entries that are not drafts and not disputed (pending, confirmed,
recorded): what the unit has put on record and no partner has contested.
"""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit, require_role
from core.db import update_versioned
from core.errors import NotFound, ValidationFailed
from core.ledgers.kinds import KINDS, kind as kind_of
from core.models import Indicator, IndicatorValue, LedgerEntry, LedgerIndicatorLink, MemberUnit, Role

COUNTED = ("pending", "confirmed", "recorded")
RECONCILE_COLUMNS = ["member_id", "unit", "unit_type", "year", "indicator_id", "code", "name_zh", "name_en",
                     "kind", "field", "reported", "ledger", "difference", "difference_pct", "tolerance_pct",
                     "flagged"]


def links(session: Session) -> pd.DataFrame:
    rows = session.exec(select(LedgerIndicatorLink.id, LedgerIndicatorLink.indicator_id, Indicator.code,
                               Indicator.name_zh, Indicator.name_en, LedgerIndicatorLink.kind,
                               LedgerIndicatorLink.field, LedgerIndicatorLink.tolerance_pct,
                               LedgerIndicatorLink.version)
                        .join(Indicator, Indicator.id == LedgerIndicatorLink.indicator_id)
                        .order_by(Indicator.sort_order, Indicator.code)).all()
    return pd.DataFrame(rows, columns=["id", "indicator_id", "code", "name_zh", "name_en", "kind", "field",
                                       "tolerance_pct", "version"])


def _check_link(session: Session, indicator_id: int, kind: str, field: str, tolerance_pct: float) -> None:
    spec = kind_of(kind)
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("indicator.not_found")
    if indicator.formula:
        raise ValidationFailed("ledger.link_derived")
    if field and field not in {f.key for f in spec.numeric_fields}:
        raise ValidationFailed("ledger.link_bad_field", field=field)
    if not 0 <= float(tolerance_pct) <= 100:
        raise ValidationFailed("ledger.link_bad_tolerance")


def link(session: Session, current: CurrentUser, *, indicator_id: int, kind: str, field: str = "",
         tolerance_pct: float = 5.0) -> LedgerIndicatorLink:
    """Mark an indicator as derived from a ledger sum (field "" counts the entries)."""
    require_role(current, *STAFF_ROLES)
    _check_link(session, indicator_id, kind, field, tolerance_pct)
    if session.exec(select(LedgerIndicatorLink).where(LedgerIndicatorLink.indicator_id == indicator_id)).first():
        raise ValidationFailed("ledger.link_exists")
    row = LedgerIndicatorLink(indicator_id=indicator_id, kind=kind, field=field, tolerance_pct=float(tolerance_pct))
    session.add(row)
    session.flush()
    audit.record(session, action="ledger_link_added", actor_id=current.id, actor_name=current.username,
                 entity="indicator", entity_id=indicator_id,
                 after={"kind": kind, "field": field, "tolerance_pct": float(tolerance_pct)})
    return row


def update_link(session: Session, current: CurrentUser, *, link_id: int, expected_version: int, kind: str,
                field: str, tolerance_pct: float) -> None:
    require_role(current, *STAFF_ROLES)
    row = session.get(LedgerIndicatorLink, link_id)
    if row is None:
        raise NotFound("ledger.link_not_found")
    _check_link(session, row.indicator_id, kind, field, tolerance_pct)
    before = audit.snapshot(row, ("kind", "field", "tolerance_pct"))
    update_versioned(session, LedgerIndicatorLink, link_id, expected_version,
                     {"kind": kind, "field": field, "tolerance_pct": float(tolerance_pct)})
    audit.record(session, action="ledger_link_changed", actor_id=current.id, actor_name=current.username,
                 entity="indicator", entity_id=row.indicator_id, before=before,
                 after={"kind": kind, "field": field, "tolerance_pct": float(tolerance_pct)})


def unlink(session: Session, current: CurrentUser, *, link_id: int) -> None:
    require_role(current, *STAFF_ROLES)
    row = session.get(LedgerIndicatorLink, link_id)
    if row is None:
        raise NotFound("ledger.link_not_found")
    before = audit.snapshot(row, ("kind", "field", "tolerance_pct"))
    session.delete(row)
    session.flush()
    audit.record(session, action="ledger_link_removed", actor_id=current.id, actor_name=current.username,
                 entity="indicator", entity_id=row.indicator_id, before=before)


def _figures(session: Session, kind: str, field: str, *, member_ids=None, years=None) -> dict[tuple[int, int], float]:
    """(unit, year) -> the ledger figure: the field's sum, or the count of entries."""
    spec = KINDS[kind]
    query = select(LedgerEntry.member_id, LedgerEntry.year, LedgerEntry.extra, LedgerEntry.quantity).where(
        LedgerEntry.kind == kind, LedgerEntry.status.in_(COUNTED))
    if member_ids is not None:
        query = query.where(LedgerEntry.member_id.in_(member_ids))
    if years is not None:
        query = query.where(LedgerEntry.year.in_(years))
    figures: dict[tuple[int, int], float] = {}
    money = field and spec.field(field).type == "money"
    for member_id, year, extra, quantity in session.exec(query).all():
        if not field:
            value = 1.0
        elif spec.quantity == (field,):
            value = quantity or 0.0
        else:
            value = float((extra or {}).get(field) or 0)
            if money:
                value /= spec.field(field).money_scale
        figures[member_id, year] = figures.get((member_id, year), 0.0) + value
    return figures


def figures_for(session: Session, current: CurrentUser, *, member_id: int, year: int) -> dict[int, dict]:
    """indicator id -> {ledger, kind, field, tolerance_pct} for one unit's year (the entry page)."""
    require_own_unit(current, member_id)
    found = {}
    for row in links(session).itertuples():
        value = _figures(session, row.kind, row.field, member_ids=[member_id], years=[year]).get((member_id, year), 0.0)
        found[int(row.indicator_id)] = {"ledger": value, "kind": row.kind, "field": row.field,
                                        "tolerance_pct": float(row.tolerance_pct)}
    return found


def _flagged(reported, ledger: float, tolerance_pct: float) -> tuple[float | None, float | None, bool]:
    if reported is None or pd.isna(reported):
        return None, None, ledger > 0
    difference = float(reported) - ledger
    base = max(abs(ledger), abs(float(reported)))
    pct = 0.0 if base == 0 else abs(difference) / base * 100
    return difference, pct, pct > tolerance_pct


def reconciliation(session: Session, current: CurrentUser, *, year: int | None = None,
                   member_id: int | None = None, only_flagged: bool = False) -> pd.DataFrame:
    """Per unit and year, reported against ledger for every linked indicator (units that report it);
    a liaison's own unit only."""
    require_role(current, *Role)
    if current.role == Role.MEMBER:
        require_own_unit(current, current.member_id if member_id is None else member_id)
        member_id = current.member_id
    else:
        require_role(current, Role.COUNCIL, *STAFF_ROLES)
    records = []
    units = {u.id: u for u in session.exec(select(MemberUnit)).all()}
    for row in links(session).itertuples():
        indicator = session.get(Indicator, int(row.indicator_id))
        query = select(IndicatorValue.member_id, IndicatorValue.year, IndicatorValue.value).where(
            IndicatorValue.indicator_id == indicator.id)
        if year is not None:
            query = query.where(IndicatorValue.year == year)
        if member_id is not None:
            query = query.where(IndicatorValue.member_id == member_id)
        reported = {(m, y): v for m, y, v in session.exec(query).all()}
        ledger = _figures(session, row.kind, row.field, member_ids=None if member_id is None else [member_id],
                          years=None if year is None else [year])
        for (unit_id, unit_year) in sorted(set(reported) | set(ledger)):
            unit = units.get(unit_id)
            if unit is None or (indicator.reporter_types and unit.unit_type not in indicator.reporter_types):
                continue
            figure = ledger.get((unit_id, unit_year), 0.0)
            difference, pct, flagged = _flagged(reported.get((unit_id, unit_year)), figure, float(row.tolerance_pct))
            if only_flagged and not flagged:
                continue
            records.append({"member_id": unit_id, "unit": unit.name, "unit_type": unit.unit_type, "year": unit_year,
                            "indicator_id": indicator.id, "code": indicator.code, "name_zh": indicator.name_zh,
                            "name_en": indicator.name_en, "kind": row.kind, "field": row.field,
                            "reported": reported.get((unit_id, unit_year)), "ledger": figure,
                            "difference": difference, "difference_pct": pct,
                            "tolerance_pct": float(row.tolerance_pct), "flagged": flagged})
    frame = pd.DataFrame(records, columns=RECONCILE_COLUMNS)
    for column in ("reported", "ledger", "difference", "difference_pct"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame.sort_values(["year", "unit", "code"], ascending=[False, True, True]).reset_index(drop=True)


def differences(session: Session, current: CurrentUser, *, member_id: int, year: int) -> pd.DataFrame:
    """The flagged rows of one unit's year (the review page)."""
    require_role(current, *STAFF_ROLES)
    return reconciliation(session, current, year=year, member_id=member_id, only_flagged=True)

"""The year's summary (年度数据汇总): one function gathering what the platforms and the annual
report ask for, from the modules that own each figure, never recomputed another way:

- profile and counts: core/reports/profile.py (the registry's history);
- indicators: core.indicators.analysis.scorecard (approved group totals, targets, last year);
- ledgers: core.ledgers.query.summary (the tally kept with the entries), counted entries being
  those confirmed or needing no confirmation (core.ledgers.kinds.PUBLIC_STATUSES);
- plan: core.plan.tracking (overall progress at the year's end);
- completeness: core.indicators.completeness.matrix (who is expected, who is approved);
- meetings and notices: messages published in the year, by category.

`figures` flattens it into {item: value}: the one vocabulary export profiles and the report read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

import pandas as pd
from sqlmodel import Session, func, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.indicators import analysis, completeness
from core.indicators.years import default_year as indicators_default_year
from core.ledgers import query as ledger_query
from core.ledgers.kinds import CODES as LEDGER_KINDS, PUBLIC_STATUSES
from core.meetings import meetings as meeting_service
from core.meetings.models import MeetingKind, MeetingStatus
from core.models import Indicator, IndicatorValue, LedgerEntry, Message, MessageCategory, Plan, Role, ValueStatus
from core.plan import tracking
from core.reports import profile as profile_service
from core.timeutil import CHINA_TZ, china_today

READERS = (Role.COUNCIL, *STAFF_ROLES)
SCORECARD_COLUMNS = ["indicator_id", "code", "name_zh", "name_en", "unit_zh", "unit_en", "category", "decimals",
                     "derived", "value", "last_year", "target", "progress", "rag"]
MESSAGE_KINDS = (MessageCategory.NOTICE, MessageCategory.DOCUMENT, MessageCategory.MINUTES,
                 MessageCategory.BULLETIN)


@dataclass
class YearSummary:
    year: int
    profile: dict
    counts: dict
    last_counts: dict
    indicators: pd.DataFrame  # scorecard: code, name_zh/en, unit_zh/en, value, target, last_year, rag
    ledgers: pd.DataFrame  # kind, count, quantity, amount_fen, last_count, last_quantity, last_amount_fen
    ledgers_not_in: pd.DataFrame  # kind, status, count: pending, disputed and draft entries
    plan: dict
    messages: dict
    meetings: dict  # held: total; council, standing_council, office, seminar, event
    expected: int
    approved: int
    not_in: pd.DataFrame  # unit, unit_type, status of units whose report is not approved
    lead_unit: str = ""
    figures: dict = field(default_factory=dict)

    @property
    def complete_pct(self) -> float:
        return 100.0 * self.approved / self.expected if self.expected else 100.0


def years(session: Session, current: CurrentUser | None) -> list[int]:
    """Years a summary can be made for: those holding indicator values, and every year since."""
    require_role(current, *Role)
    held = analysis.years(session)
    # A year can hold values before it has begun (a unit reporting ahead, an import), and the
    # default year may be one of them: the list reaches the newest year held.
    last = max([china_today().year, *held])
    first = min(held) if held else last - 1
    return list(range(last, first - 1, -1))


def default_year(session: Session, current: CurrentUser | None) -> int:
    """The last complete year: the newest reporting year whose reports are in (deadline passed or
    enough approved), else last calendar year. "This year" is never complete before it ends."""
    found = indicators_default_year(session, current)
    return found if found is not None else china_today().year - 1


def _ledger_totals(session: Session, current: CurrentUser, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    counted = ledger_query.summary(session, current, ledger_query.LedgerFilter(
        years=(year - 1, year), statuses=PUBLIC_STATUSES))
    rows = []
    for kind in LEDGER_KINDS:
        now = counted[(counted["kind"] == kind) & (counted["year"] == year)]
        before = counted[(counted["kind"] == kind) & (counted["year"] == year - 1)]

        def pick(frame, column):
            return float(frame[column].fillna(0).sum()) if len(frame) else 0.0
        rows.append({"kind": kind, "count": int(pick(now, "count")), "quantity": pick(now, "quantity"),
                     "amount_fen": int(pick(now, "amount_fen")), "last_count": int(pick(before, "count")),
                     "last_quantity": pick(before, "quantity"), "last_amount_fen": int(pick(before, "amount_fen"))})
    waiting = session.exec(select(LedgerEntry.kind, LedgerEntry.status, func.count())
                           .where(LedgerEntry.year == year, LedgerEntry.status.not_in(PUBLIC_STATUSES))
                           .group_by(LedgerEntry.kind, LedgerEntry.status)).all()
    return (pd.DataFrame(rows), pd.DataFrame([tuple(r) for r in waiting], columns=["kind", "status", "count"]))


def _plan(session: Session, year: int) -> dict:
    plan = session.exec(select(Plan).where(Plan.start_year <= year, Plan.end_year >= year)
                        .order_by(Plan.start_year.desc())).first()
    if plan is None:
        return {}
    frame = tracking.milestones(session, plan.id, as_of=min(date(year, 12, 31), china_today()))
    done = int((frame["status"] == "done").sum()) if len(frame) else 0
    whole = tracking.overall(frame)
    return {"title": plan.title, "progress": whole.progress, "expected": whole.expected, "rag": whole.rag,
            "milestones": whole.milestones, "overdue": whole.overdue, "done": done}


def _messages(session: Session, year: int) -> dict:
    start = datetime.combine(date(year, 1, 1), time.min, tzinfo=CHINA_TZ)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=CHINA_TZ)
    found = dict(session.exec(select(Message.category, func.count())
                              .where(Message.published, Message.publish_at >= start, Message.publish_at < end,
                                     Message.category.in_(MESSAGE_KINDS))
                              .group_by(Message.category)).all())
    return {str(kind): int(found.get(kind, 0)) for kind in MESSAGE_KINDS}


def _meetings(session: Session, current: CurrentUser, year: int) -> dict:
    """Meetings held in the year by kind (the meetings wing's list), and their total."""
    frame = meeting_service.meeting_list(session, current, year=year, status=MeetingStatus.HELD)
    out = {str(kind): int((frame["kind"] == kind).sum()) for kind in MeetingKind}
    return {"held": len(frame), **out}


def year_summary(session: Session, current: CurrentUser | None, *, year: int) -> YearSummary:
    """Everything the year's reporting needs (council, secretariat, admin)."""
    require_role(current, *READERS)
    profile = profile_service.profile_for(session, current, year=year)
    counts = profile_service.counts(session, current, year=year)
    last_counts = profile_service.counts(session, current, year=year - 1)
    card = analysis.scorecard(session, current, year=year)
    if card.empty:  # a new platform without a catalogue yet: the same columns, no rows
        card = pd.DataFrame(columns=SCORECARD_COLUMNS)
    ledgers, ledgers_not_in = _ledger_totals(session, current, year)
    matrix = completeness.matrix(session, current, [year])
    not_in = matrix[matrix["status"] != ValueStatus.APPROVED][["member_id", "unit", "unit_type", "status"]] \
        .sort_values(["status", "unit"]).reset_index(drop=True)
    summary = YearSummary(year=year, profile=profile.values, counts=counts, last_counts=last_counts,
                          indicators=card, ledgers=ledgers, ledgers_not_in=ledgers_not_in,
                          plan=_plan(session, year), messages=_messages(session, year),
                          meetings=_meetings(session, current, year),
                          expected=len(matrix), approved=int((matrix["status"] == ValueStatus.APPROVED).sum()),
                          not_in=not_in, lead_unit=profile_service.lead_unit(session, current))
    summary.figures = flatten(summary)
    return summary


def _number(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value)


def flatten(summary: YearSummary) -> dict:
    """{item: value} of every figure of the summary (the sources of export profiles and report)."""
    out: dict = {"year": summary.year, "lead_unit": summary.lead_unit}
    out.update({f"profile.{k}": v for k, v in summary.profile.items()})
    out.update({f"count.{k}": v for k, v in summary.counts.items()})
    out.update({f"count_last.{k}": v for k, v in summary.last_counts.items()})
    for row in summary.indicators.itertuples():
        out[f"indicator.{row.code}"] = _number(row.value)
        out[f"indicator.{row.code}.target"] = _number(row.target)
        out[f"indicator.{row.code}.last"] = _number(row.last_year)
    for row in summary.ledgers.itertuples():
        for column in ("count", "quantity", "amount_fen", "last_count", "last_quantity", "last_amount_fen"):
            out[f"ledger.{row.kind}.{column}"] = getattr(row, column)
    for key, value in summary.plan.items():
        out[f"plan.{key}"] = value
    for key, value in summary.messages.items():
        out[f"messages.{key}"] = value
    for key, value in summary.meetings.items():
        out[f"meetings.{key}"] = value
    out.update({"completeness.expected": summary.expected, "completeness.approved": summary.approved,
                "completeness.pct": round(summary.complete_pct, 1)})
    return out


def unit_part(session: Session, current: CurrentUser | None, *, year: int, member_id: int) -> dict:
    """What one unit contributed to the year's totals: its values beside the group's approved
    totals (its share), and its ledger entries counted in the year. Its liaison, council, staff."""
    from core.auth import require_own_unit_or_overseer

    require_own_unit_or_overseer(current, member_id)
    # only its approved values went into the totals
    mine = dict(session.exec(select(Indicator.code, IndicatorValue.value)
                             .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                             .where(IndicatorValue.member_id == member_id, IndicatorValue.year == year,
                                    IndicatorValue.status == ValueStatus.APPROVED,
                                    IndicatorValue.value.is_not(None))).all())
    group_totals = analysis.totals(session, current, years=[year])
    group_totals = group_totals.set_index("code")["value"].to_dict()
    card = analysis.scorecard(session, current, year=year)
    rows = []
    for row in card.itertuples() if not card.empty else ():
        if row.code not in mine or row.derived:
            continue
        value, total = mine.get(row.code), group_totals.get(row.code)
        share = None if value is None or not total or pd.isna(total) or pd.isna(value) else 100.0 * value / total
        rows.append({"code": row.code, "name_zh": row.name_zh, "name_en": row.name_en, "unit_zh": row.unit_zh,
                     "unit_en": row.unit_en, "value": value, "group_total": total, "share": share})
    ledgers = ledger_query.summary(session, current, ledger_query.LedgerFilter(
        years=(year,), member_ids=(member_id,), statuses=PUBLIC_STATUSES))
    return {"values": pd.DataFrame(rows, columns=["code", "name_zh", "name_en", "unit_zh", "unit_en", "value",
                                                  "group_total", "share"]),
            "ledgers": ledgers[["kind", "count", "quantity", "amount_fen"]].reset_index(drop=True)}

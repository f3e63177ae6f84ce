"""Completeness and timeliness (填报完成度), reminders, and the mirror check between both sides.

A unit is expected to report a year when it was a member that year (joined before its end, not
exited before its start, not a mere applicant) and its type reports at least one indicator (the
lead unit always does: it reports the group-level figures).
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session, func, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.i18n import translate
from core.indicators.analysis import totals
from core.indicators.catalogue import reports
from core.models import Indicator, IndicatorValue, MemberStatus, MemberUnit, Role, Submission, ValueStatus
from core.settings import get_setting, reporting_deadline

MISSING = "missing"
REPORTED = (ValueStatus.SUBMITTED, ValueStatus.APPROVED)
# Flows reported from both sides: (school side, enterprise side, label key).
MIRROR_PAIRS = (("S04", "E02", "mirror.interns"), ("S09", "E07", "mirror.training"),
                ("S06", "E06", "mirror.graduates"))


def _reporting_types(session: Session) -> set[str]:
    types: set[str] = set()
    for reporters in session.exec(select(Indicator.reporter_types).where(Indicator.active)).all():
        types.update(reporters or [])
    return types


def _members(session: Session) -> pd.DataFrame:
    """Every unit that has been a member, with the dates that decide which years it reports."""
    rows = session.exec(select(MemberUnit.id, MemberUnit.name, MemberUnit.unit_type, MemberUnit.city,
                               MemberUnit.is_lead, MemberUnit.joined_on, MemberUnit.exited_on)
                        .where(MemberUnit.status != MemberStatus.APPLICANT,
                               MemberUnit.joined_on.is_not(None))).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=[
        "member_id", "unit", "unit_type", "city", "is_lead", "joined_on", "exited_on"])


def _expected_in(members: pd.DataFrame, types: set[str], year: int) -> pd.DataFrame:
    start, end = date(year, 1, 1), date(year, 12, 31)
    # Plain comparisons, not Series.map with pd.isna per row: this runs for every year on the
    # home and analysis pages of every view.
    joined = [d <= end for d in members["joined_on"]]
    stayed = [d is None or d != d or d > start for d in members["exited_on"]]  # d != d: NaN/NaT
    reports = members["unit_type"].isin(types) | members["is_lead"].astype(bool)
    return members[pd.Series(joined, index=members.index, dtype=bool)
                   & pd.Series(stayed, index=members.index, dtype=bool)
                   & reports][["member_id", "unit", "unit_type", "city"]]


def expected_units(session: Session, year: int) -> pd.DataFrame:
    """member_id, unit, unit_type, city of the units expected to report `year`."""
    return expected_units_by_year(session, [year])[year]


def expected_units_by_year(session: Session, years) -> dict[int, pd.DataFrame]:
    """expected_units of several years, reading the members and indicators once."""
    members, types = _members(session), _reporting_types(session)
    return {year: _expected_in(members, types, year).reset_index(drop=True) for year in years}


WATCHERS = (*STAFF_ROLES, Role.COUNCIL)  # who may see which units have (not) reported


def matrix(session: Session, current: CurrentUser, years: list[int]) -> pd.DataFrame:
    """Member × year: member_id, unit, unit_type, year, status (or "missing"), on_time."""
    require_role(current, *WATCHERS)
    submitted = pd.DataFrame([tuple(row) for row in session.exec(
        select(Submission.member_id, Submission.year, Submission.status, Submission.on_time)
        .where(Submission.year.in_(years))).all()], columns=["member_id", "year", "status", "on_time"])
    members, types = _members(session), _reporting_types(session)
    frames = [_expected_in(members, types, year).assign(year=year) for year in years]
    if not frames:
        return pd.DataFrame(columns=["member_id", "unit", "unit_type", "city", "year", "status", "on_time"])
    frame = pd.concat(frames, ignore_index=True).merge(submitted, on=["member_id", "year"], how="left")
    frame["status"] = frame["status"].fillna(MISSING)
    return frame


def rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Per year: expected, reported (submitted or approved), on time, approved and the rates in %."""
    rows = []
    for year, group in frame.groupby("year"):
        reported = group["status"].isin(REPORTED)
        # On time among the reports that are in: a report sent back keeps its on-time flag, but is
        # no longer in, and counting it made the rate exceed 100%.
        on_time = int((reported & (group["on_time"] == True)).sum())
        rows.append({"year": year, "expected": len(group), "reported": int(reported.sum()),
                     "approved": int((group["status"] == ValueStatus.APPROVED).sum()), "on_time": on_time,
                     "reporting_rate": 100 * reported.sum() / len(group) if len(group) else 0.0,
                     "on_time_rate": 100 * on_time / reported.sum() if reported.sum() else 0.0})
    return pd.DataFrame(rows, columns=["year", "expected", "reported", "approved", "on_time",
                                       "reporting_rate", "on_time_rate"])


def not_reported(session: Session, current: CurrentUser, year: int,
                 frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Expected units that have not submitted `year` (no report, a draft, or sent back); from
    `frame` (a `matrix` that holds the year) when the caller has one already."""
    frame = matrix(session, current, [year]) if frame is None else frame[frame["year"] == year]
    return frame[~frame["status"].isin(REPORTED)].reset_index(drop=True)


def indicator_fill(session: Session, current: CurrentUser, *, year: int, unit_type: str,
                   limit: int = 60) -> pd.DataFrame:
    """Member × indicator for one type and year: which values are there (least complete units first).

    Counting happens in the database; only `limit` units' cells come back, whatever the group's size.
    """
    require_role(current, *WATCHERS)
    expected = expected_units(session, year)
    expected = expected[expected["unit_type"] == unit_type]
    counts = dict(session.exec(select(IndicatorValue.member_id, func.count())
                               .where(IndicatorValue.year == year, IndicatorValue.value.is_not(None),
                                      IndicatorValue.member_id.in_(expected["member_id"].tolist()))
                               .group_by(IndicatorValue.member_id)).all()) if not expected.empty else {}
    expected = expected.assign(filled=expected["member_id"].map(counts).fillna(0))
    chosen = expected.sort_values(["filled", "unit"]).head(limit)
    catalogue = session.exec(select(Indicator).order_by(Indicator.sort_order, Indicator.code)).all()
    lead = set(session.exec(select(MemberUnit.id).where(MemberUnit.is_lead)).all())
    present = set(map(tuple, session.exec(select(IndicatorValue.member_id, IndicatorValue.indicator_id)
                               .where(IndicatorValue.year == year, IndicatorValue.value.is_not(None),
                                      IndicatorValue.member_id.in_(chosen["member_id"].tolist()))).all()))
    rows = [{"member_id": unit.member_id, "unit": unit.unit, "code": indicator.code,
             "filled": (unit.member_id, indicator.id) in present}
            for unit in chosen.itertuples() for indicator in catalogue
            if reports(indicator, unit_type, unit.member_id in lead)]
    return pd.DataFrame(rows, columns=["member_id", "unit", "code", "filled"])


def remind(session: Session, current: CurrentUser, *, year: int, member_ids: list[int]) -> int:
    """Send the units a reminder in their inbox; returns how many units were reminded."""
    from core.messages import system

    require_role(current, *STAFF_ROLES)
    missing = set(not_reported(session, current, year)["member_id"].tolist())
    chosen = sorted(set(member_ids) & missing)
    if not chosen:
        return 0
    deadline = reporting_deadline(session, year)
    system.send_system(session, title=translate("indicator.reminder_title", year=year),
                         body=translate("indicator.reminder_body", year=year, deadline=deadline.isoformat()),
                         member_ids=chosen, sender=current)
    audit.record(session, action="report_reminder", actor_id=current.id, actor_name=current.username,
                 entity="submission", entity_id=str(year), after={"units": len(chosen)})
    return len(chosen)


def mirror(session: Session, current: CurrentUser) -> pd.DataFrame:
    """Both sides of each flow per year, their gap in % of the larger, flagged over the setting
    (pending data included: the secretariat checks before approving).

    A year whose two sides are not both in (core.indicators.years) is listed with `waiting`
    set and never flagged: enterprises reporting after schools is not a 100 % gap.
    """
    from core.indicators.years import year_states

    require_role(current, *STAFF_ROLES)
    limit = float(get_setting(session, "mirror_gap_pct") or 20)
    all_totals = totals(session, current, include_pending=True)
    by_code_year = {(row.code, row.year): row.value for row in all_totals.itertuples()}
    years = sorted(all_totals["year"].unique().tolist()) if not all_totals.empty else []
    states = year_states(session, current, years)
    sides = dict(session.exec(select(Indicator.code, Indicator.reporter_types)).all())
    rows = []
    for school, enterprise, label in MIRROR_PAIRS:
        for year in years:
            a, b = by_code_year.get((school, year)), by_code_year.get((enterprise, year))
            if a is None and b is None:
                continue
            a, b = a or 0.0, b or 0.0
            gap = 0.0 if max(a, b) == 0 else abs(a - b) / max(a, b) * 100
            waiting = not (states[year].side_in(sides.get(school) or [])
                           and states[year].side_in(sides.get(enterprise) or []))
            rows.append({"flow": label, "year": year, "school_code": school, "school_side": a,
                         "enterprise_code": enterprise, "enterprise_side": b, "gap_pct": gap,
                         "flagged": gap > limit and not waiting, "waiting": waiting})
    return pd.DataFrame(rows, columns=["flow", "year", "school_code", "school_side", "enterprise_code",
                                       "enterprise_side", "gap_pct", "flagged", "waiting"])

"""When a reporting year is complete: the one rule every total, chart and check follows.

A year's group totals add up only the units whose reports are in, so a year still being reported
reads as a collapse (1 of 53 units approved: "S01 fell from 2,700 to 472"). The rule:

    A year is COMPLETE once its reporting deadline has passed, or once at least
    `year_complete_pct` % (setting, default 90) of the units expected to report it are approved.

Otherwise it is IN PROGRESS. The analysis, the home page and the council's views open on the
newest complete year; a year in progress is marked on every chart, total, pivot and trend that
shows it ("8/53 approved"); and the mirror check raises no alarm for a year until both of a
flow's sides are in by the same rule (counting submitted reports too: it checks before review).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from core.auth import CurrentUser, require_role
from core.models import IndicatorValue, MemberUnit, ReportingWindow, Role, Submission, ValueStatus
from core.settings import get_setting, reporting_deadline
from core.timeutil import china_today

DEFAULT_COMPLETE_PCT = 90


@dataclass(frozen=True)
class YearState:
    year: int
    expected: int
    approved: int
    submitted: int
    deadline: date
    complete: bool
    # per unit type: (expected, submitted or approved), for the sides of the mirror check
    by_type: dict[str, tuple[int, int]] = field(default_factory=dict)
    share_pct: float = DEFAULT_COMPLETE_PCT
    today: date | None = None

    @property
    def in_progress(self) -> bool:
        return not self.complete

    def side_in(self, unit_types) -> bool:
        """Are the reports of these unit types in (submitted or approved), by the same rule?"""
        expected = sum(self.by_type.get(t, (0, 0))[0] for t in unit_types)
        counted = sum(self.by_type.get(t, (0, 0))[1] for t in unit_types)
        return is_complete(counted, expected, self.deadline, self.today or china_today(), self.share_pct)


def is_complete(counted: int, expected: int, deadline: date, today: date, share_pct: float) -> bool:
    """The rule itself (see the module's docstring)."""
    if today > deadline:
        return True
    return expected > 0 and counted >= math.ceil(expected * share_pct / 100)


def _complete_pct(session: Session) -> float:
    try:
        value = float(get_setting(session, "year_complete_pct") or DEFAULT_COMPLETE_PCT)
    except (TypeError, ValueError):
        return float(DEFAULT_COMPLETE_PCT)
    return min(100.0, max(1.0, value))


def year_states(session: Session, current: CurrentUser | None, years: list[int] | None = None, *,
                today: date | None = None) -> dict[int, YearState]:
    """The state of each year (every year holding values or reports when `years` is None).

    Counts of reports, not their figures: every logged-in role may know them.
    """
    from core.indicators.completeness import expected_units_by_year

    require_role(current, *Role)
    today = today or china_today()
    if years is None:
        years = sorted(set(session.exec(select(IndicatorValue.year).distinct()).all())
                       | set(session.exec(select(Submission.year).distinct()).all()))
    if not years:
        return {}
    share = _complete_pct(session)
    reports = session.exec(select(Submission.year, Submission.member_id, Submission.status)
                           .where(Submission.year.in_(list(years)))).all()
    types = dict(session.exec(select(MemberUnit.id, MemberUnit.unit_type)).all())
    expected_by_year = expected_units_by_year(session, years)
    deadlines = dict(session.exec(select(ReportingWindow.year, ReportingWindow.deadline)
                                  .where(ReportingWindow.year.in_(list(years)))).all())
    states = {}
    for year in years:
        expected = expected_by_year[year]
        wanted = set(expected["member_id"].tolist())
        mine = [(member, status) for y, member, status in reports if y == year and member in wanted]
        approved = sum(1 for _, s in mine if s == ValueStatus.APPROVED)
        submitted = sum(1 for _, s in mine if s == ValueStatus.SUBMITTED)
        by_type: dict[str, tuple[int, int]] = {}
        for unit_type, count in expected["unit_type"].value_counts().items():
            counted = sum(1 for m, s in mine if types.get(m) == unit_type
                          and s in (ValueStatus.APPROVED, ValueStatus.SUBMITTED))
            by_type[str(unit_type)] = (int(count), counted)
        deadline = deadlines.get(year) or reporting_deadline(session, year)  # its default without a window
        states[year] = YearState(year=year, expected=len(wanted), approved=approved, submitted=submitted,
                                 deadline=deadline, by_type=by_type, share_pct=share, today=today,
                                 complete=is_complete(approved, len(wanted), deadline, today, share))
    return states


def year_state(session: Session, current: CurrentUser | None, year: int, *,
               today: date | None = None) -> YearState:
    return year_states(session, current, [year], today=today)[year]


def default_year(session: Session, current: CurrentUser | None, years: list[int] | None = None, *,
                 today: date | None = None) -> int | None:
    """The year a view opens on: the newest complete year of `years` (default: the years holding
    values), else the newest of them (a group in its first reporting year has nothing complete)."""
    require_role(current, *Role)
    if years is None:
        years = list(session.exec(select(IndicatorValue.year).distinct()).all())
    if not years:
        return None
    return newest_complete(year_states(session, current, sorted(years), today=today))


def newest_complete(states: dict[int, YearState]) -> int | None:
    """The newest complete year of these states, else the newest of them (see default_year)."""
    complete = [year for year, state in states.items() if state.complete]
    return max(complete) if complete else (max(states) if states else None)

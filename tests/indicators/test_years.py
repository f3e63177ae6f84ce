"""One rule decides when a reporting year is complete (core.indicators.years); the analysis, the
home page and the mirror check follow it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.auth import acting_as
from core.errors import PermissionDenied
from core.home import overview
from core.indicators import completeness, years
from core.models import IndicatorValue, ReportingWindow, Submission, ValueStatus
from core.timeutil import china_today
from tests.conftest import make_indicator, make_member, make_user

TODAY = china_today()
NOW = TODAY.year  # the year being reported, its window open until after today


@pytest.fixture
def world(session):
    """Four schools and two enterprises; last year fully approved, this year one school in."""
    schools = [make_member(session, unit_type="school", joined_on=date(2015, 1, 1)) for _ in range(4)]
    firms = [make_member(session, unit_type="enterprise", joined_on=date(2015, 1, 1)) for _ in range(2)]
    s04 = make_indicator(session, "S04")
    e02 = make_indicator(session, "E02", reporters=("enterprise",))
    session.add(ReportingWindow(year=NOW, opens_on=TODAY - timedelta(days=20), deadline=TODAY + timedelta(days=60)))
    for year, in_units in ((NOW - 1, schools + firms), (NOW, schools[:1])):
        for unit in in_units:
            indicator = s04 if unit.unit_type == "school" else e02
            value = 100 if unit.unit_type == "school" else 200  # both sides agree: 400 interns
            session.add(IndicatorValue(member_id=unit.id, indicator_id=indicator.id, year=year, value=value,
                                       status=ValueStatus.APPROVED))
            session.add(Submission(member_id=unit.id, year=year, status=ValueStatus.APPROVED))
    session.flush()
    return {"schools": schools, "firms": firms, "staff": acting_as(make_user(session, role="secretariat")),
            "s04": s04, "e02": e02}


def test_the_rule_deadline_passed_or_share_approved():
    deadline = date(2027, 3, 31)
    assert years.is_complete(1, 53, deadline, date(2027, 4, 1), 90)  # the deadline has passed
    assert not years.is_complete(1, 53, deadline, date(2026, 12, 4), 90)  # 1/53 before it
    assert not years.is_complete(47, 53, deadline, date(2026, 12, 4), 90)
    assert years.is_complete(48, 53, deadline, date(2026, 12, 4), 90)  # ≥ 90 % approved
    assert not years.is_complete(0, 0, deadline, date(2026, 12, 4), 90)  # nothing expected yet


def test_a_year_with_one_unit_approved_is_in_progress_and_views_open_on_the_last_complete(session, world):
    states = years.year_states(session, world["staff"])
    assert states[NOW].in_progress and (states[NOW].approved, states[NOW].expected) == (1, 6)
    assert states[NOW - 1].complete
    assert years.default_year(session, world["staff"]) == NOW - 1


def test_enough_approved_completes_a_year_before_its_deadline(session, world):
    for unit in world["schools"][1:] + world["firms"]:
        session.add(Submission(member_id=unit.id, year=NOW, status=ValueStatus.APPROVED))
    session.flush()
    assert years.year_state(session, world["staff"], NOW).complete
    assert years.default_year(session, world["staff"]) == NOW


def test_the_share_is_a_setting(session, world):
    from core.settings import put_setting

    put_setting(session, "year_complete_pct", 10)  # one unit of six is enough
    assert years.year_state(session, world["staff"], NOW).complete


def test_year_states_need_a_login(session, world):
    with pytest.raises(PermissionDenied):
        years.year_states(session, None)


def test_mirror_raises_no_alarm_until_both_sides_are_in(session, world):
    """This year the schools report 100 interns and no enterprise has reported: not a 100 % gap."""
    staff = world["staff"]
    mirror = completeness.mirror(session, staff).set_index("year")
    assert not bool(mirror.loc[NOW, "flagged"]) and bool(mirror.loc[NOW, "waiting"])
    assert mirror.loc[NOW, "gap_pct"] == 100
    # Every unit reports (submitted), the enterprises half short: now the gap is a finding.
    for unit in world["schools"][1:] + world["firms"]:
        indicator = world["s04"] if unit.unit_type == "school" else world["e02"]
        session.add(IndicatorValue(member_id=unit.id, indicator_id=indicator.id, year=NOW, value=100,
                                   status=ValueStatus.SUBMITTED))
        session.add(Submission(member_id=unit.id, year=NOW, status=ValueStatus.SUBMITTED))
    session.flush()
    mirror = completeness.mirror(session, staff).set_index("year")
    assert bool(mirror.loc[NOW, "flagged"]) and not bool(mirror.loc[NOW, "waiting"])  # 400 vs 200
    assert mirror.loc[NOW - 1, "gap_pct"] == 0 and not bool(mirror.loc[NOW - 1, "flagged"])


def test_home_figures_are_the_last_complete_year(session, world):
    summary = overview.indicator_summary(session, world["staff"])
    assert summary["year"] == NOW - 1 and not summary["in_progress"]


def test_the_states_count_only_units_expected_that_year(session, world):
    late = make_member(session, unit_type="school", joined_on=date(NOW + 1, 1, 1))
    session.add(Submission(member_id=late.id, year=NOW, status=ValueStatus.APPROVED))
    session.flush()
    state = years.year_state(session, world["staff"], NOW)
    assert (state.approved, state.expected) == (1, 6)

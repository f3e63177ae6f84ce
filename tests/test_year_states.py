"""Every page, for every role, in every state a reporting year goes through (the turn of the year
is when a council looks at the platform most): a new year with no targets and one approved
report, a new year with nothing reported, and a new year fully approved with its targets."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core import nav
from core.demo_plan import DemoCalendar
from core.i18n import translate
from core.models import IndicatorTarget, IndicatorValue, MemberUnit, ReportingWindow, Setting, Submission
from core.timeutil import china_today
from tests.pages_support import ACCOUNTS, app, page_path, session_scope, titles, user_for

# The year after the demo's: a window open until next spring, with nothing, one or every unit in.
SOURCE = DemoCalendar(china_today()).reporting_year - 1  # the demo's last complete year
NEW = SOURCE + 2


def _open_new_year(session) -> None:
    session.add(ReportingWindow(year=NEW, opens_on=date(NEW + 1, 1, 1), deadline=date(NEW + 1, 3, 31)))
    setting = session.get(Setting, "reporting_year")
    if setting is None:
        session.add(Setting(key="reporting_year", value=NEW))
    else:
        setting.value = NEW


def _copy_last_year(session, member_ids=None, status="approved") -> None:
    rows = session.exec(select(IndicatorValue).where(IndicatorValue.year == SOURCE)).all()
    for row in rows:
        if member_ids is None or row.member_id in member_ids:
            session.add(IndicatorValue(member_id=row.member_id, indicator_id=row.indicator_id, year=NEW,
                                       value=row.value, comment="", status=status))
    for report in session.exec(select(Submission).where(Submission.year == SOURCE)).all():
        if member_ids is None or report.member_id in member_ids:
            session.add(Submission(member_id=report.member_id, year=NEW, status=status))


def _state(url: str, state: str) -> None:
    with session_scope(url) as session:
        _open_new_year(session)
        if state == "one_approved_no_targets":
            lead = session.exec(select(MemberUnit.id).where(MemberUnit.is_lead)).one()
            _copy_last_year(session, member_ids={lead})
        elif state == "all_approved":
            _copy_last_year(session)
            for target in session.exec(select(IndicatorTarget).where(IndicatorTarget.year == SOURCE)).all():
                session.add(IndicatorTarget(indicator_id=target.indicator_id, year=NEW,
                                            target_value=target.target_value * 1.05))


@pytest.mark.parametrize("state", ["one_approved_no_targets", "nothing_reported", "all_approved"])
@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_survives_every_year_state(demo_db_url, state, role):
    _state(demo_db_url, state)
    at = app()
    at.session_state["auth_user"] = user_for(demo_db_url, role)
    at.run()
    for page in nav.pages_for(role):
        at.switch_page(page_path(page.key)).run()
        assert not at.exception, (state, role, page.key, [e.value for e in at.exception])
        assert titles(at), (state, role, page.key)


def test_a_year_in_progress_is_not_where_the_analysis_opens_and_is_marked(demo_db_url):
    """One unit of many approved: the analysis opens on the last complete year; the new year is
    offered marked as in progress, and chosen it says so above its totals and on its pivot."""
    _state(demo_db_url, "one_approved_no_targets")
    at = app()
    at.session_state["auth_user"] = user_for(demo_db_url, "council")
    at.run()
    at.switch_page(page_path("indicators")).run()
    pick = at.selectbox(key="indicators_year")
    assert pick.value != NEW and pick.value < NEW
    marked = [option for option in pick.options if option.startswith(f"{NEW}")]
    assert marked and "1/" in marked[0] and marked[0] != str(NEW)
    pick.set_value(NEW).run()
    assert not at.exception and any(f"{NEW}" in w.value and "1/" in w.value for w in at.warning)
    verdicts = [m.label for m in at.metric]  # no red for units not in yet
    assert translate("indicators.rag_in_progress") in verdicts and translate("indicators.rag_red") not in verdicts
    at.segmented_control(key="indicators_view").set_value("pivot").run()
    total = translate("indicators.group_total")
    assert any(column.startswith(total) and "1/" in column for column in at.dataframe[0].value.columns)


def test_the_trend_leaves_a_year_in_progress_off_its_line_and_says_so(demo_db_url):
    """Its total of one unit drawn beside full years would read as a collapse."""
    _state(demo_db_url, "one_approved_no_targets")
    at = app()
    at.session_state["auth_user"] = user_for(demo_db_url, "council")
    at.run()
    at.switch_page(page_path("indicators")).run()
    at.segmented_control(key="indicators_view").set_value("trend").run()
    assert not at.exception
    note = translate("years.trend_left_out", year=NEW, approved=1, expected=0, value="")[:12]
    assert any(c.value.startswith(note) and "1/" in c.value for c in at.caption)

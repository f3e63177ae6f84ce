"""The yearly report in real Chromium: a liaison submits its unit's year, the secretariat approves it."""
from __future__ import annotations

from sqlmodel import delete, select

from core import db
from core.demo_plan import DemoCalendar
from core.i18n import translate
from core.models import Indicator, IndicatorValue, MemberUnit, Submission
from core.timeutil import china_today
from tests.browser import BROWSER, SERVED_DB, TIMEOUT_MS, app_url, browser, go, log_in, page, wait_heading  # noqa: F401  (fixtures used by name)

pytestmark = BROWSER
NOW = DemoCalendar(china_today()).reporting_year  # the demo's year being reported (window open)


def _draft_of_the_lead_unit(url: str) -> tuple[int, float]:
    """The lead unit's report of the year being reported back to a draft holding last year's figures (so a rerun of
    the flow starts from the same place); returns the unit and its S01 value."""
    engine = db.make_engine(f"sqlite:///{SERVED_DB[url]}")
    with db.session_scope(engine) as session:
        lead = session.exec(select(MemberUnit).where(MemberUnit.is_lead)).one()
        session.exec(delete(IndicatorValue).where(IndicatorValue.member_id == lead.id, IndicatorValue.year == NOW))
        session.exec(delete(Submission).where(Submission.member_id == lead.id, Submission.year == NOW))
        last = session.exec(select(IndicatorValue).where(IndicatorValue.member_id == lead.id,
                                                         IndicatorValue.year == NOW - 1)).all()
        for row in last:
            session.add(IndicatorValue(member_id=lead.id, indicator_id=row.indicator_id, year=NOW,
                                       value=row.value, status="draft"))
        session.add(Submission(member_id=lead.id, year=NOW, status="draft"))
        s01 = session.exec(select(Indicator).where(Indicator.code == "S01")).one()
        value = next(row.value for row in last if row.indicator_id == s01.id)
    engine.dispose()
    return lead.id, value


def _status(url: str, member_id: int) -> str:
    engine = db.make_engine(f"sqlite:///{SERVED_DB[url]}")
    with db.session_scope(engine, write=False) as session:
        status = session.exec(select(Submission.status).where(Submission.member_id == member_id,
                                                              Submission.year == NOW)).one()
    engine.dispose()
    return status


def test_liaison_submits_its_year_and_the_secretariat_approves_it(page, app_url):
    lead_id, s01 = _draft_of_the_lead_unit(app_url)
    log_in(page, app_url, "demo-member")
    wait_heading(page, translate("page.home"))
    go(page, "indicator_entry")
    field = page.get_by_role("spinbutton", name="S01", exact=True)  # the value, not its comment box
    field.fill(str(int(s01 + 7)))
    field.press("Enter")
    page.get_by_role("button", name=translate("indicator_entry.submit"), exact=True).click()
    page.get_by_role("button", name=translate("common.confirm"), exact=True).click()  # it asks once
    page.get_by_text(translate("indicator_entry.submitted_flash")).wait_for(timeout=TIMEOUT_MS)
    assert _status(app_url, lead_id) == "submitted"

    page.get_by_role("button", name=translate("nav.logout")).click()
    # Until the logout has run: a page load before it would bring the still-valid cookie back.
    wait_heading(page, "山东省机械行业职业培训教育集团")
    log_in(page, app_url, "demo-secretariat")
    wait_heading(page, translate("page.home"))
    go(page, "indicator_review")
    page.get_by_label(translate("indicator_review.pick")).click()
    page.keyboard.type(f"山东劳动职业技术学院 · {NOW}")
    page.keyboard.press("Enter")
    page.get_by_role("button", name=translate("indicator_review.approve"), exact=True).click()
    page.get_by_role("button", name=translate("common.confirm"), exact=True).click()  # it asks once
    page.get_by_text(translate("indicator_review.approved")).wait_for(timeout=TIMEOUT_MS)
    assert _status(app_url, lead_id) == "approved"

"""Plan tracking in real Chromium: a milestone update moves the plan's roll-up."""
from __future__ import annotations

from core.i18n import translate
from tests.browser import BROWSER, SERVED_DB, TIMEOUT_MS, app_url, browser, go, log_in, page, settle, wait_heading  # noqa: F401  (fixtures used by name)

pytestmark = BROWSER


def test_milestone_update_changes_the_roll_up(page, app_url):
    from sqlmodel import select

    from core import db
    from core.models import Milestone
    from core.timeutil import china_today

    # From the server's own database: a rerun of this flow picks a milestone still open, and one
    # already started (done today cannot come before its planned start).
    with db.session_scope(db.make_engine(f"sqlite:///{SERVED_DB[app_url]}"), write=False) as session:
        target = session.exec(select(Milestone).where(Milestone.status == "in_progress",
                                                      Milestone.planned_start <= china_today())
                              .order_by(Milestone.id)).first()
    log_in(page, app_url, "demo-secretariat")
    wait_heading(page, translate("page.home"))
    go(page, "plan")
    progress = page.locator('[data-testid="stMetricValue"]').first
    before = progress.inner_text()

    go(page, "plan_update")
    page.get_by_label(translate("plan_update.pick")).click()
    page.keyboard.type(target.title)
    page.keyboard.press("Enter")
    milestone_field = page.get_by_label(translate("plan.col_milestone"), exact=True)
    settle(lambda: milestone_field.count() == 1 and milestone_field.input_value() == target.title)
    page.get_by_label(translate("plan.col_status"), exact=True).first.click()
    page.keyboard.type(translate("milestone_status.done"))
    page.keyboard.press("Enter")
    percent = page.get_by_label(translate("plan.col_percent"), exact=True)
    percent.fill("100")
    page.get_by_label(translate("plan_update.comment"), exact=True).fill("浏览器测试完成")
    page.get_by_role("button", name=translate("common.save"), exact=True).click()
    page.get_by_text(translate("plan_update.saved")).wait_for(timeout=TIMEOUT_MS)

    go(page, "plan")
    settle(lambda: page.locator('[data-testid="stMetricValue"]').first.inner_text() != before)
    assert float(page.locator('[data-testid="stMetricValue"]').first.inner_text().rstrip("%")) > \
        float(before.rstrip("%"))

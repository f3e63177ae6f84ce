"""Group management in real Chromium: the secretariat adds a unit, finds it and exports it."""
from __future__ import annotations

from pathlib import Path

from core.i18n import translate
from tests.browser import BROWSER, SERVED_DB, TIMEOUT_MS, app_url, browser, go, log_in, page, settle, wait_heading  # noqa: F401  (fixtures used by name)

pytestmark = BROWSER


def test_secretariat_adds_a_unit_and_finds_it_by_search(page, app_url):
    import random

    from core import credit_code

    # Unique per attempt: a rerun of this flow meets the unit an earlier attempt added.
    tag = f"{random.randint(0, 99999999):08d}"
    name = f"烟台浏览器测试{tag}机械有限公司"

    log_in(page, app_url, "demo-secretariat")
    wait_heading(page, translate("page.home"))
    go(page, "members")
    page.get_by_text(translate("members.add"), exact=True).click()
    form = page.locator('[data-testid="stForm"]').filter(has_text=translate("members.add_submit"))
    form.get_by_label(translate("members.f_name"), exact=True).fill(name)
    form.get_by_label(translate("members.f_unit_type"), exact=True).click()
    page.keyboard.type(translate("member_type.enterprise"))
    page.keyboard.press("Enter")
    form.get_by_label(translate("members.f_credit_code"), exact=True).fill(
        credit_code.make("91", "370600", tag))
    form.get_by_role("button", name=translate("members.add_submit"), exact=True).click()
    page.get_by_text(translate("members.saved")).wait_for(timeout=TIMEOUT_MS)
    page.get_by_label(translate("members.search"), exact=True).fill(f"浏览器测试{tag}")
    page.keyboard.press("Enter")
    total = page.locator('[data-testid="stMetricValue"]').first
    settle(lambda: total.inner_text() == "1")
    # The table is drawn on a canvas, so read the result in the unit picker below it.
    picker, options = page.get_by_label(translate("members.pick"), exact=True), page.get_by_role("option")

    def picker_lists_only_the_new_unit() -> bool:
        if options.count() == 0:  # a rerun may have closed the drop-down: open it again
            picker.click()
        return options.all_inner_texts() == [name]

    settle(picker_lists_only_the_new_unit)
    page.keyboard.press("Escape")

    # The export is built when clicked (not on every rerun) and holds what the table shows.
    import io

    import openpyxl
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name=translate("members.export")).click()
    rows = list(openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
                .active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == [name]

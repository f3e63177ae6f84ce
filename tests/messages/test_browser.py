"""Messages in real Chromium: the secretariat publishes, a member sees it unread (count in the
navigation), opens it, and it is read. Hostile HTML in the body shows as text."""
from __future__ import annotations

import random
import re

from core.i18n import translate
from tests.browser import BROWSER, TIMEOUT_MS, app_url, browser, go, log_in, page, settle, wait_heading  # noqa: F401  (fixtures used by name)

pytestmark = BROWSER


def _inbox_link_text(page) -> str:
    link = page.locator('[data-testid="stSidebarNav"] a', has_text=translate("page.inbox")).first
    link.wait_for(timeout=TIMEOUT_MS)
    return link.inner_text().strip().split("\n")[-1]


def _unread_in_nav(page) -> int:
    found = re.search(r"\((\d+)\)$", _inbox_link_text(page))
    return int(found.group(1)) if found else 0


def test_published_notice_is_unread_then_read_for_a_member(page, app_url):
    title = f"浏览器测试通知{random.randint(0, 99999999):08d}"  # unique per attempt (reruns)
    hostile = "<img src=x onerror=alert(1)>"

    log_in(page, app_url, "demo-secretariat")
    wait_heading(page, translate("page.home"))
    go(page, "notices_manage")
    page.get_by_role("tab", name=translate("notices_manage.tab_new")).click()
    page.locator(f'input[aria-label="{translate("notices_manage.title")}"]:visible').fill(title)
    page.locator(f'textarea[aria-label="{translate("notices_manage.body")}"]:visible').fill(
        f"请各单位阅读。\n\n{hostile}")
    page.keyboard.press("Tab")  # the text area sends its value on blur
    page.get_by_role("button", name=translate("notices_manage.publish"), exact=True).click()
    page.get_by_role("button", name=translate("common.confirm"), exact=True).click()  # to everyone: asks once
    page.get_by_text(translate("notices_manage.published", title=title)).first.wait_for(
        timeout=TIMEOUT_MS)
    page.get_by_role("button", name=translate("nav.logout")).click()
    wait_heading(page, "山东省机械行业职业培训教育集团")

    log_in(page, app_url, "demo-member")
    wait_heading(page, translate("page.home"))
    settle(lambda: _unread_in_nav(page) >= 1)
    before = _unread_in_nav(page)
    go(page, "inbox")
    item = page.get_by_text(title, exact=True).first
    item.wait_for(timeout=TIMEOUT_MS)
    assert item.evaluate("node => getComputedStyle(node).fontWeight") in ("600", "700", "bold")
    item.click()
    page.get_by_text("请各单位阅读。").first.wait_for(timeout=TIMEOUT_MS)
    # the body's HTML is shown as text, never made into an element
    page.get_by_text(hostile).first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator('img[src="x"]').count() == 0
    settle(lambda: _unread_in_nav(page) == before - 1)  # read: one fewer in the navigation
    page.get_by_text(translate("inbox.read")).first.wait_for(timeout=TIMEOUT_MS)  # the badge
    settle(lambda: page.get_by_text(title, exact=True).first.evaluate(
        "node => getComputedStyle(node).fontWeight") not in ("600", "700", "bold"))

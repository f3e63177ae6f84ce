"""System management in real Chromium: the admin opens a liaison account that must change its password."""
from __future__ import annotations

from core.i18n import translate
from tests.browser import BROWSER, SERVED_DB, TIMEOUT_MS, app_url, browser, go, log_in, page, settle, wait_heading  # noqa: F401  (fixtures used by name)

pytestmark = BROWSER


def test_admin_opens_a_liaison_account_that_must_change_its_password(page, app_url):
    import random
    import re

    username = f"liaison-{random.randint(0, 999999):06d}"  # unique per attempt (reruns)

    log_in(page, app_url, "demo-admin")
    wait_heading(page, translate("page.home"))
    go(page, "users")
    page.get_by_label(translate("login.username"), exact=True).first.fill(username)
    page.get_by_label(translate("users.name"), exact=True).first.fill("浏览器联络员")
    page.get_by_label(translate("login.col_role"), exact=True).first.click()
    page.keyboard.type(translate("role.member"))
    page.keyboard.press("Enter")
    page.get_by_label(translate("users.unit"), exact=True).first.click()
    page.keyboard.type("齐鲁机电技师学院")
    page.keyboard.press("Enter")
    page.get_by_role("button", name=translate("users.create"), exact=True).click()
    notice = page.get_by_text(username, exact=False).filter(has_text="：").first
    notice.wait_for(timeout=TIMEOUT_MS)
    password = re.search(r"：\s*(\S+)\s*。", notice.inner_text()).group(1)
    page.get_by_role("button", name=translate("nav.logout")).click()
    wait_heading(page, "山东省机械行业职业培训教育集团")

    log_in(page, app_url, username, password)
    wait_heading(page, translate("page.account"))
    page.get_by_text(translate("account.must_change")).first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_label(translate("account.old_password"), exact=True).fill(password)
    page.get_by_label(translate("account.new_password"), exact=True).fill("liaison-new-pw")
    page.get_by_label(translate("account.repeat_password"), exact=True).fill("liaison-new-pw")
    page.get_by_role("button", name=translate("account.save_password"), exact=True).click()
    page.get_by_text(translate("account.password_changed")).wait_for(timeout=TIMEOUT_MS)
    go(page, "home")

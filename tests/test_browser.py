"""The app shell in real Chromium against `streamlit run app.py` (demo data, SQLite): navigation per
role, login and logout, language, the re-login cookie, and the guard on a fresh server."""
from __future__ import annotations

from datetime import datetime, timedelta

import jwt
import pytest

from core import nav
from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from core.i18n import translate
from tests.browser import (  # noqa: F401  (fixtures used by name)
    BROWSER,
    COOKIE,
    TIMEOUT_MS,
    app_url,
    browser,
    demo_server,
    expect_nav,
    heading,
    log_in,
    nav_titles,
    page,
    wait_heading,
    wait_idle,
)

pytestmark = BROWSER


@pytest.mark.parametrize("username, role", [(u, r) for u, _, r in DEMO_ACCOUNTS])
def test_each_demo_account_sees_its_navigation_and_logs_out(page, app_url, username, role):
    public = [translate(p.title_key) for p in nav.pages_for(nav.PUBLIC)]
    page.goto(app_url)
    expect_nav(page, public)
    log_in(page, app_url, username)
    wait_heading(page, translate("page.home"))
    expect_nav(page, [translate(p.title_key) for p in nav.pages_for(role)])
    page.get_by_role("button", name=translate("nav.logout")).click()
    wait_heading(page, "山东省机械行业职业培训教育集团")
    expect_nav(page, public)


def test_wrong_password_is_refused_in_the_browser(page, app_url):
    log_in(page, app_url, "demo-council", "not-the-password")
    page.get_by_text(translate("auth.invalid_attempts", left=4)).wait_for(timeout=TIMEOUT_MS)
    assert translate("page.home") not in nav_titles(page)


def test_english_switch_is_remembered_for_the_next_login(browser, page, app_url):
    log_in(page, app_url, "demo-council")
    wait_heading(page, translate("page.home"))
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    wait_heading(page, "Home")
    expect_nav(page, [translate(p.title_key, "en") for p in nav.pages_for("council")])
    other = browser.new_context().new_page()  # another browser: the saved choice applies
    log_in(other, app_url, "demo-council")
    wait_heading(other, "Home")
    other.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
    wait_heading(other, translate("page.home"))
    other.context.close()


def test_forged_cookie_logs_no_one_in(page, app_url):
    forged = jwt.encode({"username": "demo-admin",
                         "exp_date": (datetime.now() + timedelta(days=1)).timestamp()},
                        "some_key", algorithm="HS256")  # the library's public default key
    page.context.add_cookies([{"name": COOKIE, "value": forged, "url": app_url}])
    page.goto(f"{app_url}/home")
    wait_heading(page, translate("page.login"))  # the home page's link asks for a login
    assert translate("page.home") not in nav_titles(page)


def test_cookie_relogs_in_until_the_user_logs_out_elsewhere(browser, app_url):
    first = browser.new_context()
    page = first.new_page()
    log_in(page, app_url, "demo-member")
    wait_heading(page, translate("page.home"))
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=TIMEOUT_MS)
    cookie = [c for c in first.cookies() if c["name"] == COOKIE]

    second = browser.new_context()
    second.add_cookies(cookie)
    other = second.new_page()
    other.goto(f"{app_url}/home")
    wait_heading(other, translate("page.home"))  # the cookie logged the second browser in

    page.get_by_role("button", name=translate("nav.logout")).click()
    wait_heading(page, "山东省机械行业职业培训教育集团")
    other.goto(f"{app_url}/home")
    wait_heading(other, translate("page.login"))
    assert translate("page.home") not in nav_titles(other)
    first.close()
    second.close()


def test_page_url_on_a_fresh_server_shows_no_data(tmp_path_factory, demo_db_template, browser):
    """The first request of a new server, for a page's URL, must not get around the guard."""
    server, _ = demo_server(tmp_path_factory, demo_db_template)
    with server as url:
        page = browser.new_page()
        page.goto(f"{url}/home")
        shown = heading(page)
        assert shown != translate("page.home")
        assert page.get_by_text(translate("home.metric_plan")).count() == 0
        assert translate("page.home") not in nav_titles(page)
        page.close()


def test_a_link_opened_logged_out_logs_in_then_opens_that_page(page, app_url):
    """A link from a notice or an e-mail: the login form (no "Page not found"), then the page."""
    page.goto(f"{app_url}/members")
    wait_heading(page, translate("page.login"))
    page.get_by_text(translate("auth.login_to_open", page=translate("page.members"))).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Page not found").count() == 0
    wait_idle(page)
    page.get_by_label(translate("login.username")).fill("demo-council")
    page.get_by_label(translate("login.password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=translate("login.submit"), exact=True).click()
    wait_heading(page, translate("page.members"))


def test_a_page_not_for_the_role_says_so_in_the_users_language(page, app_url):
    log_in(page, app_url, "demo-member")
    wait_heading(page, translate("page.home"))
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=TIMEOUT_MS)
    page.goto(f"{app_url}/indicator_review")
    page.get_by_text(translate("auth.page_forbidden")).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Page not found").count() == 0


def test_language_and_logout_are_on_the_first_screen_of_the_sidebar(browser, app_url):
    """On a 1280×720 projector the admin's navigation is longer than the screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = context.new_page()
    log_in(page, app_url, "demo-admin")
    wait_heading(page, translate("page.home"))
    for control in (page.get_by_role("button", name=translate("nav.logout")),
                    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True)):
        box = control.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 720
    context.close()

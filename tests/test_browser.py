"""The main flows in real Chromium against `streamlit run app.py` (demo data, SQLite)."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from datetime import datetime, timedelta

import jwt
import pytest
from playwright.sync_api import Error as PlaywrightError

from core import nav
from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from core.i18n import translate
from tests.browser import CHROMIUM, chromium, streamlit_server

# A real browser against a real server on a shared two-core machine: a flow that times out is
# run again (twice at most) before it counts as failed. A flow that is broken fails every time.
pytestmark = [pytest.mark.browser,
              pytest.mark.flaky(reruns=2, reruns_delay=2),
              pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Chromium is not installed")]
COOKIE = "zjjt_auth"
TIMEOUT_MS = 45_000


SERVED_DB: dict[str, Path] = {}  # base URL -> the database that server uses


def _server(tmp_path_factory, demo_db_template):
    folder = tmp_path_factory.mktemp("browser")
    db_path = folder / "platform.db"
    shutil.copy(demo_db_template, db_path)
    env = {"DATABASE_URL": f"sqlite:///{db_path}", "BCRYPT_ROUNDS": "4"}
    return streamlit_server(env, folder / "server.log"), db_path


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, demo_db_template):
    server, db_path = _server(tmp_path_factory, demo_db_template)
    with server as url:
        SERVED_DB[url] = db_path
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _heading(page) -> str:
    page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    time.sleep(0.5)  # let the rerun after the first paint settle
    return page.locator("h1").first.inner_text()


def _nav_titles(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    links.first.wait_for(timeout=TIMEOUT_MS)
    # Each link reads "<icon ligature>\n\n<title>"; keep the title, less the inbox's unread count.
    return [re.sub(r" \(\d+\)$", "", text.strip().split("\n")[-1])
            for text in links.all_inner_texts()]


def _settle(check) -> None:
    """Wait until check() holds (the page reruns and redraws asynchronously; while it does,
    an element may briefly exist twice, which a strict locator reports as an error)."""
    def holds() -> bool:
        try:
            return bool(check())
        except PlaywrightError:
            return False

    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not holds() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert holds()


def _expect_nav(page, titles: list[str]) -> None:
    """The sidebar navigation settles on exactly these page titles."""
    _settle(lambda: _nav_titles(page) == titles)


def _log_in(page, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.get_by_label(translate("login.username")).fill(username)
    page.get_by_label(translate("login.password")).fill(password)
    page.get_by_role("button", name=translate("login.submit"), exact=True).click()


def _go(page, page_key: str) -> None:
    """Open a page from the sidebar, clicking again if a rerun swallowed the first click."""
    link = page.locator('[data-testid="stSidebarNav"] a', has_text=translate(f"page.{page_key}"))
    heading = page.locator("h1", has_text=translate(f"page.{page_key}")).first
    for _ in range(3):
        link.first.click()
        try:
            heading.wait_for(timeout=8000)
            return
        except PlaywrightError:
            continue
    heading.wait_for(timeout=TIMEOUT_MS)


def _wait_heading(page, text: str) -> None:
    page.locator("h1", has_text=text).first.wait_for(timeout=TIMEOUT_MS)


@pytest.mark.parametrize("username, role", [(u, r) for u, _, r in DEMO_ACCOUNTS])
def test_each_demo_account_sees_its_navigation_and_logs_out(page, app_url, username, role):
    public = [translate(p.title_key) for p in nav.pages_for(nav.PUBLIC)]
    page.goto(app_url)
    _expect_nav(page, public)
    _log_in(page, app_url, username)
    _wait_heading(page, translate("page.home"))
    _expect_nav(page, [translate(p.title_key) for p in nav.pages_for(role)])
    page.get_by_role("button", name=translate("nav.logout")).click()
    _wait_heading(page, "山东省机械行业职业培训教育集团")
    _expect_nav(page, public)


def test_wrong_password_is_refused_in_the_browser(page, app_url):
    _log_in(page, app_url, "demo-council", "not-the-password")
    page.get_by_text(translate("auth.invalid_attempts", left=4)).wait_for(timeout=TIMEOUT_MS)
    assert translate("page.home") not in _nav_titles(page)


def test_english_switch_is_remembered_for_the_next_login(browser, page, app_url):
    _log_in(page, app_url, "demo-council")
    _wait_heading(page, translate("page.home"))
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    _wait_heading(page, "Home")
    _expect_nav(page, [translate(p.title_key, "en") for p in nav.pages_for("council")])
    other = browser.new_context().new_page()  # another browser: the saved choice applies
    _log_in(other, app_url, "demo-council")
    _wait_heading(other, "Home")
    other.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
    _wait_heading(other, translate("page.home"))
    other.context.close()


def test_forged_cookie_logs_no_one_in(page, app_url):
    forged = jwt.encode({"username": "demo-admin",
                         "exp_date": (datetime.now() + timedelta(days=1)).timestamp()},
                        "some_key", algorithm="HS256")  # the library's public default key
    page.context.add_cookies([{"name": COOKIE, "value": forged, "url": app_url}])
    page.goto(f"{app_url}/home")
    _wait_heading(page, "山东省机械行业职业培训教育集团")
    assert translate("page.home") not in _nav_titles(page)


def test_cookie_relogs_in_until_the_user_logs_out_elsewhere(browser, app_url):
    first = browser.new_context()
    page = first.new_page()
    _log_in(page, app_url, "demo-member")
    _wait_heading(page, translate("page.home"))
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=TIMEOUT_MS)
    cookie = [c for c in first.cookies() if c["name"] == COOKIE]

    second = browser.new_context()
    second.add_cookies(cookie)
    other = second.new_page()
    other.goto(f"{app_url}/home")
    _wait_heading(other, translate("page.home"))  # the cookie logged the second browser in

    page.get_by_role("button", name=translate("nav.logout")).click()
    _wait_heading(page, "山东省机械行业职业培训教育集团")
    other.goto(f"{app_url}/home")
    _wait_heading(other, "山东省机械行业职业培训教育集团")
    assert translate("page.home") not in _nav_titles(other)
    first.close()
    second.close()


def test_page_url_on_a_fresh_server_shows_no_data(tmp_path_factory, demo_db_template, browser):
    """The first request of a new server, for a page's URL, must not get around the guard."""
    server, _ = _server(tmp_path_factory, demo_db_template)
    with server as url:
        page = browser.new_page()
        page.goto(f"{url}/home")
        heading = _heading(page)
        assert heading != translate("page.home")
        assert page.get_by_text(translate("home.metric_plan")).count() == 0
        assert translate("page.home") not in _nav_titles(page)
        page.close()


def test_secretariat_adds_a_unit_and_finds_it_by_search(page, app_url):
    import random

    from core import credit_code

    # Unique per attempt: a rerun of this flow meets the unit an earlier attempt added.
    tag = f"{random.randint(0, 99999999):08d}"
    name = f"烟台浏览器测试{tag}机械有限公司"

    _log_in(page, app_url, "demo-secretariat")
    _wait_heading(page, translate("page.home"))
    _go(page, "members")
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
    _settle(lambda: total.inner_text() == "1")
    # The table is drawn on a canvas, so read the result in the unit picker below it.
    picker, options = page.get_by_label(translate("members.pick"), exact=True), page.get_by_role("option")

    def picker_lists_only_the_new_unit() -> bool:
        if options.count() == 0:  # a rerun may have closed the drop-down: open it again
            picker.click()
        return options.all_inner_texts() == [name]

    _settle(picker_lists_only_the_new_unit)
    page.keyboard.press("Escape")

    # The export is built when clicked (not on every rerun) and holds what the table shows.
    import io

    import openpyxl
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name=translate("members.export")).click()
    rows = list(openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
                .active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == [name]


def test_milestone_update_changes_the_roll_up(page, app_url):
    from sqlmodel import select

    from core import db
    from core.models import Milestone

    # From the server's own database: a rerun of this flow picks a milestone still open.
    with db.session_scope(db.make_engine(f"sqlite:///{SERVED_DB[app_url]}"), write=False) as session:
        target = session.exec(select(Milestone).where(Milestone.status == "not_started")
                              .order_by(Milestone.id)).first()
    _log_in(page, app_url, "demo-secretariat")
    _wait_heading(page, translate("page.home"))
    _go(page, "plan")
    progress = page.locator('[data-testid="stMetricValue"]').first
    before = progress.inner_text()

    _go(page, "plan_update")
    page.get_by_label(translate("plan_update.pick")).click()
    page.keyboard.type(target.title)
    page.keyboard.press("Enter")
    milestone_field = page.get_by_label(translate("plan.col_milestone"), exact=True)
    _settle(lambda: milestone_field.count() == 1 and milestone_field.input_value() == target.title)
    page.get_by_label(translate("plan.col_status"), exact=True).first.click()
    page.keyboard.type(translate("milestone_status.done"))
    page.keyboard.press("Enter")
    percent = page.get_by_label(translate("plan.col_percent"), exact=True)
    percent.fill("100")
    page.get_by_label(translate("plan_update.comment"), exact=True).fill("浏览器测试完成")
    page.get_by_role("button", name=translate("common.save"), exact=True).click()
    page.get_by_text(translate("plan_update.saved")).wait_for(timeout=TIMEOUT_MS)

    _go(page, "plan")
    _settle(lambda: page.locator('[data-testid="stMetricValue"]').first.inner_text() != before)
    assert float(page.locator('[data-testid="stMetricValue"]').first.inner_text().rstrip("%")) > \
        float(before.rstrip("%"))


def test_admin_opens_a_liaison_account_that_must_change_its_password(page, app_url):
    import random
    import re

    username = f"liaison-{random.randint(0, 999999):06d}"  # unique per attempt (reruns)

    _log_in(page, app_url, "demo-admin")
    _wait_heading(page, translate("page.home"))
    _go(page, "users")
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
    _wait_heading(page, "山东省机械行业职业培训教育集团")

    _log_in(page, app_url, username, password)
    _wait_heading(page, translate("page.account"))
    page.get_by_text(translate("account.must_change")).first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_label(translate("account.old_password"), exact=True).fill(password)
    page.get_by_label(translate("account.new_password"), exact=True).fill("liaison-new-pw")
    page.get_by_label(translate("account.repeat_password"), exact=True).fill("liaison-new-pw")
    page.get_by_role("button", name=translate("account.save_password"), exact=True).click()
    page.get_by_text(translate("account.password_changed")).wait_for(timeout=TIMEOUT_MS)
    _go(page, "home")

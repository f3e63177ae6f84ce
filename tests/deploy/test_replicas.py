"""Two replicas on one PostgreSQL behind nginx (deploy/), in headless Chromium.

Each browser context is steered to a replica by the route cookie nginx hashes on (tests choose a
value that nginx sends to the replica they want); "moving" a browser is changing that cookie and
reloading, as happens when its replica dies. Which replica served a browser is read from nginx's
access log. The fault tests (a replica killed, PostgreSQL restarted) run last in this module.
"""
from __future__ import annotations

import random
import shutil

import pytest
import sqlalchemy as sa

from core.i18n import translate
from tests.browser import CHROMIUM, COOKIE, TIMEOUT_MS, chromium, log_in, settle, wait_heading
from tests.conftest import PG_SERVERS
from tests.deploy.cluster import PASSWORD

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Chromium is not installed")]

FILES = __import__("pathlib").Path(__file__).resolve().parent.parent / "files"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


class Browser:
    """One browser (context and tab) whose requests nginx sends to replica `index`."""

    def __init__(self, browser, cluster, index: int) -> None:
        self.cluster = cluster
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.route_to(index)

    def route_to(self, index: int) -> None:
        self.route = self.cluster.route_to(index)
        self.context.add_cookies([{"name": "zjjt_route", "value": self.route,
                                   "url": self.cluster.url}])

    def served_by(self) -> int | None:
        """The replica nginx sent this browser's latest request to (None: none answered)."""
        address = self.cluster.upstreams(self.route, "/_stcore/")[-1]
        addresses = [f"127.0.0.1:{port}" for port in self.cluster.ports]
        return addresses.index(address) if address in addresses else None

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_browser(browser, cluster):
    opened = []

    def make(index: int) -> Browser:
        opened.append(Browser(browser, cluster, index))
        return opened[-1]

    yield make
    for item in opened:
        item.close()


def _logged_in_home(page) -> None:
    """Logged in: home on screen, and the re-login cookie in the browser (set by a component a
    moment after the login's run), so that a new connection logs in from it."""
    wait_heading(page, translate("page.home"))
    page.get_by_role("button", name=translate("nav.logout")).wait_for(timeout=TIMEOUT_MS)
    settle(lambda: any(cookie["name"] == COOKIE for cookie in page.context.cookies()))


def _go(page, cluster, path: str, heading_key: str) -> None:
    page.goto(f"{cluster.url}/{path}")
    wait_heading(page, translate(heading_key))


def test_a_login_on_one_replica_holds_on_the_other_after_a_reconnect(cluster, open_browser):
    user = open_browser(0)
    log_in(user.page, cluster.url, "sec1", PASSWORD)
    _logged_in_home(user.page)
    assert user.served_by() == 0

    user.route_to(1)  # as if replica 0 were gone: the next connection goes to replica 1
    user.page.reload()
    _logged_in_home(user.page)  # the re-login cookie signed on replica 0 is good on replica 1
    assert user.served_by() == 1


# A notice's title in the list is a cell of Streamlit's data grid (drawn on a canvas, its cells
# in the DOM for accessibility but not "visible"): the tests wait for it to be there.


def _publish_notice(page, title: str) -> None:
    page.get_by_role("tab", name=translate("notices_manage.tab_new")).click()
    page.locator(f'input[aria-label="{translate("notices_manage.title")}"]:visible').fill(title)
    page.locator(f'textarea[aria-label="{translate("notices_manage.body")}"]:visible').fill(
        "经负载均衡写入的通知。")
    page.keyboard.press("Tab")  # the text area sends its value on blur
    page.get_by_role("button", name=translate("notices_manage.publish"), exact=True).click()
    page.get_by_role("button", name=translate("common.confirm"), exact=True).click()  # to everyone: asks once
    page.get_by_text(translate("notices_manage.published", title=title)).first.wait_for(
        timeout=TIMEOUT_MS)


def test_a_write_through_one_replica_is_seen_through_the_other(cluster, open_browser):
    title = f"副本测试通知{random.randint(0, 99999999):08d}"
    writer, reader = open_browser(0), open_browser(1)
    log_in(writer.page, cluster.url, "sec1", PASSWORD)
    _logged_in_home(writer.page)
    log_in(reader.page, cluster.url, "sec2", PASSWORD)
    _logged_in_home(reader.page)

    _go(writer.page, cluster, "notices_manage", "page.notices_manage")
    _publish_notice(writer.page, title)
    assert writer.served_by() == 0

    _go(reader.page, cluster, "notices_manage", "page.notices_manage")
    reader.page.get_by_role("tab", name=translate("notices_manage.tab_list")).click()
    reader.page.get_by_text(title).first.wait_for(state="attached", timeout=TIMEOUT_MS)
    assert reader.served_by() == 1


def test_an_excel_upload_through_the_balancer_reaches_its_session(cluster, open_browser):
    """The upload is a separate HTTP request that must reach the replica holding the session
    (elsewhere Streamlit answers 400 "Invalid session_id"), with the XSRF token checked."""
    user = open_browser(1)
    log_in(user.page, cluster.url, "sec1", PASSWORD)
    _logged_in_home(user.page)
    _go(user.page, cluster, "member_import", "page.member_import")
    responses = []
    user.page.on("response", lambda response: responses.append(response)
                 if "/_stcore/upload_file" in response.url else None)
    user.page.locator('input[type="file"]').set_input_files(
        str(FILES / "real" / "members_libreoffice.xlsx"))
    user.page.get_by_role("button", name=translate("member_import.commit"), exact=True).click()
    user.page.get_by_text(translate("member_import.done", added=3, changed=0)).first.wait_for(
        timeout=TIMEOUT_MS)
    assert responses and all(response.status == 204 or response.ok for response in responses)
    assert set(cluster.upstreams(user.route, "/_stcore/upload_file")) == {
        f"127.0.0.1:{cluster.ports[1]}"}


def _failed_login(page, cluster, password: str, message: str) -> None:
    log_in(page, cluster.url, "lockme", password)
    page.get_by_text(message).first.wait_for(timeout=TIMEOUT_MS)


def test_the_lockout_counter_is_shared_by_the_replicas(cluster, open_browser):
    first, second = open_browser(0), open_browser(1)
    for attempt in range(5):
        user = first if attempt % 2 == 0 else second
        left = 5 - attempt - 1
        message = (translate("auth.invalid_attempts", left=left) if left
                   else translate("auth.locked", minutes=15))
        _failed_login(user.page, cluster, "wrong-password", message)
    assert {first.served_by(), second.served_by()} == {0, 1}
    # the right password, on either replica, is refused while the account is locked
    for user in (first, second):
        _failed_login(user.page, cluster, PASSWORD, translate("auth.locked", minutes=15))


def test_a_logout_ends_the_login_on_both_replicas(cluster, open_browser):
    here, there = open_browser(0), open_browser(1)
    for user in (here, there):
        log_in(user.page, cluster.url, "council1", PASSWORD)
        _logged_in_home(user.page)
    _go_by_link(there.page, "members")  # a session that is just sitting on a page
    here.page.get_by_role("button", name=translate("nav.logout")).click()
    here.page.get_by_role("link", name=translate("page.login")).first.wait_for(timeout=TIMEOUT_MS)

    # The other replica's session ends at its next run (a click), and its cookie no longer
    # logs in a new connection either.
    there.page.locator('[data-testid="stSidebarNav"] a', has_text=translate("page.inbox")).first.click()
    there.page.get_by_label(translate("login.username")).first.wait_for(timeout=TIMEOUT_MS)
    settle(lambda: there.page.get_by_role("button", name=translate("nav.logout")).count() == 0)
    there.page.reload()
    there.page.get_by_role("link", name=translate("page.login")).first.wait_for(timeout=TIMEOUT_MS)
    assert there.page.get_by_role("button", name=translate("nav.logout")).count() == 0
    assert there.served_by() == 1


def _go_by_link(page, page_key: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=translate(f"page.{page_key}")).first.click()
    wait_heading(page, translate(f"page.{page_key}"))


# ---------------------------------------------------------------- faults (these run last)
def test_a_replica_killed_while_a_user_works_loses_no_saved_data(cluster, open_browser):
    title = f"故障前保存的通知{random.randint(0, 99999999):08d}"
    user = open_browser(0)
    log_in(user.page, cluster.url, "sec2", PASSWORD)
    _logged_in_home(user.page)
    _go(user.page, cluster, "notices_manage", "page.notices_manage")
    _publish_notice(user.page, title)  # saved through the replica that holds the session
    serving = user.served_by()

    cluster.kill_replica(serving)
    try:
        # Streamlit's page notices the lost connection and reconnects through nginx, which
        # now sends it to the other replica: a new session there, logged in from the cookie.
        user.page.get_by_role("tab", name=translate("notices_manage.tab_list")).wait_for()
        settle(lambda: user.served_by() == 1 - serving)
        user.page.get_by_role("button", name=translate("nav.logout")).wait_for(timeout=TIMEOUT_MS)
        user.page.get_by_role("tab", name=translate("notices_manage.tab_list")).click()
        user.page.get_by_text(title).first.wait_for(state="attached", timeout=TIMEOUT_MS)
    finally:
        cluster.start_replica(serving)


def test_postgresql_restarting_shows_retrying_and_the_app_recovers_by_itself(
        cluster, open_browser, pg_url):
    server = PG_SERVERS[pg_url]
    user = open_browser(1)
    log_in(user.page, cluster.url, "council2", PASSWORD)
    _logged_in_home(user.page)

    server.stop()
    try:
        # the user clicks on to another page: a run that needs the database
        user.page.locator('[data-testid="stSidebarNav"] a',
                          has_text=translate("page.members")).first.click()
        retrying = user.page.get_by_text(
            translate("db.unavailable_retrying", "zh", seconds=2)[:12]).first
        retrying.wait_for(timeout=TIMEOUT_MS)
        assert user.page.locator('[data-testid="stException"]').count() == 0  # no traceback
    finally:
        server.start()
    # no click, no reload: the page runs again by itself and the connections are renewed
    wait_heading(user.page, translate("page.members"))
    settle(lambda: not retrying.is_visible())
    engine = sa.create_engine(cluster.database_url)
    with engine.connect() as conn:  # and the database is whole
        assert conn.exec_driver_sql("SELECT count(*) FROM app_user WHERE username = 'council2'"
                                    ).scalar() == 1
    engine.dispose()


def test_pages_through_the_balancer_carry_the_security_headers(cluster):
    import urllib.request

    with urllib.request.urlopen(cluster.url + "/", timeout=30) as response:
        headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"

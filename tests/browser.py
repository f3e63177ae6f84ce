"""Helpers for the real-browser tests: a `streamlit run` server and Debian's Chromium."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from core.demo import DEMO_PASSWORD
from core.i18n import translate
from tests.conftest import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
COOKIE = "zjjt_auth"
# How long a wait on the app's state may take before the flow fails: generous, since a shared
# two-core CI machine under load runs a page several times slower than an idle one (a wait ends
# as soon as its state holds, so a longer limit slows no passing test).
TIMEOUT_MS = 90_000
# Every browser test module sets `pytestmark = BROWSER`. A real browser against a real server on a
# shared two-core machine: a flow that times out is run again (twice at most) before it counts as
# failed. A flow that is broken fails every time.
BROWSER = [pytest.mark.browser, pytest.mark.flaky(reruns=2, reruns_delay=2),
           pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Chromium is not installed")]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def streamlit_server(env: dict[str, str], log_path: Path):
    """`streamlit run app.py` on a free localhost port; yields its base URL, stops it after."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
        try:
            if not wait_until(lambda: _healthy(url), timeout=60):
                raise RuntimeError(f"streamlit did not start: {log_path.read_text()[-2000:]}")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def patient_context(*args, **kwargs):
            # Clicks, fills and page loads wait as long as the waits on state (Playwright: 30 s).
            context = new_context(*args, **kwargs)
            context.set_default_timeout(TIMEOUT_MS)
            return context

        browser.new_context = patient_context
        try:
            yield browser
        finally:
            browser.close()


SERVED_DB: dict[str, Path] = {}  # base URL -> the database that server uses


def demo_server(tmp_path_factory, demo_db_template):
    folder = tmp_path_factory.mktemp("browser")
    db_path = folder / "platform.db"
    shutil.copy(demo_db_template, db_path)
    env = {"DATABASE_URL": f"sqlite:///{db_path}", "BCRYPT_ROUNDS": "4"}
    return streamlit_server(env, folder / "server.log"), db_path


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, demo_db_template):
    server, db_path = demo_server(tmp_path_factory, demo_db_template)
    with server as url:
        SERVED_DB[url] = db_path
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


# Set to a folder to keep a Playwright trace (screenshots, DOM snapshots) of every `page` test:
# `playwright show-trace <file>.zip` replays a flow that failed on a busy machine.
ARTIFACTS = os.environ.get("BROWSER_ARTIFACTS")


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    if ARTIFACTS:
        context.tracing.start(screenshots=True, snapshots=True)
    yield context.new_page()
    if ARTIFACTS:
        Path(ARTIFACTS).mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        context.tracing.stop(path=str(Path(ARTIFACTS) / f"{name}.zip"))
    context.close()


def heading(page) -> str:
    """The page's title once its run has finished (a guard may still switch to another page)."""
    page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    wait_idle(page)
    return page.locator("h1").first.inner_text()


def nav_titles(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    links.first.wait_for(timeout=TIMEOUT_MS)
    # Each link reads "<icon ligature>\n\n<title>"; keep the title, less the inbox's unread count.
    return [re.sub(r" \(\d+\)$", "", text.strip().split("\n")[-1])
            for text in links.all_inner_texts()]


def settle(check) -> None:
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


def expect_nav(page, titles: list[str]) -> None:
    """The sidebar navigation settles on exactly these page titles."""
    settle(lambda: nav_titles(page) == titles)


def wait_idle(page) -> None:
    """Until the app's script has finished its run (a rerun in flight would redraw the form)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)


def log_in(page, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.locator("h1", has_text=translate("page.login")).first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    page.get_by_label(translate("login.username")).fill(username)
    page.get_by_label(translate("login.password")).fill(password)
    page.get_by_role("button", name=translate("login.submit"), exact=True).click()


def go(page, page_key: str) -> None:
    """Open a page from the sidebar and wait until its run has finished."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=translate(f"page.{page_key}")).first.click()
    page.locator("h1", has_text=translate(f"page.{page_key}")).first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)


def wait_heading(page, text: str) -> None:
    page.locator("h1", has_text=text).first.wait_for(timeout=TIMEOUT_MS)

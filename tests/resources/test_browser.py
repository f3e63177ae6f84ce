"""In real Chromium: a liaison requests another school's training base, that school's liaison
accepts it, and the liaison marks the use done, which becomes a training entry in its ledger."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import select

from core import db
from core.auth import hash_password
from core.i18n import translate
from core.models import LedgerEntry, User
from core.resources.models import ResourceRequest, SharedResource
from core.timeutil import china_today
from tests.browser import BROWSER, SERVED_DB, TIMEOUT_MS, app_url, browser, go, log_in, page, wait_heading, wait_idle  # noqa: F401

pytestmark = BROWSER
OWNER_PASSWORD = "owner-pass-2026"


def _engine(url: str):
    return db.make_engine(f"sqlite:///{SERVED_DB[url]}")


def _owner_liaison(url: str) -> str:
    """A liaison account for the school owning the logistics training base (the demo has the lead's only)."""
    engine = _engine(url)
    with db.session_scope(engine) as session:
        base = session.exec(select(SharedResource).where(SharedResource.title == "现代物流实训基地")).one()
        if session.exec(select(User).where(User.username == "liaison-logistics")).first() is None:
            session.add(User(username="liaison-logistics", display_name="物流学校联络员", role="member",
                             member_id=base.owner_member_id, password_hash=hash_password(OWNER_PASSWORD, rounds=4)))
    engine.dispose()
    return "liaison-logistics"


def _has_taken_place(url: str, purpose: str) -> None:
    """Moves the agreed use into the past, as if its days had gone by."""
    engine = _engine(url)
    with db.session_scope(engine) as session:
        row = session.exec(select(ResourceRequest).where(ResourceRequest.purpose == purpose)).one()
        row.starts_on = row.ends_on = china_today() - timedelta(days=1)
    engine.dispose()


def _toast(tab, key: str) -> None:
    tab.locator('[data-testid="stToast"]', has_text=translate(key)).first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(tab)


def test_a_liaison_requests_a_training_base_the_owner_accepts_the_use_becomes_a_ledger_entry(browser, app_url):
    purpose = f"物流专业学生仓储实训{random.randint(0, 99999999):08d}"  # unique per attempt
    owner = _owner_liaison(app_url)
    liaison = browser.new_page()
    log_in(liaison, app_url, "demo-member")
    wait_heading(liaison, translate("page.home"))
    go(liaison, "resources")
    liaison.get_by_label(translate("resources.search")).fill("物流")
    liaison.get_by_label(translate("resources.search")).press("Enter")
    wait_idle(liaison)
    liaison.get_by_label(translate("resources.purpose")).fill(purpose)
    liaison.get_by_role("button", name=translate("resources.send_request")).click()
    _toast(liaison, "resources.requested")

    school = browser.new_page()
    log_in(school, app_url, owner, OWNER_PASSWORD)
    wait_heading(school, translate("page.home"))
    go(school, "resource_requests")  # the newest request for its resources is open first
    school.get_by_text(f"用途：{purpose}").first.wait_for(timeout=TIMEOUT_MS)
    school.get_by_role("button", name=translate("resource_requests.send_answer")).click()
    _toast(school, "resource_requests.done_accept")
    _has_taken_place(app_url, purpose)  # a use is marked done only once it is over

    go(liaison, "resource_requests")
    liaison.locator("[data-testid=stButtonGroup] button", has_text=translate("resource_requests.side_outgoing")).click()
    wait_idle(liaison)
    liaison.get_by_role("button", name=translate("resource_requests.complete")).click()
    _toast(liaison, "resource_requests.done_complete")

    engine = _engine(app_url)
    with db.session_scope(engine, write=False) as session:
        row = session.exec(select(ResourceRequest).where(ResourceRequest.purpose == purpose)).one()
        entry = session.get(LedgerEntry, row.ledger_entry_id)
        assert row.status == "completed" and entry.kind == "training" and entry.member_id == row.requester_member_id
    engine.dispose()
    liaison.screenshot(path="/tmp/rules/browser_done.png", full_page=True)
    liaison.close()
    school.close()

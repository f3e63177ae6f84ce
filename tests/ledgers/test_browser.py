"""Ledgers in real Chromium: a liaison records an order class, the partner enterprise's liaison
confirms it, and the council finds it by a Chinese search and sees it confirmed by both sides."""
from __future__ import annotations

import random

from sqlmodel import select

from core import db
from core.auth import hash_password
from core.i18n import translate
from core.ledgers.kinds import KINDS
from core.models import LedgerEntry, MemberUnit, User
from tests.browser import BROWSER, SERVED_DB, TIMEOUT_MS, app_url, browser, go, log_in, page, wait_heading  # noqa: F401  (fixtures used by name)

pytestmark = BROWSER
PARTNER_PASSWORD = "partner-pass-2021"


def _partner_liaison(url: str) -> tuple[str, str]:
    """An enterprise of the demo and a liaison account for it (the demo has the lead school's only)."""
    engine = db.make_engine(f"sqlite:///{SERVED_DB[url]}")
    with db.session_scope(engine) as session:
        firm = session.exec(select(MemberUnit).where(MemberUnit.unit_type == "enterprise")
                            .order_by(MemberUnit.id)).first()
        if session.exec(select(User).where(User.username == "liaison-firm")).first() is None:
            session.add(User(username="liaison-firm", display_name="企业联络员", role="member", member_id=firm.id,
                             password_hash=hash_password(PARTNER_PASSWORD, rounds=4)))
        name = firm.name
    engine.dispose()
    return "liaison-firm", name


def _status(url: str, title: str) -> str | None:
    engine = db.make_engine(f"sqlite:///{SERVED_DB[url]}")
    with db.session_scope(engine, write=False) as session:
        status = session.exec(select(LedgerEntry.status).where(LedgerEntry.title == title)).first()
    engine.dispose()
    return status


def _choose(page, label: str, text: str) -> None:
    page.get_by_label(label).first.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_liaison_records_an_order_class_partner_confirms_council_finds_it(page, app_url):
    marker = f"{random.randint(0, 99999999):08d}"  # unique per attempt (reruns)
    title = f"数控技术订单班{marker}"
    partner_user, firm = _partner_liaison(app_url)
    order_class = KINDS["order_class"]

    log_in(page, app_url, "demo-member")
    wait_heading(page, translate("page.home"))
    go(page, "ledger_record")
    _choose(page, translate("ledger.col_kind"), translate("ledger_kind.order_class"))
    title_field = page.get_by_label(f"{order_class.title.zh} *")
    title_field.wait_for(timeout=TIMEOUT_MS)
    title_field.fill(title)
    title_field.press("Tab")
    _choose(page, f"{order_class.partner.zh}{translate('ledger.partner_members_hint')} *", firm)
    page.keyboard.press("Escape")
    students = page.get_by_label(f"{order_class.field('students').zh}（人） *")
    students.fill("36")
    students.press("Enter")
    page.get_by_role("button", name=translate("ledger_record.save"), exact=True).click()
    page.get_by_text(translate("ledger_record.saved")).first.wait_for(timeout=TIMEOUT_MS)
    assert _status(app_url, title) == "pending"

    page.get_by_role("button", name=translate("nav.logout")).click()
    wait_heading(page, "山东省机械行业职业培训教育集团")
    log_in(page, app_url, partner_user, PARTNER_PASSWORD)
    wait_heading(page, translate("page.home"))
    go(page, "ledger_confirm")
    _choose(page, translate("ledger_confirm.open"), title)
    page.get_by_text(translate("ledger_confirm.as_partner", partner=firm)).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name=translate("ledger_confirm.confirm"), exact=True).click()
    page.get_by_text(translate("ledger_confirm.confirmed")).first.wait_for(timeout=TIMEOUT_MS)
    assert _status(app_url, title) == "confirmed"

    page.get_by_role("button", name=translate("nav.logout")).click()
    wait_heading(page, "山东省机械行业职业培训教育集团")
    log_in(page, app_url, "demo-council")
    wait_heading(page, translate("page.home"))
    go(page, "ledgers")
    search = page.get_by_label(translate("ledgers.search"))
    search.fill(f"订单班{marker}")
    search.press("Enter")
    page.locator('[data-testid="stMetricValue"]', has_text="1").first.wait_for(timeout=TIMEOUT_MS)
    _choose(page, translate("ledgers.open"), title)
    page.locator("h4", has_text=title).first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text(translate("ledger_status.confirmed")).first.wait_for(timeout=TIMEOUT_MS)

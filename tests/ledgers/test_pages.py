"""The ledger pages under AppTest: every role that may open each one, the main actions driven
through the widgets, and what is refused."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlmodel import select

from core import nav
from core.i18n import translate
from core.ledgers import entries
from core.models import LedgerEntry, LedgerPartner, MemberUnit, User
from tests.pages_support import XLSX, app_as, button, session_scope, titles, user_for

LEDGER_PAGES = [p for p in nav.PAGES if p.section == "nav.section.ledgers"]


@pytest.mark.parametrize("role", ["council", "secretariat", "member", "admin"])
def test_every_ledger_page_opens_for_each_role_that_may_see_it(demo_db_url, role):
    at = app_as(demo_db_url, role)
    for page in LEDGER_PAGES:
        if role not in page.roles:
            continue
        at.switch_page("../" + page.path).run()
        assert not at.exception, (role, page.key, at.exception)
        assert not at.error, (role, page.key, [e.value for e in at.error])
        assert titles(at) == [translate(f"page.{page.key}")]


def test_the_query_finds_a_chinese_substring_and_shows_counts(demo_db_url):
    at = app_as(demo_db_url, "council", "ledgers")
    everything = at.metric[0].value
    at.text_input(key="ledgers_q").set_value("数控").run()
    assert not at.exception
    found = at.metric[0].value
    assert 0 < int(found.replace(",", "")) < int(everything.replace(",", ""))
    ids = set(at.dataframe[0].value[translate("ledger.col_no")])
    with session_scope(demo_db_url) as session:
        rows = session.exec(select(LedgerEntry)).all()
    expected = {e.id for e in rows if "数控" in e.search_text}
    assert ids == expected and any("数控技术订单班" in e.title for e in rows if e.id in ids)

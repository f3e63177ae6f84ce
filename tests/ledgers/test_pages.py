"""The ledger pages under AppTest: every role that may open each one, the main actions driven
through the widgets, and what is refused."""
from __future__ import annotations

import io

import openpyxl
from sqlmodel import select

from core import nav
from core.demo_plan import DemoCalendar
from core.i18n import translate
from core.ledgers import query
from core.models import LedgerEntry, LedgerPartner, MemberUnit, User
from core.timeutil import china_today
from tests.pages_support import XLSX, app_as, button, session_scope, user_for

NOW = DemoCalendar(china_today()).reporting_year  # the demo's year being recorded (open)
DONE = NOW - 1  # its last complete year: not locked yet, checked against the ledgers

LEDGER_PAGES = [p for p in nav.PAGES if p.section == "nav.section.ledgers"]



def test_the_query_finds_a_chinese_substring_and_shows_counts(demo_db_url):
    at = app_as(demo_db_url, "council", "ledgers")
    everything = at.metric[0].value
    at.text_input(key="ledgers_q").set_value("数控").run()
    assert not at.exception
    found = at.metric[0].value
    assert 0 < int(found.replace(",", "")) < int(everything.replace(",", ""))
    ids = list(at.dataframe[0].value[translate("ledger.col_no")])
    with session_scope(demo_db_url) as session:
        rows = session.exec(select(LedgerEntry)).all()
    expected = sorted((e for e in rows if "数控" in e.search_text), key=lambda e: (-e.year, -e.id))
    assert int(found.replace(",", "")) == len(expected)  # the count, and its first page newest year first
    assert ids == [e.id for e in expected][:query.PAGE_ROWS]
    assert any("数控技术订单班" in e.title for e in rows if e.id in ids)


# ---------------------------------------------------------------- actions through the widgets
def _liaison_of(url: str, unit_name_part: str):
    """A liaison account for a demo enterprise (the demo has one liaison, the lead school's)."""
    from core.auth import acting_as, hash_password

    with session_scope(url) as session:
        unit = session.exec(select(MemberUnit).where(MemberUnit.name.contains(unit_name_part))).first()
        user = User(username=f"liaison-{unit.id}", display_name="企业联络员", role="member", member_id=unit.id,
                    password_hash=hash_password("x" * 12, rounds=4))
        session.add(user)
        session.flush()
        return acting_as(user), unit


def _as(user, page_key: str):
    from tests.pages_support import app, page_path

    at = app()
    at.session_state["auth_user"] = user
    at.run()
    return at.switch_page(page_path(page_key)).run()


def _firm(url: str) -> MemberUnit:
    with session_scope(url) as session:
        return session.exec(select(MemberUnit).where(MemberUnit.unit_type == "enterprise")
                            .order_by(MemberUnit.id)).first()


def _record_order_class(url: str, title: str) -> int:
    firm = _firm(url)
    at = app_as(url, "member", "ledger_record")
    at.selectbox(key="ledger_record_kind").set_value("order_class").run()
    key = lambda name: f"form_ledger_new_order_class_0_0_{name}"
    at.selectbox(key=key("year")).set_value(NOW)
    at.text_input(key=key("title")).set_value(title)
    at.multiselect(key=key("partners")).set_value([firm.id])
    at.text_input(key=key("f_major")).set_value("数控技术")
    at.number_input(key=key("f_students")).set_value(36)
    at.number_input(key=key("f_enterprise_input")).set_value(50000.0)
    at.run()
    button(at, "ledger_record.save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [t.value for t in at.toast] == [translate("ledger_record.saved")]
    with session_scope(url) as session:
        entry = session.exec(select(LedgerEntry).where(LedgerEntry.title == title)).one()
        assert (entry.status, entry.extra["students"], entry.amount_fen) == ("pending", 36, 5_000_000)
        return entry.id


def test_a_liaison_records_an_order_class_and_its_partner_confirms_it(demo_db_url):
    entry_id = _record_order_class(demo_db_url, "数控技术订单班（页面测试）")
    firm = _firm(demo_db_url)
    liaison, _ = _liaison_of(demo_db_url, firm.name)
    at = _as(liaison, "ledger_confirm")
    at.selectbox(key="ledger_confirm_pick").set_value(_partner_row(demo_db_url, entry_id)).run()
    button(at, "ledger_confirm.confirm").click().run()
    assert not at.exception and [t.value for t in at.toast] == [translate("ledger_confirm.confirmed")]
    with session_scope(demo_db_url) as session:
        assert session.get(LedgerEntry, entry_id).status == "confirmed"


def test_a_partner_disputes_with_a_reason(demo_db_url):
    entry_id = _record_order_class(demo_db_url, "机器人订单班（异议测试）")
    liaison, _ = _liaison_of(demo_db_url, _firm(demo_db_url).name)
    at = _as(liaison, "ledger_confirm")
    at.selectbox(key="ledger_confirm_pick").set_value(_partner_row(demo_db_url, entry_id)).run()
    button(at, "ledger_confirm.dispute").click().run()
    assert [e.value for e in at.error] == [translate("ledger.reason_required")]
    at.text_area[0].set_value("人数不符，实际 30 人").run()
    button(at, "ledger_confirm.dispute").click().run()
    assert [t.value for t in at.toast] == [translate("ledger_confirm.disputed")]
    with session_scope(demo_db_url) as session:
        assert session.get(LedgerEntry, entry_id).status == "disputed"
    mine = app_as(demo_db_url, "member", "ledger_record")
    mine.segmented_control(key="ledger_record_mode").set_value("mine").run()
    assert [w.value for w in mine.warning][0] == translate("ledger_record.disputed", count=_disputed_count(demo_db_url))


def _partner_row(url: str, entry_id: int) -> int:
    with session_scope(url) as session:
        return session.exec(select(LedgerPartner.id).where(LedgerPartner.entry_id == entry_id)).one()


def _disputed_count(url: str) -> int:
    member = user_for(url, "member")
    with session_scope(url) as session:
        return len(session.exec(select(LedgerEntry).where(LedgerEntry.member_id == member.member_id,
                                                          LedgerEntry.status == "disputed")).all())


def test_the_secretariat_locks_a_year_and_the_record_page_says_so(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "ledger_reconcile")
    at.button(key=f"ledger_reconcile_lock_{DONE}").click().run()
    assert [t.value for t in at.toast] == [translate("ledger_reconcile.locked_now", year=DONE)]
    record = app_as(demo_db_url, "member", "ledger_record")
    locked = "、".join(str(year) for year in range(2019, DONE + 1))
    assert translate("ledger_record.locked_years", years=locked) in [c.value for c in record.caption]
    at.button(key=f"ledger_reconcile_lock_{DONE}").click().run()
    assert [t.value for t in at.toast] == [translate("ledger_reconcile.unlocked", year=DONE)]


def test_the_query_drills_down_from_a_count_to_its_rows_and_opens_an_entry(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "ledgers")
    at.multiselect(key="ledgers_kinds").set_value(["order_class"]).run()
    at.session_state["ledgers_summary_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert translate("ledgers.drill_title", kind=translate("ledger_kind.order_class"), year=2019) in \
        [s.value for s in at.subheader]
    from core.ledgers import query

    with session_scope(demo_db_url) as session:
        first = query.search(session, user_for(demo_db_url, "secretariat"),
                             query.LedgerFilter(kinds=("order_class",)), limit=1).iloc[0]
    at.selectbox(key="ledgers_pick").set_value(int(first["id"])).run()
    assert f"#### {first['title']}" in [m.value for m in at.markdown]  # the entry in full


def test_a_link_from_a_finding_opens_the_query_on_its_rows(demo_db_url):
    from tests.pages_support import app, page_path

    at = app()
    at.session_state["auth_user"] = user_for(demo_db_url, "council")
    at.run()
    at.query_params["kind"] = "order_class"
    at.query_params["year"] = "2021"
    at.switch_page(page_path("ledgers")).run()
    assert at.multiselect(key="ledgers_kinds").value == ["order_class"]
    assert at.multiselect(key="ledgers_years").value == [2021]


def test_the_import_page_accepts_a_near_unit_name_then_imports(demo_db_url):
    firm = _firm(demo_db_url)
    near = firm.name.replace("有限公司", "公司")
    rows = [[f"山东劳动职业技术学院技能培训台账（{NOW}年）"], ["序号", "培训项目", "委托单位", "培训人数", "培训量（人天）"],
            [1, "数控车工培训（导入测试）", near, 30, 150], ["合计", None, None, 30, 150]]
    at = app_as(demo_db_url, "member", "ledger_import")
    at.file_uploader[0].set_value(("台账.xlsx", _book(rows), XLSX)).run()
    assert not at.exception
    assert translate("ledger_import.suggestions") in [s.value for s in at.subheader]
    at.button(key=f"ledger_import_accept_{firm.id}_{near}").click().run()
    at.run()
    assert translate("ledger_import.suggestions") not in [s.value for s in at.subheader]
    button(at, "member_import.commit").click().run()
    assert not at.exception and [t.value for t in at.toast] == [translate("ledger_import.done", added=1, changed=0)]
    with session_scope(demo_db_url) as session:
        entry = session.exec(select(LedgerEntry).where(LedgerEntry.title == "数控车工培训（导入测试）")).one()
        partner = session.exec(select(LedgerPartner).where(LedgerPartner.entry_id == entry.id)).one()
    assert (entry.year, entry.extra["person_days"], partner.member_id) == (NOW, 150, firm.id)


def _book(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_entry_page_shows_the_ledger_figure_and_review_flags_the_difference(demo_db_url):
    at = app_as(demo_db_url, "member", "indicator_entry")
    at.selectbox(key="indicator_entry_year").set_value(DONE).run()
    note = translate("ledger.entry_note", figure="", kind=translate("ledger_kind.order_class"))
    assert any(m.value.startswith("S01 ") and note.split("（")[0] in m.value
               and f"（{translate('ledger_kind.order_class')}）" in m.value for m in at.markdown)
    review = app_as(demo_db_url, "secretariat", "indicator_review")
    review.segmented_control(key="indicator_review_status").set_value("ledger").run()
    review.selectbox(key="indicator_review_ledger_year").set_value(DONE).run()
    assert not review.exception and review.dataframe
    assert len(review.dataframe[0].value) == 2  # the two schools whose S01 differs from their order classes


def test_the_export_holds_every_result_in_the_import_layout(demo_db_url):
    from core.ledgers import exchange, query

    council = user_for(demo_db_url, "council")
    at = app_as(demo_db_url, "council", "ledgers")
    labels = [b.label for b in at.get("download_button")]
    with session_scope(demo_db_url) as session:
        total = query.count(session, council)
        content = exchange.export_workbook(session, council, query.LedgerFilter(), "zh")
    assert translate("ledgers.export_all", count=total) in labels
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert sum(sheet.max_row - 1 for sheet in book.worksheets if sheet.title != "lists") == total
    with session_scope(demo_db_url) as session:
        ids = {row[0].value for sheet in book.worksheets if sheet.title != "lists" for row in sheet.iter_rows(min_row=2)}
        assert ids == set(session.exec(select(LedgerEntry.id)).all())

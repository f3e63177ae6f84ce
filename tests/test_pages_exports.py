"""Every table screen offers its rows as a formatted workbook, and the workbook holds the rows
shown (AppTest for the button; the builders called directly on the page's data)."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from core import nav
from core.excel import table_export
from core.group import council, office as staff
from core.home import overview
from core.i18n import translate
from core.plan import tracking as plan_service
from core.system import users
from tests.pages_support import app, app_as, page_path, session_scope, user_for


def _downloads(at) -> list[str]:
    return [button.label for button in at.get("download_button")]


def _sheet_rows(content: bytes, sheet: int = 0) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    worksheet = book.worksheets[sheet]
    assert worksheet.freeze_panes is not None  # the header stays in view
    return [list(row) for row in worksheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("page, role, label", [
    ("council", "council", "common.export_excel"),
    ("office", "secretariat", "common.export_excel"),
    ("users", "admin", "common.export_excel"),
    ("plan", "secretariat", "plan.lists_export"),
    ("members", "council", "members.export"),
    ("audit", "admin", "audit.export"),
    ("indicators", "member", "common.export_excel"),
    ("indicator_review", "secretariat", "common.export_excel"),
    ("indicator_completeness", "council", "common.export_excel"),
    ("indicator_catalogue", "secretariat", "common.export_excel"),
])
def test_table_pages_offer_an_excel_download(demo_db_url, page, role, label):
    at = app_as(demo_db_url, role, page)
    assert not at.exception
    assert translate(label) in _downloads(at)


def test_portal_offers_the_public_member_list_without_login(demo_db_url):
    at = app()
    at.run()
    at.switch_page(page_path("portal")).run()
    assert not at.exception and translate("common.export_excel") in _downloads(at)


def test_council_workbook_holds_the_seats_shown(demo_db_url):
    with session_scope(demo_db_url) as session:
        term = council.terms(session)[0]
        seats = council.seats(session, term.id)
    rows = _sheet_rows(table_export.council(seats, "zh", term.name))
    header_at = next(i for i, row in enumerate(rows) if row[0] == translate("council.col_role"))
    body = rows[header_at + 1:]
    assert len(body) == len(seats) > 0
    assert [row[1] for row in body] == list(seats["person_name"])
    assert rows[0][0] == term.name


def test_office_workbook_holds_the_staff_shown(demo_db_url):
    with session_scope(demo_db_url) as session:
        frame = staff.office(session, user_for(demo_db_url, "secretariat"), include_inactive=True)
    rows = _sheet_rows(table_export.office(frame, "en"))
    assert rows[0][:2] == [translate("office.col_name", "en"), translate("office.col_position", "en")]
    assert [row[0] for row in rows[1:]] == list(frame["name"]) and len(frame) == 11


def test_users_workbook_holds_the_accounts_shown(demo_db_url):
    admin = user_for(demo_db_url, "admin")
    with session_scope(demo_db_url) as session:
        frame = users.listing(session, admin)
    rows = _sheet_rows(table_export.users(frame, "zh"))
    assert [row[0] for row in rows[1:]] == list(frame["username"])
    assert "demo-admin" in [row[0] for row in rows[1:]]
    assert {row[2] for row in rows[1:]} <= {translate(f"role.{r}") for r in ("admin", "secretariat",
                                                                           "council", "member")}


def test_public_member_list_workbook(demo_db_url):
    with session_scope(demo_db_url) as session:
        frame = overview.public_members(session)
    rows = _sheet_rows(table_export.public_members(frame, "zh"))
    assert len(rows) - 1 == len(frame) > 0
    assert set(rows[1]) & {translate(f"member_type.{c}") for c in ("enterprise", "school",
                                                                  "association", "government",
                                                                  "research", "other")}


def test_plan_lists_workbook_has_a_sheet_per_list_with_dates(demo_db_url):
    with session_scope(demo_db_url) as session:
        current = plan_service.current_plan(session)
        frame = plan_service.milestones(session, current.id, as_of=date(2021, 6, 30))
    working = plan_service.lists(frame, as_of=date(2021, 6, 30), staff_id=None)
    shown = {name: working[name] for name in ("overdue", "due_soon", "recent")}
    content = table_export.plan_lists(shown, "zh")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [translate(f"plan.list_{name}") for name in shown]
    for index, rows in enumerate(shown.values()):
        sheet_rows = _sheet_rows(content, index)
        assert len(sheet_rows) - 1 == len(rows)
        if len(rows):
            assert sheet_rows[1][0] == int(rows.iloc[0]["id"])
            assert book.worksheets[index].cell(2, 5).number_format == "yyyy-mm-dd"


def test_every_table_page_is_covered():
    """Pages that show a table of records; dashboards and forms are left out on purpose."""
    table_pages = {"members", "council", "office", "users", "audit", "plan", "portal"}
    assert table_pages <= set(nav.PAGES_BY_KEY)


def test_a_shown_table_exports_as_it_is_shown():
    import pandas as pd

    frame = pd.DataFrame({"成员单位": ["甲职业学院", "=HYPERLINK(1)"], "实际值": [12.5, None]})
    rows = _sheet_rows(table_export.shown(frame, "目标完成"))
    assert rows == [["成员单位", "实际值"], ["甲职业学院", 12.5], ["=HYPERLINK(1)", None]]
    book = openpyxl.load_workbook(io.BytesIO(table_export.shown(frame, "目标完成")))
    assert book.worksheets[0]["A3"].data_type == "s"  # user text never becomes a formula


def test_a_shown_table_keeps_each_figures_decimals_in_excel():
    """Counts whole, an indicator's figures with its own decimals, row by row (core.numbers)."""
    import pandas as pd

    frame = pd.DataFrame({"指标": ["S01 订单培养人数", "D02 实习比例"], "实际值": [1458.0, 50.9], "单位数": [3, 4]})
    book = openpyxl.load_workbook(io.BytesIO(table_export.shown(frame, "目标完成", {"实际值": [0, 1]})))
    sheet = book.worksheets[0]
    assert [sheet["B2"].number_format, sheet["B3"].number_format] == ["#,##0", "#,##0.0"]
    assert sheet["C2"].number_format == "#,##0"  # a count: 3, not 3.00

"""Excel exchange: safe reading, real-world sheets, formatted writing, the members import."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from core import auth, credit_code
from core.errors import UserFacingError
from core.excel import reader
from core.excel.writer import Column, Sheet, write_workbook
from core.group import member_exchange, members
from core.models import AuditLog, ImportBatch, MemberUnit
from tests.conftest import make_member, make_user


def _as(session, role="secretariat"):
    user = make_user(session, role=role)
    return auth.authenticate(session, user.username, "correct-horse").user


def _code(n):
    return credit_code.make("91", "370100", f"{n:08d}")


def _xlsx(rows: list[list], *, title_rows: list[list] | None = None, merge: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "成员"
    for row in (title_rows or []) + rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["统一社会信用代码", "单位名称", "单位类型", "所在城市", "联系电话", "加入日期"]


# ---------------------------------------------------------------- hostile and broken files
def _rejected(content: bytes, filename: str = "x.xlsx") -> str:
    with pytest.raises(reader.WorkbookRejected) as refused:
        reader.check_bytes(content, filename)
        reader.read_sheets(content)
    return refused.value.key


def test_text_file_with_xlsx_extension_is_not_a_workbook():
    assert _rejected("单位名称,城市\n".encode(), "members.xlsx") == "excel.not_workbook"


def test_legacy_xls_gets_conversion_advice():
    assert _rejected(reader.OLE_SIGNATURE + b"\0" * 600, "old.xls") == "excel.legacy_xls"


def test_password_protected_workbook_is_named_as_such():
    content = reader.OLE_SIGNATURE + b"\0" * 100 + reader.ENCRYPTED_MARKER + b"\0" * 100
    assert _rejected(content, "members.xlsx") == "excel.encrypted"


def test_macro_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\0" * 10)
    assert _rejected(buffer.getvalue(), "m.xlsx") == "excel.macro"


def test_truncated_zip_is_corrupt():
    assert _rejected(_xlsx([HEADER])[:300]) == "excel.corrupt"


def test_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert _rejected(buffer.getvalue()) == "excel.too_big_unpacked"


def test_sheet_declaring_too_many_rows_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:C900000"/></worksheet>')
    assert _rejected(buffer.getvalue()) == "excel.too_many_rows"


def test_empty_file_is_refused():
    assert _rejected(b"") == "excel.empty"


# ---------------------------------------------------------------- real-world sheets
def test_table_found_under_title_rows_with_merged_title_and_english_headers():
    content = _xlsx([["Unit name", "City", "Unified social credit code", "Unit type"],
                     ["甲公司", "济南市", _code(1), "enterprise"]],
                    title_rows=[["2021 年成员单位名单"], []], merge="A1:D1")
    table = reader.find_table(reader.read_sheets(content), member_exchange.ALIASES,
                              member_exchange.REQUIRED)
    assert (table.header_row, table.rows[0][0]) == (3, 4)
    assert table.rows[0][1]["name"] == "甲公司"


def test_cell_values_as_people_type_them():
    assert reader.number("１２,３４５") == 12345
    assert reader.number(" 3.5 ") == 3.5
    assert reader.text(2021.0) == "2021"
    assert reader.day(44317) == date(2021, 5, 1)
    assert reader.day("2021年5月1日") == date(2021, 5, 1)
    assert reader.day("2021/5/1") == date(2021, 5, 1)
    with pytest.raises(ValueError):
        reader.number("十二")


# ---------------------------------------------------------------- writing
def test_user_text_never_becomes_a_formula():
    content = write_workbook([Sheet("s", [Column("a", "A"), Column("n", "N", "int")],
                                    [{"a": "=HYPERLINK(\"http://x\")", "n": 5}, {"a": "@SUM(A1)", "n": None}])])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=")
    assert sheet["A2"].quotePrefix and sheet["A3"].quotePrefix
    assert sheet["B2"].value == 5 and sheet.freeze_panes == "A2"


def test_export_imports_back_unchanged(session):
    secretariat = _as(session)
    make_member(session, name="青岛甲机械有限公司", city="青岛市", contact_phone="0532-1234567")
    frame = members.registry(session, secretariat, members.RegistryFilter())
    content = member_exchange.export_workbook(session, secretariat, frame, "zh")
    plan = member_exchange.plan(session, secretariat, content, "export.xlsx")
    assert (len(plan.adds), len(plan.changes), len(plan.unchanged), plan.rejects) == (0, 0, 1, [])


def test_template_has_locked_header_and_drop_downs():
    sheet = openpyxl.load_workbook(io.BytesIO(member_exchange.template("zh")))["成员单位"]
    assert sheet.protection.sheet and sheet["A1"].value == "统一社会信用代码"
    assert any("企业" in (v.formula1 or "") for v in sheet.data_validations.dataValidation)


# ---------------------------------------------------------------- the members import
def test_dry_run_lists_adds_changes_and_rejects_and_writes_nothing(session):
    secretariat = _as(session)
    existing = make_member(session, name="旧名称", city="济南市")
    content = _xlsx([HEADER,
                     [existing.credit_code, "新名称", "企业", "济南市", "", ""],
                     [_code(501), "新单位", "学校", "淄博市", "０５３３-１２３４５６７", "2021-05-01"],
                     ["91370100MA3C00000", "坏代码", "企业", "济南市", "", ""],
                     [_code(502), "未知城市", "企业", "北京市", "", ""],
                     [_code(501), "重复行", "学校", "淄博市", "", ""]])
    plan = member_exchange.plan(session, secretariat, content, "m.xlsx")
    assert [p.values["name"] for p in plan.adds] == ["新单位"]
    assert plan.adds[0].values["contact_phone"] == "0533-1234567"
    assert plan.changes[0].changes == {"name": ("旧名称", "新名称")}
    assert sorted((r.row, r.key) for r in plan.rejects) == [
        (4, "credit_code.length"), (5, "member.unknown_city"), (6, "excel.duplicate_key")]
    assert {r.column for r in plan.rejects} == {"统一社会信用代码", "所在城市"}
    assert session.exec(select(MemberUnit).where(MemberUnit.name == "新单位")).first() is None


def test_file_with_rejects_writes_nothing_unless_only_valid_rows_are_chosen(session):
    secretariat = _as(session)
    content = _xlsx([HEADER, [_code(601), "好单位", "企业", "济南市", "", ""],
                     [_code(602), "", "企业", "济南市", "", ""]])
    plan = member_exchange.plan(session, secretariat, content, "m.xlsx")
    with pytest.raises(UserFacingError) as refused:
        member_exchange.commit(session, secretariat, plan)
    assert refused.value.key == "excel.has_rejects"
    assert session.exec(select(MemberUnit)).all() == []
    batch = member_exchange.commit(session, secretariat, plan, only_valid=True)
    assert (batch.rows_added, batch.rows_rejected) == (1, 1)
    assert [u.name for u in session.exec(select(MemberUnit))] == ["好单位"]
    assert "import_committed" in session.exec(select(AuditLog.action)).all()


def test_reimporting_the_same_file_changes_nothing_and_says_so(session):
    secretariat = _as(session)
    content = _xlsx([HEADER, [_code(701), "甲单位", "企业", "济南市", "", "2020-01-02"]])
    member_exchange.commit(session, secretariat, member_exchange.plan(session, secretariat, content, "a.xlsx"))
    again = member_exchange.plan(session, secretariat, content, "a.xlsx")
    assert again.nothing_to_do and len(again.unchanged) == 1
    with pytest.raises(UserFacingError) as refused:
        member_exchange.commit(session, secretariat, again)
    assert refused.value.key == "excel.nothing_to_do"
    assert len(session.exec(select(ImportBatch)).all()) == 1


def test_wrong_template_is_named(session):
    content = _xlsx([["项目", "金额"], ["S01", 5]])  # (指标代码 + 数值 is now a values workbook)
    with pytest.raises(UserFacingError) as refused:
        member_exchange.plan(session, _as(session), content, "other.xlsx")
    assert refused.value.key == "excel.wrong_template"


def test_only_staff_may_import(session):
    with pytest.raises(auth.PermissionDenied):
        member_exchange.plan(session, _as(session, "member"), _xlsx([HEADER]), "m.xlsx")


def test_sheet_names_excel_refuses_are_cleaned():
    import io

    import openpyxl

    from core.excel.writer import Column, Sheet, write_workbook

    content = write_workbook([Sheet("技术服务项目数/金额 [万元]: 2021?", [Column("a", "A")], [{"a": 1}])])
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["技术服务项目数_金额 _万元__ 2021_"]

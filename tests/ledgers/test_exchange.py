"""Ledgers as Excel: templates (drop-downs, instructions), exports that import back unchanged and
match the database, and the ledgers people really keep (title rows, 序号, merged titles, totals,
signature lines, header synonyms, dates and amounts as written, near unit names)."""
from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from sqlmodel import select

from core.auth import acting_as
from core.errors import UserFacingError
from core.ledgers import entries, exchange, ledger_import
from core.ledgers.entries import PartnerInput
from core.models import AuditLog, LedgerEntry, MemberUnit
from tests.conftest import make_member, make_user


def _book(rows: list[list], *, merge: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world(session):
    school = make_member(session, name="山东测试职业技术学院", short_name="测试职院", unit_type="school")
    firm = make_member(session, name="济南华力数控机床有限公司", short_name="华力数控")
    other = make_member(session, name="青岛海岳重工有限公司")
    return {"session": session, "school": school, "firm": firm, "other": other,
            "liaison": acting_as(make_user(session, role="member", member_id=school.id)),
            "firm_liaison": acting_as(make_user(session, role="member", member_id=firm.id)),
            "secretariat": acting_as(make_user(session, role="secretariat"))}


def _plan(world, content, who="secretariat", **kw):
    return ledger_import.plan(world["session"], world[who], content, "ledger.xlsx", **kw)


MESSY = [
    ["山东测试职业技术学院订单班台账（2021年）", None, None, None, None, None, None],
    ["填报单位：山东测试职业技术学院", None, None, None, "填报日期：2022年1月5日", None, None],
    ["序号", "班级名称", "冠名企业", "专业名称", "人数", "开班时间", "企业投入资金（元）"],
    [1, "数控技术订单班", "华力数控", "数控技术", "40人", "2021.09", "5万元"],
    [2, "机器人冠名班", "青岛海岳重工有限公司", "工业机器人技术", 35, "2021年9月", "50,000"],
    [3, "焊接订单班", "德国某焊接设备公司", "焊接技术", 20, 44440, None],
    ["合计", None, None, None, 95, None, "10万元"],
    [None, None, None, None, None, None, None],
    ["填表人：张三", None, "联系电话：0531-88888888", None, None, None, None],
    ["负责人签字：", None, None, None, "单位（盖章）：", None, None],
]


def test_a_real_world_ledger_imports_with_unit_and_year_from_its_title(world):
    plan = _plan(world, _book(MESSY, merge="A1:G1"))
    assert plan.rejects == [] and len(plan.adds) == 3
    assert plan.skipped == [7, 9, 10]  # the total, the phone line, the signature line
    by_title = {p.values["title"]: p.values for p in plan.adds}
    first = by_title["数控技术订单班"]
    assert (first["member_id"], first["year"], first["f_students"]) == (world["school"].id, 2021, 40)
    assert first["started_on"] == date(2021, 9, 1) and first["f_enterprise_input"] == 5_000_000
    assert first["_partners"] == [PartnerInput(world["firm"].id, world["firm"].name, world["firm"].credit_code)]
    assert by_title["机器人冠名班"]["f_enterprise_input"] == 5_000_000
    assert by_title["焊接订单班"]["_partners"] == [PartnerInput(None, "德国某焊接设备公司", "")]
    assert by_title["焊接订单班"]["started_on"] == date(2021, 9, 1)
    batch = ledger_import.commit(world["session"], world["liaison"], _plan(world, _book(MESSY), "liaison"))
    assert batch.rows_added == 3
    stored = world["session"].exec(select(LedgerEntry)).all()
    assert {e.import_batch_id for e in stored} == {batch.id} and {e.status for e in stored} == {"pending"}
    logs = world["session"].exec(select(AuditLog).where(AuditLog.action.like("ledger_entr%"))).all()
    assert [(log.action, log.entity, log.entity_id) for log in logs] == [  # one row for the batch, not one per entry
        ("ledger_entries_imported", "import_batch", str(batch.id))]
    assert logs[0].after["entries"] == 3 and logs[0].after["by_kind_year"] == {"order_class 2021": 3}
    again = _plan(world, _book(MESSY), "liaison")
    assert again.nothing_to_do and len(again.unchanged) == 3  # re-importing changes nothing


def test_a_near_unit_name_is_rejected_with_a_suggestion_until_accepted(world):
    rows = [["填报单位", "年度", "班级名称", "合作企业", "学生人数"],
            ["山东测试职业技术学院", 2021, "数控订单班", "济南华力数控机床公司", 30]]
    plan = _plan(world, _book(rows))
    assert [(p.key, p.params["suggestion"]) for p in plan.rejects] == [("ledger.near_unit", world["firm"].name)]
    assert ledger_import.suggestions(plan) == {"济南华力数控机床公司": (world["firm"].name, world["firm"].id)}
    accepted = _plan(world, _book(rows), accepted={"济南华力数控机床公司": world["firm"].id})
    assert accepted.rejects == [] and accepted.adds[0].values["_partners"][0].member_id == world["firm"].id
    outside = _plan(world, _book(rows), accepted={"济南华力数控机床公司": None})
    assert outside.adds[0].values["_partners"][0].member_id is None


def test_a_liaison_imports_only_its_own_units_rows(world):
    rows = [["填报单位", "年度", "班级名称", "合作企业", "学生人数"],
            ["青岛海岳重工有限公司", 2021, "别人的订单班", "华力数控", 30],
            [None, 2021, "自己的订单班", "华力数控", 30]]
    plan = _plan(world, _book(rows), "liaison")
    assert [p.key for p in plan.rejects] == ["ledger.not_your_unit_row"]
    assert plan.adds[0].values["member_id"] == world["school"].id  # no unit written: the liaison's own
    staff = _plan(world, _book(rows[:1] + rows[2:]))
    assert [p.key for p in staff.rejects] == ["ledger.unit_missing"]


def test_row_problems_name_the_sheet_row_and_column(world):
    rows = [["填报单位", "年度", "班级名称", "冠名企业", "学生人数", "开始日期"],
            ["山东测试职业技术学院", "明年", "A班", "华力数控", "很多", "九月"],
            ["山东测试职业技术学院", 2021, "", "华力数控", 30, None],
            ["山东测试职业技术学院", 2021, "B班", "", 30, None]]
    plan = _plan(world, _book(rows))
    found = {(p.row, p.column, p.key) for p in plan.rejects}
    assert {(2, "年度", "ledger.bad_year"), (2, "学生人数", "indicator.not_a_number"),
            (2, "开始日期", "excel.bad_date"), (3, "班级名称", "ledger.title_required"),
            (4, "冠名企业", "ledger.partner_required")} <= found
    with pytest.raises(UserFacingError) as refused:
        ledger_import.commit(world["session"], world["secretariat"], plan)
    assert refused.value.key == "excel.has_rejects"


def test_a_workbook_that_is_no_ledger_is_named(world):
    with pytest.raises(UserFacingError) as refused:
        _plan(world, _book([["统一社会信用代码", "单位名称", "单位类型", "所在城市"]]))
    assert refused.value.key == "ledger.not_a_ledger"


def test_template_has_its_columns_drop_downs_and_instructions(world):
    for n in range(30):  # a real registry: the names are too long for a list written in the rule
        make_member(world["session"], name=f"山东省第{n}机械装备制造有限公司")
    content = exchange.template(world["session"], world["secretariat"], kind="order_class", lang="zh")
    book = openpyxl.load_workbook(io.BytesIO(content))
    guide, sheet, lists = book.worksheets
    assert guide.title == "填表说明" and any("合计" in str(c.value) for c in guide["A"])
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["填报单位 *", "填报单位信用代码", "年度 *", "班级名称 *"]
    assert "学生人数（人） *" in headers and "企业投入（元）" in headers
    sources = {next(iter(dv.sqref.ranges)).min_col: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert sources[1].startswith("lists!") and lists.sheet_state == "hidden"
    assert sorted(c.value for c in lists["A"]) == sorted(u.name for u in world["session"].exec(select(MemberUnit)))
    assert sheet.protection.sheet  # the header is locked


def test_an_export_matches_the_database_and_imports_back_unchanged(world):
    s = world["session"]
    entries.create(s, world["liaison"], kind="order_class", member_id=world["school"].id, year=2021,
                   title="=HYPERLINK(\"x\")数控班", partners=[PartnerInput(world["firm"].id),
                                                       PartnerInput(None, "外部公司", "91370100MA3C000001")],
                   started_on=date(2021, 9, 1), fields={"major": "数控", "students": 40, "enterprise_input": 80000.5},
                   description="（全角括号）说明")
    entries.create(s, world["liaison"], kind="tech_service", member_id=world["school"].id, year=2021,
                   title="工艺服务", partners=[PartnerInput(world["other"].id)],
                   fields={"received": "12.345678", "concluded": True, "service_type": "tech"})
    content = exchange.export_workbook(s, world["secretariat"], lang="zh")
    book = openpyxl.load_workbook(io.BytesIO(content))
    order = book["订单班_冠名班"]
    head = [c.value for c in order[1]]
    row = dict(zip(head, [c.value for c in order[2]]))
    stored = s.exec(select(LedgerEntry).where(LedgerEntry.kind == "order_class")).one()
    assert row["台账编号"] == stored.id and row["班级名称 *"] == stored.title
    assert order.cell(2, head.index("班级名称 *") + 1).quotePrefix  # user text never starts a formula
    assert row["学生人数（人） *"] == 40 and row["企业投入（元）"] == 80000.5
    assert row["冠名企业 *"] == "济南华力数控机床有限公司、外部公司"
    assert row["开始日期"] == datetime(2021, 9, 1) and row["状态"] == "待合作方确认"
    service = dict(zip([c.value for c in book["技术服务_横向课题"][1]], [c.value for c in book["技术服务_横向课题"][2]]))
    assert service["到账金额（万元）"] == 12.345678 and service["是否结题"] == "是" and service["服务类别"] == "技术服务"
    plan = _plan(world, content)
    assert plan.rejects == [] and plan.nothing_to_do and len(plan.unchanged) == 2


def test_an_edited_export_changes_only_what_was_edited(world):
    s = world["session"]
    entry = entries.create(s, world["liaison"], kind="order_class", member_id=world["school"].id, year=2021,
                           title="数控班", partners=[PartnerInput(world["firm"].id)], fields={"students": 40})
    partner = entries.partners_of(s, entry.id)[0]
    entries.confirm(s, world["firm_liaison"], entry_id=entry.id, partner_id=partner.id, expected_version=1)
    book = openpyxl.load_workbook(io.BytesIO(exchange.export_workbook(s, world["secretariat"])))
    sheet = book.worksheets[0]
    head = [c.value for c in sheet[1]]
    sheet.cell(2, head.index("学生人数（人） *") + 1).value = 42
    buffer = io.BytesIO()
    book.save(buffer)
    plan = _plan(world, buffer.getvalue(), "liaison")
    assert [p.changes for p in plan.changes] == [{"f_students": (40, 42)}]
    ledger_import.commit(s, world["liaison"], plan)
    s.refresh(entry)
    assert entry.extra["students"] == 42 and entry.quantity == 42 and entry.status == "pending"  # asked again
    assert s.exec(select(AuditLog).where(AuditLog.action == "import_committed")).one()


def test_rows_of_a_locked_year_are_refused_unless_unchanged(world):
    s = world["session"]
    entries.create(s, world["liaison"], kind="competition", member_id=world["school"].id, year=2020,
                   title="数控车赛项", fields={"first": 1})
    content = exchange.export_workbook(s, world["secretariat"])
    entries.lock_year(s, world["secretariat"], year=2020)
    assert _plan(world, content).nothing_to_do
    rows = [["填报单位", "年度", "竞赛名称", "一等奖"], ["山东测试职业技术学院", 2020, "新赛项", 1]]
    assert [p.key for p in _plan(world, _book(rows)).rejects] == ["ledger.year_locked"]


def test_the_importer_names_a_ledger_uploaded_as_members(world):
    from core.group import member_exchange

    content = exchange.template(world["session"], world["secretariat"], kind="patent")
    with pytest.raises(UserFacingError) as refused:
        member_exchange.plan(world["session"], world["secretariat"], content, "patent.xlsx")
    assert refused.value.key in ("excel.wrong_kind", "excel.wrong_template")

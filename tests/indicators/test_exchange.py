"""Indicator values as Excel: templates, bulk export, the checked dry run, the bulk commit, CLI."""
from __future__ import annotations

import io
import json
import random
from datetime import date

import openpyxl
import pytest
from sqlmodel import SQLModel, select

from core import db
from core.auth import acting_as
from core.cli import main
from core.errors import PermissionDenied, UserFacingError
from core.group import member_exchange
from core.indicators import entry as indicator_entry, exchange as vx
from core.models import (
    AuditLog,
    ImportBatch,
    Indicator,
    IndicatorValue,
    MemberUnit,
    ReportingWindow,
    Submission,
    User,
    ValueStatus,
)
from tests.conftest import make_indicator, make_member, make_user

YEAR = 2024
LONG = ["统一社会信用代码", "单位名称", "年度", "指标代码", "数值", "说明"]


def seed(session):
    """Two schools and an enterprise; S01, S03 ⊇ S04 for schools, E01 for enterprises, a
    derived D01; a liaison of the first school and a secretariat user."""
    school = make_member(session, unit_type="school", name="第一职业学院")
    other = make_member(session, unit_type="school", name="第二职业学院")
    firm = make_member(session, unit_type="enterprise", name="机械有限公司")
    codes = {code: make_indicator(session, code) for code in ("S01", "S03", "S04")}
    codes["S05"] = make_indicator(session, "S05", decimals=1)
    codes["E01"] = make_indicator(session, "E01", reporters=("enterprise",))
    codes["D01"] = make_indicator(session, "D01", formula="S04 / S03 * 100")
    liaison = acting_as(make_user(session, role="member", member_id=school.id))
    staff = acting_as(make_user(session, role="secretariat"))
    session.add(ReportingWindow(year=YEAR, opens_on=date(YEAR + 1, 1, 1), deadline=date(YEAR + 1, 3, 31)))
    return school, other, firm, codes, liaison, staff


@pytest.fixture
def world(session):
    return seed(session)


def book(rows: list[list], *, title: list[list] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    for row in (title or []) + rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def store(session, unit, codes, year=YEAR, status=ValueStatus.DRAFT, **values):
    for code, value in values.items():
        session.add(IndicatorValue(member_id=unit.id, indicator_id=codes[code].id, year=year,
                                   value=value, status=status))
    session.add(Submission(member_id=unit.id, year=year, status=status))
    session.flush()


def stored(session, unit, year=YEAR) -> dict[str, float]:
    rows = session.exec(select(Indicator.code, IndicatorValue.value)
                        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                        .where(IndicatorValue.member_id == unit.id, IndicatorValue.year == year)).all()
    return dict(rows)


def reasons(plan) -> dict[int, str]:
    return {problem.row: problem.key for problem in plan.rejects}


def sheet_rows(content: bytes, index: int = 1) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[index]
    return [row for row in sheet.iter_rows(values_only=True)]


# ---------------------------------------------------------------- templates and export
def test_unit_template_lists_its_types_indicators_with_last_and_this_years_values(session, world):
    school, _, _, codes, liaison, _ = world
    store(session, school, codes, year=YEAR - 1, status=ValueStatus.APPROVED, S01=80.0)
    session.add(IndicatorValue(member_id=school.id, indicator_id=codes["S03"].id, year=YEAR, value=90.0,
                               comment="扩招"))
    content = vx.template(session, liaison, member_id=school.id, year=YEAR, lang="zh")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert len(workbook.worksheets) == 2  # instructions, values
    sheet = workbook.worksheets[1]
    rows = sheet_rows(content)
    assert school.name in rows[0][0] and school.credit_code in rows[0][0] and str(YEAR) in rows[0][0]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "指标代码")
    assert rows[header_at] == ("指标代码", "指标名称", "计量单位", f"上年数值（{YEAR - 1}）",
                               f"本年数值（{YEAR}）", "说明")
    body = {row[0]: row for row in rows[header_at + 1:]}
    assert set(body) == {"S01", "S03", "S04", "S05"}  # no enterprise or derived indicator
    assert body["S01"][3] == 80 and body["S01"][4] is None
    assert body["S03"][4] == 90 and body["S03"][5] == "扩招"
    assert sheet.freeze_panes == f"A{header_at + 2}" and sheet.protection.sheet
    english = sheet_rows(vx.template(session, liaison, member_id=school.id, year=YEAR, lang="en"))
    assert "Credit code" in english[0][0]


def test_template_and_export_show_each_value_with_its_indicators_decimals(session, world):
    """A headcount reads 1,458 (not 1,458.00) in Excel; a one-decimal indicator keeps its decimal."""
    school, _, _, codes, liaison, staff = world
    store(session, school, codes, year=YEAR - 1, status=ValueStatus.APPROVED, S01=1458.0, S05=12.5)
    store(session, school, codes, S01=1500.0, S05=13.0)
    for content in (vx.template(session, liaison, member_id=school.id, year=YEAR, lang="zh"),
                    vx.export_workbook(session, staff, year=YEAR, lang="zh")):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[1]
        formats, years = {}, set()
        for row in sheet.iter_rows():
            code = next((cell.value for cell in row if cell.value in ("S01", "S05")), None)
            numbers = [cell for cell in row if type(cell.value) in (int, float)]
            years |= {cell.number_format for cell in numbers if cell.value == YEAR}
            if code and school.name in str(row[1].value) + str(row[0].value) or code and len(row) == 6:
                formats.setdefault(code, set()).update(cell.number_format for cell in numbers if cell.value != YEAR)
        assert formats["S01"] == {"#,##0"} and formats["S05"] == {"#,##0.0"}
        assert years <= {"0"}  # a year is never written 2,024


def test_a_liaison_gets_only_its_own_units_template(session, world):
    _, other, _, _, liaison, staff = world
    with pytest.raises(PermissionDenied):
        vx.template(session, liaison, member_id=other.id, year=YEAR, lang="zh")
    assert vx.template(session, staff, member_id=other.id, year=YEAR, lang="zh")


def test_bulk_export_is_long_format_of_every_unit_and_its_indicators(session, world):
    school, other, firm, codes, liaison, staff = world
    store(session, school, codes, S01=5.0)
    rows = sheet_rows(vx.export_workbook(session, staff, year=YEAR, lang="zh"))
    assert rows[0][:8] == ("统一社会信用代码", "单位名称", "年度", "指标代码", "指标名称", "计量单位", "数值", "说明")
    assert len(rows) - 1 == 4 + 4 + 1  # two schools × 4, the enterprise × 1
    assert (school.credit_code, "S01", 5) in {(r[0], r[3], r[6]) for r in rows}
    only_schools = sheet_rows(vx.export_workbook(session, staff, year=YEAR, types=["school"], lang="zh"))
    assert {r[0] for r in only_schools[1:]} == {school.credit_code, other.credit_code}
    with pytest.raises(PermissionDenied):
        vx.export_workbook(session, liaison, year=YEAR, lang="zh")


# ---------------------------------------------------------------- the dry run
def test_filled_unit_template_imports_as_a_draft_and_again_changes_nothing(session, world):
    school, _, _, codes, liaison, _ = world
    content = vx.template(session, liaison, member_id=school.id, year=YEAR, lang="zh")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[1]
    for row in sheet.iter_rows():
        if row[0].value in ("S01", "S03", "S04"):
            row[4].value = {"S01": 12, "S03": "1,000", "S04": 300}[row[0].value]
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = vx.plan(session, liaison, buffer.getvalue(), "unit.xlsx")
    assert plan.summary()["add"] == 3 and not plan.rejects and not plan.changes
    batch = vx.commit(session, liaison, plan)
    assert stored(session, school) == {"S01": 12, "S03": 1000, "S04": 300}
    values = session.exec(select(IndicatorValue).where(IndicatorValue.member_id == school.id)).all()
    assert {v.status for v in values} == {ValueStatus.DRAFT} and {v.import_batch_id for v in values} == {batch.id}
    report = session.exec(select(Submission).where(Submission.member_id == school.id)).one()
    assert report.status == ValueStatus.DRAFT
    assert batch.rows_added == 3 and batch.user_id == liaison.id and batch.kind == "values"
    assert session.exec(select(AuditLog).where(AuditLog.action == "import_committed")).one().entity_id == str(batch.id)
    again = vx.plan(session, liaison, buffer.getvalue(), "unit.xlsx")
    assert again.nothing_to_do and len(again.unchanged) == 3
    with pytest.raises(UserFacingError) as refused:
        vx.commit(session, liaison, again)
    assert refused.value.key == "excel.nothing_to_do"


def test_every_rejection_reason_is_named_on_its_row(session, world):
    school, other, firm, codes, _, staff = world
    store(session, other, codes, status=ValueStatus.SUBMITTED, S01=1.0)
    c = school.credit_code
    content = book([LONG,
                    [c, "", YEAR, "S01", 10, ""],                     # 2 fine
                    ["91370100MA3C00000X", "", YEAR, "S01", 1, ""],   # 3 unknown unit
                    [c, "", YEAR, "X99", 1, ""],                      # 4 unknown indicator
                    [c, "", YEAR, "E01", 1, ""],                      # 5 not a school's indicator
                    [c, "", YEAR, "D01", 1, ""],                      # 6 derived: not reported
                    [c, "", YEAR, "S05", "many", ""],                 # 7 not a number
                    [c, "", YEAR - 1, "S05", -3, ""],                 # 8 negative
                    [c, "", YEAR - 2, "S05", 5000, ""],               # 9 above the maximum
                    [c, "", YEAR, "S01", 11, ""],                     # 10 repeats row 2
                    [c, "", "去年", "S03", 1, ""],                     # 11 bad year
                    [other.credit_code, "", YEAR, "S03", 2, ""],      # 12 locked (submitted)
                    [other.credit_code, "", YEAR, "S01", 1, ""],      # 13 locked but unchanged: fine
                    [c, "", YEAR, "S03", 100, ""],                    # 14 part above whole ...
                    [c, "", YEAR, "S04", 150, ""],                    # 15 ... both rows refused
                    [c, "", YEAR, "S05", "", "无数据"],                 # 16 no value: skipped
                    ["", "", YEAR, "S01", 1, ""],                     # 17 no unit
                    ])
    plan = vx.plan(session, staff, content, "all.xlsx")
    assert reasons(plan) == {
        3: "values_import.unknown_unit", 4: "values_import.unknown_indicator",
        5: "values_import.not_reported", 6: "values_import.not_reported", 7: "indicator.not_a_number",
        8: "indicator.negative", 9: "indicator.above_max", 10: "excel.duplicate_key",
        11: "values_import.bad_year", 12: "values_import.locked_submitted",
        14: "indicator.part_above_whole", 15: "indicator.part_above_whole", 17: "values_import.no_unit"}
    by_row = {p.row: p for p in plan.rejects}
    assert by_row[10].params == {"first_row": 2} and by_row[10].column == "指标代码"
    assert by_row[12].params["unit"] == other.name and by_row[7].column == "数值"
    assert [p.row for p in plan.adds] == [2] and [p.row for p in plan.unchanged] == [13]
    with pytest.raises(UserFacingError) as refused:
        vx.commit(session, staff, plan)
    assert refused.value.key == "excel.has_rejects"
    assert stored(session, school) == {}
    vx.commit(session, staff, plan, only_valid=True)
    assert stored(session, school) == {"S01": 10}


def test_part_above_whole_counts_the_values_stored(session, world):
    school, _, _, codes, _, staff = world
    store(session, school, codes, S03=100.0, S04=80.0)
    plan = vx.plan(session, staff, book([LONG, [school.credit_code, "", YEAR, "S03", 50, ""]]), "x.xlsx")
    assert reasons(plan) == {2: "indicator.part_above_whole"}


def test_vectorised_checks_agree_with_the_entry_forms(session, world):
    """The import's column-wise rules are the data entry page's (indicator_entry.check)."""
    school, _, _, codes, _, staff = world
    rng = random.Random(3)
    school_codes = ["S01", "S03", "S04", "S05"]
    indicators = [codes[c] for c in school_codes]
    for attempt in range(25):
        values = {c: rng.choice([rng.uniform(-50, 1500), rng.randint(0, 1000), "x"]) for c in school_codes}
        problems = [p for p in indicator_entry.check(indicators, {codes[c].id: (v, "") for c, v in values.items()},
                                                     {}, 50) if p.blocks_save]
        # The same rules; a broken pair refuses both rows, unless one of them fails on its own
        # (it is not written then, so the other is checked against what is stored).
        expected = {p.code for p in problems if p.key != "indicator.part_above_whole"}
        for p in problems:
            if p.key == "indicator.part_above_whole" and not expected & {p.params["part"], p.params["whole"]}:
                expected |= {p.params["part"], p.params["whole"]}
        rows = [LONG] + [[school.credit_code, "", YEAR, c, v, ""] for c, v in values.items()]
        plan = vx.plan(session, staff, book(rows), "x.xlsx")
        found = {school_codes[p.row - 2] for p in plan.rejects}
        assert found == expected, (values, plan.rejects)


def test_year_and_unit_may_come_from_the_title(session, world):
    school, staff = world[0], world[5]
    title = [[f"{school.name}　统一社会信用代码：{school.credit_code}　年度：{YEAR}"], []]
    plan = vx.plan(session, staff, book([["指标代码", "本年数值"], ["S01", 7]], title=title), "t.xlsx")
    assert [(p.key, p.values["value"]) for p in plan.adds] == [(f"{school.credit_code}/S01/{YEAR}", 7)]
    untitled = vx.plan(session, staff, book([["指标代码", "本年数值"], ["S01", 7]]), "t.xlsx")
    assert reasons(untitled) == {2: "values_import.no_unit"}


def test_a_rejected_report_goes_back_to_draft_and_values_keep_their_decimals(session, world):
    school, _, _, codes, _, staff = world
    store(session, school, codes, status=ValueStatus.REJECTED, S01=3.0, S05=1.0)
    plan = vx.plan(session, staff, book([LONG, [school.credit_code, "", YEAR, "S05", 2.26, "核实后更正"]]), "x.xlsx")
    assert [(p.row, p.changes) for p in plan.changes] == [(2, {"value": (1.0, 2.3), "comment": ("", "核实后更正")})]
    vx.commit(session, staff, plan)
    report = session.exec(select(Submission).where(Submission.member_id == school.id)).one()
    assert report.status == ValueStatus.DRAFT and report.version == 2
    values = session.exec(select(IndicatorValue).where(IndicatorValue.member_id == school.id)).all()
    assert {v.status for v in values} == {ValueStatus.DRAFT}
    assert stored(session, school)["S05"] == 2.3


def test_a_liaison_imports_only_its_own_units_rows(session, world):
    school, other, _, _, liaison, _ = world
    content = book([LONG, [school.credit_code, "", YEAR, "S01", 5, ""],
                    [other.credit_code, "", YEAR, "S01", 6, ""]])
    plan = vx.plan(session, liaison, content, "mixed.xlsx")
    assert reasons(plan) == {3: "values_import.other_unit"}
    assert plan.rejects[0].params == {"unit": other.name}
    vx.commit(session, liaison, plan, only_valid=True)
    assert stored(session, school) == {"S01": 5} and stored(session, other) == {}


def test_the_entry_pages_upload_is_limited_to_the_unit_shown(session, world):
    school, other, _, _, liaison, staff = world
    content = book([LONG, [school.credit_code, "", YEAR, "S01", 5, ""]])
    assert reasons(vx.plan(session, staff, content, "x.xlsx", member_id=other.id)) == {2: "values_import.other_unit"}
    with pytest.raises(PermissionDenied):
        vx.plan(session, liaison, content, "x.xlsx", member_id=other.id)


def test_council_may_not_import(session, world):
    council = acting_as(make_user(session, role="council"))
    with pytest.raises(PermissionDenied):
        vx.plan(session, council, book([LONG]), "x.xlsx")


def test_wrong_kind_is_named_both_ways(session, world):
    school, _, _, _, _, staff = world
    values_file = book([LONG, [school.credit_code, "", YEAR, "S01", 5, ""]])
    with pytest.raises(UserFacingError) as refused:
        member_exchange.plan(session, staff, values_file, "v.xlsx")
    assert refused.value.key == "excel.wrong_kind" and refused.value.params["found"] == "import_kind.values"
    members_file = book([["统一社会信用代码", "单位名称", "单位类型", "所在城市"], ["x", "y", "企业", "济南市"]])
    with pytest.raises(UserFacingError) as refused:
        vx.plan(session, staff, members_file, "m.xlsx")
    assert refused.value.key == "excel.wrong_kind" and refused.value.params["found"] == "import_kind.members"


# ---------------------------------------------------------------- the commit
def test_export_imports_back_with_nothing_to_change(session, world):
    school, other, firm, codes, _, staff = world
    store(session, school, codes, status=ValueStatus.APPROVED, S01=1.0, S03=10.0, S04=4.0)
    store(session, firm, codes, E01=7.0)
    session.add(IndicatorValue(member_id=other.id, indicator_id=codes["S05"].id, year=YEAR, value=0.5,
                               comment="说明, with \"quotes\""))
    session.flush()
    content = vx.export_workbook(session, staff, year=YEAR, lang="en")
    plan = vx.plan(session, staff, content, "export.xlsx")
    assert plan.nothing_to_do and not plan.rejects and len(plan.unchanged) == 5


def test_a_failure_mid_write_leaves_nothing(tmp_path, monkeypatch):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'atomic.db'}")
    SQLModel.metadata.create_all(engine)
    with db.session_scope(engine) as session:
        school = seed(session)[0]
        code, staff_id = school.credit_code, session.exec(select(User.id).where(User.role == "secretariat")).one()
    content = book([LONG] + [[code, "", YEAR, c, 5, ""] for c in ("S01", "S03", "S04")])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(vx, "_refresh_reports", broken)  # after the values are written
    with pytest.raises(RuntimeError), db.session_scope(engine) as session:
        staff = acting_as(session.get(User, staff_id))
        vx.commit(session, staff, vx.plan(session, staff, content, "x.xlsx"))
    with db.session_scope(engine, write=False) as session:
        assert session.exec(select(IndicatorValue)).all() == []
        assert session.exec(select(ImportBatch)).all() == []
        assert session.exec(select(AuditLog).where(AuditLog.action == "import_committed")).all() == []


def test_bulk_commit_on_each_database(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        school, other, firm, codes, liaison, staff = seed(session)
        store(session, other, codes, S01=1.0)
        rows = [LONG] + [[school.credit_code, "", YEAR, c, v, ""] for c, v in (("S01", 1), ("S03", 9), ("S04", 3))]
        rows.append([other.credit_code, "", YEAR, "S01", 2, "改"])
        batch = vx.commit(session, staff, vx.plan(session, staff, book(rows), "x.xlsx"))
        assert (batch.rows_added, batch.rows_changed) == (3, 1)
    with db.session_scope(engine) as session:
        assert stored(session, school) == {"S01": 1, "S03": 9, "S04": 3} and stored(session, other) == {"S01": 2}
        row = session.exec(select(IndicatorValue).where(IndicatorValue.member_id == other.id)).one()
        assert (row.version, row.comment, row.import_batch_id) == (2, "改", batch.id)
        assert row.updated_at.tzinfo is not None
        assert vx.plan(session, staff, book(rows), "x.xlsx").nothing_to_do
    engine.dispose()


def test_a_submit_racing_an_import_is_never_undone_on_postgresql(pg_engine):
    """The import planned its rows while the report was a draft; the liaison submits before the
    import writes. The import must not turn the submitted report back into a draft."""
    import threading

    engine = pg_engine
    with db.session_scope(engine) as session:
        school, other, firm, codes, liaison, staff = seed(session)
        store(session, school, codes, S01=1.0, S03=9.0, S04=3.0, S05=2.0)
        school_id, s01 = school.id, codes["S01"].id
        rows = [LONG, [school.credit_code, "", YEAR, "S01", 7, "导入"]]
        content = book(rows)
    planned, submitted = threading.Event(), threading.Event()
    outcome = {}

    def run_import():  # plans in its transaction, then writes after the liaison's submit
        try:
            with db.session_scope(engine) as session:
                preview = vx.plan(session, staff, content, "x.xlsx")
                planned.set()
                assert submitted.wait(30)
                vx.commit(session, staff, preview)
            outcome["import"] = "written"
        except UserFacingError as error:
            outcome["import"] = error.key

    worker = threading.Thread(target=run_import)
    worker.start()
    try:
        assert planned.wait(30)
        with db.session_scope(engine) as session:
            numbers = {codes[c].id: (v, "") for c, v in (("S01", 1.0), ("S03", 9.0), ("S04", 3.0), ("S05", 2.0))}
            indicator_entry.save(session, liaison, member_id=school_id, year=YEAR, values=numbers,
                                 expected_version=1, submit=True)
    finally:
        submitted.set()
        worker.join(60)
    with db.session_scope(engine, write=False) as session:
        report = session.exec(select(Submission).where(Submission.member_id == school_id)).one()
        value = session.exec(select(IndicatorValue.value).where(IndicatorValue.member_id == school_id,
                                                                IndicatorValue.indicator_id == s01)).one()
    assert outcome["import"] == "excel.changed_since_preview"
    assert (report.status, value) == ("submitted", 1.0)


# ---------------------------------------------------------------- command line
def _json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_cli_template_export_dry_run_and_import(tmp_path, capsys):
    from core.demo_plan import DemoCalendar
    from core.timeutil import china_today

    new_year = DemoCalendar(china_today()).reporting_year + 1  # after the demo's years: nothing in it
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    base = ["--database-url", url, "--json"]
    assert main(["--database-url", url, "seed", "--demo"]) == 0
    engine = db.make_engine(url)
    with db.session_scope(engine, write=False) as session:
        lead = session.exec(select(MemberUnit).where(MemberUnit.is_lead)).one()
        other = session.exec(select(MemberUnit).where(MemberUnit.unit_type == "school",
                                                      ~MemberUnit.is_lead)).first()
    with db.session_scope(engine) as session:  # the secretariat opens next year for reporting
        session.add(ReportingWindow(year=new_year, opens_on=date(new_year + 1, 1, 1),
                                    deadline=date(new_year + 1, 3, 31)))
    engine.dispose()
    capsys.readouterr()
    unit_file, bulk_file = tmp_path / "unit.xlsx", tmp_path / "bulk.xlsx"
    assert main(base + ["template", "values", str(unit_file), "--member", lead.credit_code, "--year", str(new_year)]) == 0
    assert lead.credit_code in sheet_rows(unit_file.read_bytes())[0][0]
    assert main(base + ["export", "values", str(bulk_file), "--year", "2021", "--type", "school"]) == 0
    _json(capsys)
    assert main(base + ["import", str(bulk_file), "--dry-run"]) == 0  # the export imports back
    assert _json(capsys)["kind"] == "values"
    new = tmp_path / "new.xlsx"
    new.write_bytes(book([LONG, [lead.credit_code, "", new_year, "S01", 5, ""],
                          [other.credit_code, "", new_year, "S01", 6, ""]]))
    assert main(base + ["import", str(new), "--dry-run", "--as", "demo-member"]) == 1
    refused = _json(capsys)
    assert refused["error"] == "excel.has_rejects" and refused["rejected"] == 1 and refused["add"] == 1
    assert main(base + ["import", str(new), "--as", "demo-member", "--only-valid"]) == 0
    assert _json(capsys)["add"] == 1
    assert main(base + ["import", str(new), "--dry-run"]) == 0
    assert _json(capsys)["add"] == 1
    assert main(base + ["import", str(new)]) == 0
    _json(capsys)
    assert main(base + ["import", str(new)]) == 0  # the same file again: nothing to change, done
    assert _json(capsys)["nothing_to_do"] is True


def test_the_registered_kind_also_works_row_by_row_in_the_shared_importer(session, world):
    from core.excel import importer

    school = world[0]
    content = book([LONG, [school.credit_code, "", YEAR, "S01", 5, ""], [school.credit_code, "", YEAR, "X1", 5, ""],
                    [school.credit_code, "", YEAR, "S01", 6, ""]])
    assert importer.KINDS["values"] is vx.VALUES_IMPORT
    plan = importer.plan_import(session, vx.VALUES_IMPORT, content, "x.xlsx")
    assert len(plan.adds) == 1 and reasons(plan) == {3: "values_import.unknown_indicator", 4: "excel.duplicate_key"}


def test_nan_and_infinity_are_not_numbers(session, world):
    school, other, firm, codes, _, staff = world
    content = book([LONG, [school.credit_code, "", YEAR, "S01", "nan", ""],
                    [school.credit_code, "", YEAR, "S03", "inf", ""],
                    [school.credit_code, "", YEAR, "S05", "-inf", ""]])
    plan = vx.plan(session, staff, content, "nan.xlsx")
    assert set(reasons(plan).values()) == {"indicator.not_a_number"} and len(plan.rejects) == 3


def test_values_an_import_overwrites_are_audited_old_and_new(session, world):
    school, other, firm, codes, _, staff = world
    store(session, school, codes, S01=5.0)
    content = book([LONG, [school.credit_code, "", YEAR, "S01", 7, ""]])
    vx.commit(session, staff, vx.plan(session, staff, content, "fix.xlsx"))
    entry = session.exec(select(AuditLog).where(AuditLog.action == "import_committed")).one()
    (key,) = entry.before
    assert entry.before[key] == {"value": 5.0} and entry.after["changes"][key] == {"value": 7.0}


def test_templates_offer_the_indicator_codes_as_a_drop_down(session, world):
    school, _, _, codes, liaison, staff = world
    for content, sheet in ((vx.template(session, liaison, member_id=school.id, year=YEAR, lang="zh"), 1),
                           (vx.export_workbook(session, staff, year=YEAR, lang="zh"), 1)):
        validations = openpyxl.load_workbook(io.BytesIO(content)).worksheets[sheet].data_validations.dataValidation
        lists = [v.formula1 for v in validations if v.type == "list"]
        assert lists and "S01" in lists[0] and "S04" in lists[0]


def test_an_approved_report_cannot_be_changed_by_an_import(session, world):
    school, other, firm, codes, _, staff = world
    store(session, school, codes, status=ValueStatus.APPROVED, S01=5.0)
    content = book([LONG, [school.credit_code, "", YEAR, "S01", 6, ""], [school.credit_code, "", YEAR, "S03", 9, ""]])
    plan = vx.plan(session, staff, content, "late.xlsx")
    assert set(reasons(plan).values()) == {"values_import.locked_approved"} and len(plan.rejects) == 2
    assert stored(session, school) == {"S01": 5.0}


def test_a_liaison_imports_only_years_open_for_reporting(world, session):
    school, other, firm, codes, liaison, staff = world
    rows = [LONG, [school.credit_code, "", 2015, "S01", 5, ""], [school.credit_code, "", YEAR, "S03", 9, ""]]
    planned = vx.plan(session, liaison, book(rows), "x.xlsx")
    assert [(r.row, r.key) for r in planned.rejects] == [(2, "values_import.year_not_open")]
    assert len(planned.adds) == 1
    assert not vx.plan(session, staff, book(rows), "x.xlsx").rejects  # the secretariat corrects past years

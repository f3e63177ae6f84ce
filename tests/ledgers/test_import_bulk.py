"""A ledger import checked and written column by column gives what row by row gives: the same
rows, values and problems in the dry run; entries stored as recording them one by one would
(search text, index text, fields, partners), on SQLite and on PostgreSQL."""
from __future__ import annotations

import json
import random
from datetime import date
from types import SimpleNamespace

import sqlalchemy as sa
from sqlmodel import Session, select

from core import db
from core.auth import acting_as
from core.ledgers import bulk, entries, import_rows, ledger_import, query, search_index
from core.ledgers.bulk import json_text
from core.ledgers.exchange import aliases
from core.ledgers.import_rows import Context
from core.ledgers.kinds import KINDS
from core.ledgers.matching import UnitMatcher, folded, folded_many
from core.ledgers.query import LedgerFilter
from core.models import LedgerEntry, LedgerPartner
from tests.conftest import make_member, make_user
from tests.pages_support import workbook

HEAD = ["填报单位", "年度", "班级名称", "冠名企业", "专业", "学生人数", "企业投入", "开始日期", "结束日期"]


def _units(session):
    return (make_member(session, name="山东测试职业技术学院", short_name="测试职院", unit_type="school"),
            make_member(session, name="济南华力数控机床有限公司", short_name="华力数控"),
            make_member(session, name="青岛海岳重工有限公司"))


def _sheet(school, firm, other) -> list[list]:
    """Good rows among every kind of trouble, so both ways of checking a row are taken."""
    rows = [HEAD]
    for n in range(40):
        rows.append([school.name, 2021, f"数控订单班{n}", firm.short_name, "数控技术", 30 + n, "5万元", "2021.09", None])
    rows += [
        [school.name, "明年", "坏年度班", firm.name, "数控", 30, None, None, None],
        [school.name, 2021, "", firm.name, "数控", 30, None, None, None],
        [school.name, 2021, "缺合作方班", "", "数控", 30, None, None, None],
        ["济南华力数控机床公司", 2021, "近似单位班", other.name, "数控", 30, None, None, None],
        [school.name, 2021, "自己合作班", school.name, "数控", 30, None, None, None],
        [school.name, 2021, "两次合作班", f"{firm.name}、华力数控", "数控", 30, None, None, None],
        [school.name, 2021, "先结束班", firm.name, "数控", 30, None, "2021.09", "2021.03"],
        [school.name, 2021, "很多人班", firm.name, "数控", "很多", "五万", "九月", None],
        [school.name, 2021, "数控订单班3", firm.name, "数控", 31, None, None, None],  # the same key again
        [school.name, 2021, "注塑订单班", f"{other.name}、外部公司：某某", "模具", 25, "50,000", 44440, None],
        ["合计", None, None, None, None, 999, "10万元", None, None],
        ["填表人：张三", None, "联系电话：0531-88888888", None, None, None, None, None, None],
        [None, None, None, None, None, None, None, None, None],
        [None, 2022, "无单位班", firm.name, "数控", 10, None, None, None],
    ]
    return rows


def test_rows_checked_by_column_match_rows_checked_alone(session):
    school, firm, other = _units(session)
    secretariat = acting_as(make_user(session, role="secretariat"))
    sheets = ledger_import._read_sheets(workbook(_sheet(school, firm, other)), ledger_import.excel_limits(session))
    (name, spec), = ledger_import.recognise(sheets)
    ctx = Context(session, secretariat, spec, UnitMatcher.load(session), set())
    table = import_rows.locate(name, sheets[name], aliases(spec), ledger_import.required(spec))
    by_columns = list(import_rows.parse_table(ctx, table))
    checks = import_rows._Checks(ctx, table)
    alone = [checks.row(i) for i in range(len(checks.table.numbers))]
    assert by_columns == alone
    found = {(row, problem.key) for row, _, problems in alone for problem in problems}
    assert {(47, "ledger.partner_twice"), (48, "ledger.ends_before_start"), (46, "ledger.partner_is_self"),
            (45, "ledger.near_unit")} <= found
    assert sum(1 for _, values, problems in alone if values and not problems) == 42  # 40 + 注塑 + one of the twice


def test_the_dry_run_rejects_what_recording_would_refuse(session):
    school, firm, other = _units(session)
    plan = ledger_import.plan(session, acting_as(make_user(session, role="secretariat")),
                              workbook(_sheet(school, firm, other)), "ledger.xlsx")
    rejects = {(p.row, p.column, p.key) for p in plan.rejects}
    assert {(47, "冠名企业", "ledger.partner_twice"), (48, "结束日期", "ledger.ends_before_start"),
            (50, "班级名称", "excel.duplicate_key"), (55, "填报单位", "ledger.unit_missing")} <= rejects
    assert plan.skipped == [52, 53] and len(plan.adds) == 41


def _import_and_compare(session, user, school, firm, other, *, looked_at: int = 0):
    rows = [row for row in _sheet(school, firm, other) if row[2] and str(row[2]).startswith(("数控", "注塑"))]
    plan = ledger_import.plan(session, user, workbook([HEAD] + rows[:-2] + rows[-1:]), "ledger.xlsx")
    assert plan.rejects == [] and len(plan.adds) == 41
    shown = plan.adds[:looked_at]  # as the preview's table does: those rows become PlannedRows, kept
    assert all(planned is plan.adds[index] for index, planned in enumerate(shown))
    batch = ledger_import.commit(session, user, plan)
    session.flush()
    stored = session.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()
    assert [e.title for e in stored] == [p.values["title"] for p in plan.adds]
    spec = KINDS["order_class"]
    for entry, planned in zip(stored, plan.adds):
        partners = session.exec(select(LedgerPartner).where(LedgerPartner.entry_id == entry.id)
                                .order_by(LedgerPartner.id)).all()
        extra = {f.key: planned.values[f"f_{f.key}"] for f in spec.fields
                 if planned.values.get(f"f_{f.key}") is not None}
        assert entry.extra == extra and entry.import_batch_id == batch.id and entry.status == "pending"
        assert entry.quantity == float(extra["students"]) and entry.amount_fen == extra.get("enterprise_input")
        assert [(p.member_id, p.name) for p in partners] == [(p.member_id, p.name) for p in planned.values["_partners"]]
        expected = entries.searchable(spec, title=entry.title, unit=school.name, partners=[p.name for p in partners],
                                      description="", extra=extra)
        assert (entry.search_text, entry.search_grams) == (expected["search_text"], expected["search_grams"])
    assert stored[-1].extra == {"major": "模具", "students": 25, "enterprise_input": 5_000_000}
    assert [p.member_id for p in session.exec(select(LedgerPartner).where(LedgerPartner.entry_id == stored[-1].id))] \
        == [other.id, None]
    council = acting_as(make_user(session, role="council"))
    assert query.count(session, council, LedgerFilter(text="注塑")) == 1
    assert query.count(session, council, LedgerFilter(text="数控订单")) == 40
    again = ledger_import.plan(session, user, workbook([HEAD] + rows[:-2] + rows[-1:]), "ledger.xlsx")
    assert again.nothing_to_do and len(again.unchanged) == 41


def test_imported_entries_are_stored_as_recording_them_would(session):
    school, firm, other = _units(session)
    _import_and_compare(session, acting_as(make_user(session, role="member", member_id=school.id)), school, firm, other)


def test_rows_looked_at_before_the_commit_are_stored_the_same(session):
    school, firm, other = _units(session)
    _import_and_compare(session, acting_as(make_user(session, role="secretariat")), school, firm, other, looked_at=5)


def test_an_import_on_postgresql(pg_engine):
    with db.session_scope(pg_engine) as session:
        school, firm, other = _units(session)
        user = acting_as(make_user(session, role="secretariat"))
        _import_and_compare(session, user, school, firm, other)


def test_index_text_of_many_texts_is_that_of_each():
    odd = ["", "a", " ", "ab", "数控_技术", "x\ny", "é̀ combining", "١٢٣ digits", "Σσς", "🙂emoji🙂ok", "\n", "ｆｕｌｌ",
           "__x__", "\ud800lone"]
    assert search_index.grams_many(odd) == [search_index.grams(text) for text in odd]
    rng = random.Random(7)
    many = ["".join(rng.choice("ab _\n数控1é̀-🙂") for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    assert search_index.grams_many(many) == [search_index.grams(text) for text in many]


def test_names_folded_together_are_folded_alone():
    names = ["", "A B（c）", "ΑΣ ΣΑ", "ｆｕｌｌ", "数控 班", "x\ny", "a\0b"]
    assert folded_many(names) == [folded(name) for name in names]


def test_json_text_is_what_the_json_type_writes():
    sqlite = SimpleNamespace(name="sqlite", _json_serializer=None)
    rng = random.Random(3)
    pool = [None, 1, True, 1.0, 0, False, "x", "中文", 2.5, "", 10**20]
    for n in range(300):
        keys = ["a", "b", "中"][:rng.randint(0, 3)]
        count = rng.randint(0, 12)
        # a third of the cases: every row holds every key, or a key no row holds (each its own path)
        columns = [[rng.choice(pool[1:] if n % 3 == 1 else [None] if n % 3 == 2 and k == "b" else pool)
                    for _ in range(count)] for k in keys]
        documents = [dict(zip(keys, row)) for row in zip(*columns)] if keys else [{} for _ in range(count)]
        assert json_text(sqlite, keys, columns, count) == [
            json.dumps({k: v for k, v in document.items() if v is not None}) for document in documents]
    assert json_text(SimpleNamespace(name="postgresql"), ["a"], [[1]], 1) is None


def test_values_written_once_for_every_row_are_stored_as_bound_ones():
    """bulk.insert writes a column holding one value for every row into the statement (SQLite):
    stored with the same value and type as each row's bound value would be."""
    table = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Text),
                     sa.Column("b", sa.Integer), sa.Column("c"), sa.Column("d", sa.Float), sa.Column("e", sa.Date))
    engine = db.make_engine("sqlite://")
    with engine.begin() as connection:  # c without a type: SQLite keeps 1 and 1.0 apart there
        connection.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c, d FLOAT, e DATE)")
    columns = {"a": ["it's 数控"] * 3, "b": 7, "c": [1, 1.0, True], "d": None, "e": [date(2021, 9, 1)] * 3}
    with Session(engine) as session:
        bulk.insert(session, table, columns, 3)
        bulk.insert(session, table, {"a": ["it's 数控", "x", "it's 数控"], "b": [7, 7, 8], "c": [2, 2, 2],
                                     "d": [1.5, None, 1.5], "e": [date(2021, 9, 1), None, None]}, 3)
        rows = session.execute(sa.text("SELECT a, typeof(a), b, typeof(b), c, typeof(c), d, typeof(d), e, typeof(e) "
                                       "FROM t ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("it's 数控", "text", 7, "integer", 1, "integer", None, "null", "2021-09-01", "text"),
        ("it's 数控", "text", 7, "integer", 1.0, "real", None, "null", "2021-09-01", "text"),
        ("it's 数控", "text", 7, "integer", 1, "integer", None, "null", "2021-09-01", "text"),
        ("it's 数控", "text", 7, "integer", 2, "integer", 1.5, "real", "2021-09-01", "text"),
        ("x", "text", 7, "integer", 2, "integer", None, "null", None, "null"),
        ("it's 数控", "text", 8, "integer", 2, "integer", 1.5, "real", None, "null")]


def test_an_imported_entry_waits_for_its_partners_and_one_without_is_recorded():
    from core.ledgers.import_write import _statuses
    assert _statuses([["a"], [], ["b", "c"]]) == ["pending", "recorded", "pending"]
    assert (_statuses([["a"], ["b"]]), _statuses([[], []])) == ("pending", "recorded")

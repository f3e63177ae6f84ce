"""The search index stays in step with the entries: a search finds an entry right after it is
recorded, changed, imported or restored, and no longer after it is changed away or deleted
(the count of someone who sees everything is read from the index alone, so a stale index row
would show there). On SQLite and PostgreSQL; each database's plan uses its index."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import db
from core.auth import acting_as
from core.excel.writer import Column, Sheet, write_workbook
from core.ledgers import entries, ledger_import, query, search_index
from core.ledgers.entries import PartnerInput
from core.ledgers.query import LedgerFilter
from tests.conftest import make_member, make_user


@pytest.fixture
def world(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        school = make_member(session, name="齐鲁测试技师学院", unit_type="school")
        firm = make_member(session, name="济南测试机床有限公司")
        users = {"secretariat": acting_as(make_user(session, role="secretariat")),
                 "council": acting_as(make_user(session, role="council")),
                 "school": acting_as(make_user(session, role="member", member_id=school.id))}
    yield engine, users, school, firm
    engine.dispose()


def _found(engine, who, text: str) -> tuple[set[str], int]:
    """Titles found and the count, as the query page reads them."""
    with db.session_scope(engine, write=False) as session:
        flt = LedgerFilter(text=text)
        return set(query.search(session, who, flt, limit=500)["title"]), query.count(session, who, flt)


def _add(session, who, school, firm, title: str, year: int = 2024, **more):
    return entries.create(session, who, kind="order_class", member_id=school.id, year=year, title=title,
                          partners=[PartnerInput(firm.id)], fields={"students": 30}, **more)


def test_the_index_follows_records_changes_and_deletions(world):
    engine, users, school, firm = world
    council, secretariat = users["council"], users["secretariat"]
    with db.session_scope(engine) as session:
        entry = _add(session, users["school"], school, firm, "数控技术订单班")
        # found in the same transaction, before it commits
        assert set(query.search(session, council, LedgerFilter(text="数控"))["title"]) == {"数控技术订单班"}
        _add(session, users["school"], school, firm, "焊接冠名班", year=2023, description="焊接机器人 A-1 线")
    assert _found(engine, council, "数控") == ({"数控技术订单班"}, 1)
    assert _found(engine, council, "焊") == ({"焊接冠名班"}, 1)  # one character
    assert _found(engine, council, "a-1") == ({"焊接冠名班"}, 1)  # punctuation inside a word
    assert _found(engine, council, "机床") == ({"数控技术订单班", "焊接冠名班"}, 2)  # the partner's name
    assert _found(engine, council, "数控技 订单") == ({"数控技术订单班"}, 1)
    assert _found(engine, users["school"], "订单") == ({"数控技术订单班"}, 1)  # a liaison's count joins the entries
    with db.session_scope(engine) as session:
        entries.update(session, secretariat, entry_id=entry.id, expected_version=entry.version, title="智能制造订单班",
                       year=2025, partners=[PartnerInput(firm.id)], fields={"students": 30})
    assert _found(engine, council, "数控") == (set(), 0)
    assert _found(engine, council, "智能制造") == ({"智能制造订单班"}, 1)
    with db.session_scope(engine, write=False) as session:  # newest year first, from the index's order
        assert list(query.search(session, council, LedgerFilter(text="订单 班"))["year"]) == [2025]
        assert list(query.search(session, council, LedgerFilter(text="班"))["year"]) == [2025, 2023]
    with db.session_scope(engine) as session:
        entries.delete(session, secretariat, entry_id=entry.id, expected_version=entry.version + 1)
    assert _found(engine, council, "智能制造") == (set(), 0)
    with pytest.raises(RuntimeError), db.session_scope(engine) as session:  # rolled back: never indexed
        _add(session, secretariat, school, firm, "回滚订单班")
        raise RuntimeError
    assert _found(engine, council, "回滚") == (set(), 0)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT rowid FROM ledger_search WHERE ledger_search "
                                        "MATCH '\"订单\"' ORDER BY rowid DESC LIMIT 5").all()
        assert "VIRTUAL TABLE" in str(plan)


def test_imported_entries_are_found_at_once(world):
    engine, users, school, firm = world
    columns = [Column(key, key) for key in ("填报单位", "年度", "班级名称", "冠名企业", "学生人数")]
    rows = [{"填报单位": school.name, "年度": 2024, "班级名称": f"液压导入班{n}", "冠名企业": firm.name, "学生人数": 20 + n}
            for n in range(3)]
    content = write_workbook([Sheet("订单班", columns, rows)])
    with db.session_scope(engine) as session:
        plan = ledger_import.plan(session, users["secretariat"], content, "订单班.xlsx")
        assert len(plan.adds) == 3 and not plan.rejects
        ledger_import.commit(session, users["secretariat"], plan)
    assert _found(engine, users["council"], "液压导入") == ({f"液压导入班{n}" for n in range(3)}, 3)


def test_a_restore_brings_the_index_back_to_the_restored_entries(world):
    from core.system import backup

    engine, users, school, firm = world
    with db.session_scope(engine) as session:
        kept = _add(session, users["school"], school, firm, "备份前订单班")
    saved = backup.make_backup(engine)
    with db.session_scope(engine) as session:
        entries.delete(session, users["secretariat"], entry_id=kept.id, expected_version=kept.version)
        _add(session, users["school"], school, firm, "备份后订单班")
    backup.restore_backup(engine, saved)
    assert _found(engine, users["council"], "订单班") == ({"备份前订单班"}, 1)


def test_postgresql_answers_from_its_gin_indexes(pg_engine):
    seen = []
    capture = lambda conn, cursor, statement, params, context, many: seen.append((statement, params))
    with db.session_scope(pg_engine, write=False) as session:
        council = acting_as(make_user(session, role="council"))
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a few rows: make the planner show its index
        for text, index in (("数控", "ix_ledger_entry_search_grams"), ("焊", "ix_ledger_entry_search_chars")):
            seen.clear()
            sa.event.listen(pg_engine, "before_cursor_execute", capture)
            try:
                query.count(session, council, LedgerFilter(text=text))
            finally:
                sa.event.remove(pg_engine, "before_cursor_execute", capture)
            statement, params = seen[-1]
            plan = "\n".join(row[0] for row in session.connection().exec_driver_sql("EXPLAIN " + statement, params))
            assert index in plan, plan


def test_index_text_is_each_runs_bigrams_then_its_last_character():
    assert search_index.grams("数控班 a-1") == "数控 控班 班 a 1"

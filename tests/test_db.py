"""The data layer on SQLite and on a real PostgreSQL: migrations, time zones, locking."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from core import db
from core.demo import seed_demo
from core.models import AuditLog, MemberUnit, Setting
from core.timeutil import utcnow
from tests.conftest import make_member


@pytest.fixture
def migrated(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_migrations_create_every_table_of_the_models(migrated):
    tables = set(sa.inspect(migrated).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert db.current_revision(migrated) == db.head_revision()


def test_upgrade_twice_changes_nothing(migrated):
    assert db.upgrade(migrated) == db.head_revision()


def test_upgrade_from_the_first_migration_keeps_data(any_db_url):
    engine = db.make_engine(any_db_url)
    first = list(db.ScriptDirectory.from_config(db.alembic_config()).walk_revisions())[-1]
    db.upgrade(engine, first.revision)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO member_unit (credit_code, name, short_name, unit_type, city, address, "
            "status, status_reason, contact_name, contact_title, contact_phone, contact_email, "
            "website, description, is_lead, is_demo, version, created_at, updated_at) VALUES "
            "('91370100MA3C000001', '旧数据单位', '', 'enterprise', '济南市', '', 'active', '', "
            "'', '', '', '', '', '', false, false, 1, :now, :now)"), {"now": utcnow()})
    db.upgrade(engine)
    with db.session_scope(engine, write=False) as session:
        names = session.exec(select(MemberUnit.name)).all()
    assert names == ["旧数据单位"]
    engine.dispose()


def test_timestamps_come_back_timezone_aware_in_utc(migrated):
    moment = datetime(2021, 3, 31, 23, 30, tzinfo=UTC)
    with db.session_scope(migrated) as session:
        session.add(AuditLog(action="test", at=moment))
    with db.session_scope(migrated, write=False) as session:
        stored = session.exec(select(AuditLog.at)).one()
    assert stored == moment and stored.utcoffset().total_seconds() == 0


def test_naive_datetime_is_refused(migrated):
    with pytest.raises(sa.exc.StatementError), db.session_scope(migrated) as session:
        session.add(AuditLog(action="test", at=datetime(2021, 1, 1)))


def test_stale_edit_is_refused_and_nothing_is_written(migrated):
    with db.session_scope(migrated) as session:
        unit_id = make_member(session, name="原名").id
    with db.session_scope(migrated) as session:
        db.update_versioned(session, MemberUnit, unit_id, 1, {"name": "第一人保存"})
    with pytest.raises(db.StaleEditError), db.session_scope(migrated) as session:
        db.update_versioned(session, MemberUnit, unit_id, 1, {"name": "第二人保存"})
    with db.session_scope(migrated, write=False) as session:
        unit = session.get(MemberUnit, unit_id)
    assert (unit.name, unit.version) == ("第一人保存", 2)


def test_demo_seed_runs_on_this_database(migrated):
    with db.session_scope(migrated) as session:
        counts = seed_demo(session, rounds=4)
    assert counts["members"] == 64


def _run_in_threads(targets) -> None:
    workers = [threading.Thread(target=target) for target in targets]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_concurrent_writers_lose_nothing(migrated):
    threads, rounds = 6, 15
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(rounds):
                with db.session_scope(migrated) as session:
                    session.add(AuditLog(action="concurrent", detail=f"{n}-{i}"))
                    session.execute(sa.update(Setting.__table__).where(Setting.key == "counter")
                                    .values(version=Setting.version + 1))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    with db.session_scope(migrated) as session:
        session.add(Setting(key="counter", value=0, version=0))
    _run_in_threads([lambda n=n: writer(n) for n in range(threads)])
    assert errors == []
    with db.session_scope(migrated, write=False) as session:
        inserted = session.exec(select(sa.func.count()).select_from(AuditLog)
                                .where(AuditLog.action == "concurrent")).one()
        counter = session.get(Setting, "counter").version
    assert inserted == counter == threads * rounds


def test_sqlite_read_modify_write_is_serialised_by_begin_immediate(tmp_path):
    """Without BEGIN IMMEDIATE two readers would both upgrade to writers and one would fail."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'rmw.db'}")
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        session.add(Setting(key="counter", value=0))
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(20):
                with db.session_scope(engine) as session:
                    row = session.get(Setting, "counter")
                    row.value = row.value + 1
                    session.add(row)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    _run_in_threads([bump] * 5)
    assert errors == []
    with db.session_scope(engine, write=False) as session:
        assert session.get(Setting, "counter").value == 100


def test_database_from_a_newer_release_is_refused(migrated):
    with migrated.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'zz_future'"))
    with pytest.raises(db.DatabaseError) as refused:
        db.upgrade(migrated)
    assert refused.value.key == "db.schema_too_new"


def test_unreachable_database_gives_a_clear_error():
    engine = db.make_engine("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(db.DatabaseError) as refused:
        db.upgrade(engine)
    assert refused.value.key == "db.unreachable"
    assert "127.0.0.1" in refused.value.params["url"]


def test_text_longer_than_its_column_is_a_message_not_a_database_error(migrated):
    from core.errors import ValidationFailed
    from core.models import CouncilTerm

    with pytest.raises(ValidationFailed) as refused, db.session_scope(migrated) as session:
        session.add(CouncilTerm(number=9, name="届" * 500, started_on=date(2018, 6, 1)))
    assert refused.value.key == "common.too_long" and refused.value.params["max"] < 500
    with db.session_scope(migrated, write=False) as session:
        assert session.exec(select(CouncilTerm)).all() == []


def test_a_nul_character_is_refused_in_writes_and_in_searches(migrated):
    from core.errors import ValidationFailed
    from core.models import MemberUnit

    with pytest.raises(ValidationFailed) as refused, db.session_scope(migrated, write=False) as session:
        session.exec(select(MemberUnit).where(MemberUnit.name.icontains("机械\x00"))).all()
    assert refused.value.key == "common.bad_characters"

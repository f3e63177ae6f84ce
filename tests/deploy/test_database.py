"""PostgreSQL as the replicas use it: pools sized by configuration and oversubscribed without a
failure, a write cut off half-way leaves nothing, and a restarted server is got over by itself."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from core import db
from core.auth import acting_as
from core.config import load_settings
from core.group import member_exchange
from core.models import AuditLog, ImportBatch, MemberUnit
from tests.conftest import PG_SERVERS, _reset_postgres, make_user, wait_until
from tests.deploy.cluster import UNIT_FILE, env_file

FILES = Path(__file__).resolve().parent.parent / "files"
REPLICAS = 2  # the deployment the tests run: tests/deploy/cluster.py


@pytest.fixture
def pg(pg_url):
    _reset_postgres(pg_url)
    engine = db.make_engine(pg_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def _deployed_pool(monkeypatch) -> tuple[int, int, float]:
    for key in ("DB_POOL_SIZE", "DB_MAX_OVERFLOW", "DB_POOL_TIMEOUT"):
        monkeypatch.setenv(key, env_file()[key])
    settings = load_settings()
    return settings.db_pool_size, settings.db_max_overflow, settings.db_pool_timeout


def test_pool_size_comes_from_configuration(monkeypatch, pg_url):
    monkeypatch.setenv("DB_POOL_SIZE", "3")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "2")
    settings = load_settings()
    engine = db.make_engine(pg_url, pool_size=settings.db_pool_size,
                            max_overflow=settings.db_max_overflow)
    assert (engine.pool.size(), engine.pool._max_overflow) == (3, 2)
    assert engine.pool._pre_ping
    engine.dispose()


def test_every_replicas_pool_together_stays_under_max_connections(monkeypatch, pg):
    pool_size, overflow, _ = _deployed_pool(monkeypatch)
    with pg.connect() as conn:
        max_connections = int(conn.exec_driver_sql("SHOW max_connections").scalar())
        reserved = int(conn.exec_driver_sql("SHOW superuser_reserved_connections").scalar())
    # what replica.env promises: 10 left over for administrators, backups and the CLI
    assert REPLICAS * (pool_size + overflow) <= max_connections - reserved - 10


def test_more_sessions_than_the_pool_all_succeed_and_never_exceed_it(monkeypatch, pg_url, pg):
    pool_size, overflow, timeout = _deployed_pool(monkeypatch)
    engine = db.make_engine(pg_url, pool_size=pool_size, max_overflow=overflow,
                            pool_timeout=timeout)
    sessions = 4 * (pool_size + overflow)
    failures, peak, lock = [], [0], threading.Lock()

    def work() -> None:
        try:
            with db.session_scope(engine, write=False) as session:
                session.exec(sa.text("SELECT pg_sleep(0.2)")).all()
                with lock:
                    peak[0] = max(peak[0], engine.pool.checkedout())
        except Exception as error:  # noqa: BLE001  (any failure fails the test below)
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert peak[0] == pool_size + overflow  # every connection used, none beyond
    engine.dispose()


def test_a_write_cut_off_half_way_leaves_nothing(pg):
    """The connection dies between the first and the second unit of an import: nothing of it
    (no unit, no import batch, no audit entry) is in the database afterwards."""
    content = (FILES / "real" / "members_libreoffice.xlsx").read_bytes()
    with db.session_scope(pg) as session:
        secretariat = acting_as(make_user(session, role="secretariat"))
    with db.session_scope(pg, write=False) as session:
        plan = member_exchange.plan(session, secretariat, content, "members.xlsx")
    assert len(plan.adds) == 3
    before = _counts(pg)

    inserts = []

    def cut_off(conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO MEMBER_UNIT"):
            inserts.append(statement)
            if len(inserts) == 2:  # the first unit is written: now the server ends this backend
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                killer = sa.create_engine(pg.url, isolation_level="AUTOCOMMIT")
                with killer.connect() as other:
                    other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
                killer.dispose()

    sa.event.listen(pg, "before_cursor_execute", cut_off)
    try:
        with pytest.raises(sa.exc.OperationalError) as failed, db.session_scope(pg) as session:
            member_exchange.commit(session, secretariat, plan)
    finally:
        sa.event.remove(pg, "before_cursor_execute", cut_off)
    assert db.is_unavailable(failed.value)
    assert len(inserts) >= 2
    assert _counts(pg) == before  # the pool's next connection sees nothing of the import


def _counts(engine) -> tuple[int, int, int]:
    with db.session_scope(engine, write=False) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (MemberUnit, ImportBatch, AuditLog))


def test_a_restarted_server_is_got_over_by_the_next_use(pg_url, pg):
    """Pre-ping: connections the restart broke are replaced on checkout; while the server is
    down the failure is recognised as "unavailable" (what the app shows as retrying)."""
    server = PG_SERVERS[pg_url]
    engine = db.make_engine(pg_url, pool_size=2, max_overflow=0)
    with db.session_scope(engine, write=False) as session:
        assert session.exec(sa.text("SELECT 1")).one() == (1,)
    server.stop()
    try:
        with pytest.raises(sa.exc.DBAPIError) as down, db.session_scope(engine, write=False) as session:
            session.exec(sa.text("SELECT 1")).all()
        assert db.is_unavailable(down.value)
    finally:
        server.start()
    with db.session_scope(engine, write=False) as session:  # no dispose, no restart of the app
        assert session.exec(sa.text("SELECT 1")).one() == (1,)
    engine.dispose()


def test_the_unit_file_runs_the_app_with_the_shared_environment():
    text = UNIT_FILE.read_text()
    assert "EnvironmentFile=/etc/zjjt-platform/replica.env" in text
    assert "streamlit run app.py --server.port %i" in text


def test_a_backup_taken_during_writes_restores_into_a_fresh_database_losing_nothing_before_it(
        pg_url, pg, tmp_path):
    """The nightly `python -m core backup` while people write: restored into a fresh PostgreSQL
    database, it holds every topic committed before the backup began, and no post without its
    topic (one moment, not a mix)."""
    import subprocess
    import sys

    from core.auth import acting_as
    from core.messages import boards
    from core.models import Post, Topic
    from tests.deploy.cluster import ROOT

    with db.session_scope(pg) as session:
        make_user(session, role="admin")  # the CLI's backup writes the workbook as an admin
        author = acting_as(make_user(session, role="council"))
    committed: list[int] = []
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            with db.session_scope(pg) as session:
                topic = boards.new_topic(session, author, board="general", title=f"备份中写入{n}",
                                         body="首帖")
            committed.append(topic.id)  # after its commit
            with db.session_scope(pg) as session:
                boards.reply(session, author, topic.id, "回复")
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert wait_until(lambda: len(committed) >= 10)
        before = set(committed)  # every one of these was committed before the backup began
        done = subprocess.run([sys.executable, "-m", "core", "backup", str(tmp_path / "backups"),
                               "--database-url", pg_url, "--json"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        writer.join()
    assert len(committed) > len(before)  # the writes went on while the backup ran
    backup_file = json.loads(done.stdout)["file"]

    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql('DROP DATABASE IF EXISTS "restored" WITH (FORCE)')
        conn.exec_driver_sql('CREATE DATABASE "restored"')
    fresh_url = sa.make_url(pg_url).set(database="restored").render_as_string(hide_password=False)
    try:
        done = subprocess.run([sys.executable, "-m", "core", "restore", backup_file, "--yes",
                               "--database-url", fresh_url], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        fresh = db.make_engine(fresh_url)
        with db.session_scope(fresh, write=False) as session:
            topics = set(session.exec(select(Topic.id)).all())
            post_topics = set(session.exec(select(Post.topic_id)).all())
        fresh.dispose()
        assert before <= topics
        assert post_topics == topics  # every topic has its first post; no post lost its topic
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql('DROP DATABASE IF EXISTS "restored" WITH (FORCE)')
        admin.dispose()

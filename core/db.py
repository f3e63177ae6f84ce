"""Engine, migrations and transactions.

SQLite is the embedded default: WAL so readers never block the writer, a busy timeout, foreign
keys on, and every write transaction opened with BEGIN IMMEDIATE so that two writers queue for
the lock instead of failing half way with "database is locked". PostgreSQL runs the same code.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from core import db_guards
from core.errors import UserFacingError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30


class StaleEditError(UserFacingError):
    """Someone else saved the row after it was read: the edit is refused, nothing written."""

    def __init__(self) -> None:
        super().__init__("common.stale_edit")


class DatabaseError(UserFacingError):
    """The database cannot be used (unreachable, or written by a newer version)."""


def is_unavailable(error: BaseException) -> bool:
    """The database could not be reached (down, restarting, connection lost), as opposed to
    a statement the database refused."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError,
                              sa.exc.TimeoutError)) and not _is_sqlite_error(error)


def _is_sqlite_error(error: BaseException) -> bool:
    orig = getattr(error, "orig", None)
    return type(orig).__module__.startswith("sqlite3")


def _normalise_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which we do not ship; psycopg 3 is the driver.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5,
                pool_timeout: float = 30.0) -> Engine:
    """An engine for the URL. On PostgreSQL a pool of at most pool_size + max_overflow
    connections (a caller beyond that waits up to pool_timeout seconds for one), each checked
    before use (pre-ping), so a restarted server costs one failed ping, never an error."""
    url = _normalise_url(url)
    if not url.startswith("sqlite"):
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=pool_size,
                                  max_overflow=max_overflow, pool_timeout=pool_timeout,
                                  connect_args={"connect_timeout": 10})
        db_guards.install(engine)
        return engine
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    if not in_memory:
        db_path = Path(sa.engine.make_url(url).database or "")
        db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        poolclass=StaticPool if in_memory else None,
    )
    _configure_sqlite(engine, wal=not in_memory)
    db_guards.install(engine)
    return engine


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the driver, open transactions, so the "begin" hook decides how.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    Read-only scopes on SQLite begin DEFERRED so readers never wait for the write lock; they
    end with close() (not rollback, which would expire the rows handed back to the caller).
    """
    bind = engine if write else engine.execution_options(sqlite_begin="DEFERRED")
    session = Session(bind=bind, expire_on_commit=False)
    try:
        yield session
        if write:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def update_versioned(session: Session, model, row_id, expected_version: int, values: dict) -> None:
    """UPDATE ... WHERE id = :id AND version = :expected, bumping the version.

    Raises StaleEditError when no row matched: someone else saved first (or the row is gone).
    """
    stmt = (
        sa.update(model)
        .where(model.id == row_id, model.version == expected_version)
        .values(**values, version=expected_version + 1)
        # keep a row already loaded in this session in step with what was written
        .execution_options(synchronize_session="fetch")
    )
    if session.execute(stmt).rowcount != 1:
        raise StaleEditError()


# ---------------------------------------------------------------- migrations
def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # the driver's own error says little to a user
        raise DatabaseError("db.unreachable", url=engine.url.render_as_string(hide_password=True),
                            detail=str(exc).splitlines()[0]) from exc


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Bring the schema to `revision`; refuse a database written by a newer version of the app."""
    check_reachable(engine)
    current = current_revision(engine)
    script = ScriptDirectory.from_config(alembic_config())
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise DatabaseError("db.schema_too_new", current=current, head=script.get_current_head())
    command.upgrade(alembic_config(engine), revision)
    return current_revision(engine) or ""

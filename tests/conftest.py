"""Shared fixtures: in-memory engines, small factories, a seeded demo database, PostgreSQL."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

# Before anything reads the configuration: fast hashes, no developer secrets, a fixed key.
os.environ["BCRYPT_ROUNDS"] = "4"
os.environ["PLATFORM_SECRETS_FILE"] = "/nonexistent/secrets.toml"
os.environ["COOKIE_KEY"] = "test-cookie-key-" + "x" * 40
os.environ["DEMO"] = "1"
os.environ.pop("DATABASE_URL", None)

from sqlmodel import Session, SQLModel  # noqa: E402

from core import db  # noqa: E402
from core.auth import hash_password  # noqa: E402
from core.credit_code import make as make_credit_code  # noqa: E402
from core.demo import seed_demo  # noqa: E402
from core.models import Indicator, MemberUnit, User  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- unit-test database
@pytest.fixture
def engine():
    engine = db.make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


_counter = iter(range(1, 10**9))


def make_member(session: Session, **fields) -> MemberUnit:
    n = next(_counter)
    values = dict(credit_code=make_credit_code("91", "370100", f"{n:08d}"),
                  name=f"测试单位{n}", unit_type="enterprise", city="济南市")
    values.update(fields)
    unit = MemberUnit(**values)
    session.add(unit)
    session.flush()
    return unit


def make_user(session: Session, *, role: str = "secretariat", password: str = "correct-horse",
              **fields) -> User:
    n = next(_counter)
    if role == "member" and "member_id" not in fields:
        fields["member_id"] = make_member(session).id
    values = dict(username=f"user{n}", display_name=f"用户{n}", role=role,
                  password_hash=hash_password(password, rounds=4))
    values.update(fields)
    user = User(**values)
    session.add(user)
    session.flush()
    return user


def make_indicator(session: Session, code: str, *, reporters=("school",), formula="", lo=0.0, hi=1000.0, **fields):
    row = Indicator(code=code, name_zh=f"指标{code}", name_en=f"Indicator {code}",
                    reporter_types=list(reporters) if not formula else [], formula=formula,
                    min_value=lo, max_value=hi, **fields)
    session.add(row)
    session.flush()
    return row


# ---------------------------------------------------------------- a seeded demo database file
@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, rounds=4)
    engine.dispose()
    return path


@pytest.fixture
def demo_db_url(demo_db_template, tmp_path, monkeypatch) -> str:
    """A fresh copy of the demo database for one test, set as DATABASE_URL."""
    path = tmp_path / "platform.db"
    shutil.copy(demo_db_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


# ---------------------------------------------------------------- PostgreSQL, started here
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and pg_ctl refuse to run as root; CI and these machines run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class PgServer:
    """The test server behind a pg_url, for the fault tests (tests/deploy): stop and start it
    again on the same port and data, as a restart of the database server."""

    def __init__(self, pg_ctl: str, datadir: Path, workdir: Path, port: int) -> None:
        self.pg_ctl, self.datadir, self.workdir, self.port = pg_ctl, datadir, workdir, port

    def stop(self) -> None:
        subprocess.run(_as_postgres([self.pg_ctl, "-D", str(self.datadir), "-m", "fast", "-w",
                                     "stop"]), check=True, capture_output=True)

    def start(self) -> None:
        subprocess.run(_as_postgres([
            self.pg_ctl, "-D", str(self.datadir), "-l", str(self.workdir / "log"), "-w", "-o",
            f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1", "start"]),
            check=True, capture_output=True)


PG_SERVERS: dict[str, PgServer] = {}  # pg_url -> its server


@pytest.fixture(scope="session")
def pg_url():
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL (initdb, pg_ctl) is required in CI")
        pytest.skip("PostgreSQL is not installed")
    workdir = Path(tempfile.mkdtemp(prefix="pgtest-"))
    datadir = workdir / "data"
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    port = free_port()
    subprocess.run(_as_postgres([initdb, "-D", str(datadir), "-A", "trust", "-U", "postgres",
                                 "-E", "UTF8", "--locale=C"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([pg_ctl, "-D", str(datadir), "-l", str(workdir / "log"), "-w",
                                 "-o", f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1",
                                 "start"]), check=True, capture_output=True)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    PG_SERVERS[url] = PgServer(pg_ctl, datadir, workdir, port)
    try:
        yield url
    finally:
        PG_SERVERS.pop(url, None)
        subprocess.run(_as_postgres([pg_ctl, "-D", str(datadir), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture
def pg_engine(pg_url):
    """An empty PostgreSQL database at the newest schema, for data-layer tests on PostgreSQL
    (concurrency, snapshots, races)."""
    from core import db

    _reset_postgres(pg_url)
    engine = db.make_engine(pg_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path) -> str:
    """An empty database of each kind the platform runs on (data-layer tests run on both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'platform.db'}"
    url = request.getfixturevalue("pg_url")
    _reset_postgres(url)
    return url


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False

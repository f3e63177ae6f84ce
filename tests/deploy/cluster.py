"""The deployment of deploy/ on this machine: one PostgreSQL database, replicas started as the
systemd unit starts them (its ExecStart, its EnvironmentFile), and nginx from the rendered site
config in front, on free loopback ports. Used by tests/deploy and bench/load_bench.py.

The steps are the README's "Deploying on PostgreSQL with several replicas", in the same order.
"""
from __future__ import annotations

import configparser
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNIT_FILE = DEPLOY / "zjjt-platform@.service"
ENV_FILE = DEPLOY / "replica.env"
sys.path.insert(0, str(DEPLOY))
import nginx_site

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
PASSWORD = "deploy-test-pass-1"
# The accounts the tests and the bench log in with (created with the CLI, as an admin would).
ACCOUNTS = {"sec1": "secretariat", "sec2": "secretariat", "council1": "council",
            "council2": "council", "lockme": "council", "gone": "secretariat"}
# What the test deployment puts where replica.env says change-me.
TEST_SECRETS = {"COOKIE_KEY": "deploy-test-cookie-key-" + "k" * 40,
                "STREAMLIT_SERVER_COOKIE_SECRET": "deploy-test-streamlit-secret-" + "s" * 30,
                "ADMIN_PASSWORD": "deploy-admin-pass-1"}


def env_file(path: Path = ENV_FILE) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments and blanks skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def unit_service(path: Path = UNIT_FILE) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser["Service"]


def replica_command(port: int) -> list[str]:
    """The unit's ExecStart for instance `port`, with this checkout's Python for the venv's."""
    command = shlex.split(unit_service()["ExecStart"].replace("%i", str(port)))
    assert command[0].endswith("/python"), command[0]
    return [sys.executable, *command[1:]]


def replica_env(database_url: str) -> dict[str, str]:
    """The environment a replica gets: replica.env with its change-me values filled in."""
    values = env_file()
    values.update(TEST_SECRETS)
    values["DATABASE_URL"] = database_url
    values["BCRYPT_ROUNDS"] = "4"  # fast hashes for the tests; not part of a deployment
    return {**os.environ, **values}


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Cluster:
    """PostgreSQL database `database` on the server at `pg_url`, `replicas` app processes and
    nginx in front. `url` is nginx's; `replica_urls` the replicas' own."""

    def __init__(self, pg_url: str, workdir: Path, *, replicas: int = 2,
                 database: str = "platform_deploy", env: dict[str, str] | None = None,
                 accounts: dict[str, str] = ACCOUNTS) -> None:
        self.pg_url, self.workdir, self.database = pg_url, Path(workdir), database
        self.database_url = str(sa.make_url(pg_url).set(database=database)
                                .render_as_string(hide_password=False))
        self.ports = [free_port() for _ in range(replicas)]
        self.replica_urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.processes: list[subprocess.Popen | None] = [None] * replicas
        self.extra_env = env or {}
        self.accounts = accounts
        self.nginx: subprocess.Popen | None = None
        self.nginx_port = free_port()
        self.url = f"http://127.0.0.1:{self.nginx_port}"
        self.logs = self.workdir / "logs"
        self._routes: dict[int, str] = {}

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> Cluster:
        try:
            self.create_database()
            self.initialise()
            with ThreadPoolExecutor(len(self.ports)) as pool:
                list(pool.map(self.start_replica, range(len(self.ports))))
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.nginx is not None:
            _end(self.nginx)
            self.nginx = None
        for index in range(len(self.ports)):
            self.stop_replica(index)
        self.drop_database()

    # ------------------------------------------------------------ database
    def _admin_engine(self):
        return sa.create_engine(self.pg_url, isolation_level="AUTOCOMMIT")

    def create_database(self) -> None:
        engine = self._admin_engine()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{self.database}"')
        engine.dispose()

    def drop_database(self) -> None:
        try:
            engine = self._admin_engine()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            engine.dispose()
        except sa.exc.OperationalError:
            pass  # the server is already gone

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """`python -m core ...` with a replica's environment (README, deployment step 2)."""
        done = subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, input=stdin,
                              env={**replica_env(self.database_url), **self.extra_env},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done

    def initialise(self) -> None:
        self.cli("db", "init")
        for username, role in self.accounts.items():
            self.cli("user", "add", username, "--role", role, "--name", username,
                     "--password-stdin", "--no-force-change", stdin=PASSWORD + "\n")

    # ------------------------------------------------------------ replicas
    def start_replica(self, index: int) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        port = self.ports[index]
        service = unit_service()
        assert service["WorkingDirectory"] and service["EnvironmentFile"]
        log = (self.logs / f"replica{index}.log").open("a")
        self.processes[index] = subprocess.Popen(
            replica_command(port), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**replica_env(self.database_url), **self.extra_env}, start_new_session=True)
        log.close()
        url = self.replica_urls[index]
        if not wait_until(lambda: _healthy(url) or self.processes[index].poll() is not None,
                          timeout=90) or not _healthy(url):
            raise RuntimeError(f"replica {index} did not start: "
                               f"{(self.logs / f'replica{index}.log').read_text()[-3000:]}")

    def stop_replica(self, index: int) -> None:
        process = self.processes[index]
        if process is not None:
            _end(process)
            self.processes[index] = None

    def kill_replica(self, index: int) -> None:
        """As a crash or an OOM kill: SIGKILL, no goodbye to the browsers."""
        process = self.processes[index]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.processes[index] = None

    def pid(self, index: int) -> int:
        return self.processes[index].pid

    # ------------------------------------------------------------ nginx
    def start_nginx(self) -> None:
        prefix = self.workdir / "nginx"
        for sub in ("logs", "temp"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(prefix / sub, 0o777)
        site = nginx_site.render(f"127.0.0.1:{self.nginx_port}",
                                 [f"127.0.0.1:{port}" for port in self.ports],
                                 str(prefix / "logs"))
        (prefix / "platform.conf").write_text(site)
        temp = prefix / "temp"
        # The main config a Debian nginx.conf would be, less the system paths: the site is
        # included unchanged, as /etc/nginx/sites-enabled/ includes it.
        (prefix / "nginx.conf").write_text(f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include /etc/nginx/mime.types;
    include {prefix}/platform.conf;
}}
""")
        log = (prefix / "logs" / "nginx.out").open("w")
        self.nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                       "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        log.close()
        if not wait_until(lambda: _listening(self.nginx_port) or self.nginx.poll() is not None,
                          timeout=20) or self.nginx.poll() is not None:
            raise RuntimeError(f"nginx did not start: {(prefix / 'logs' / 'nginx.out').read_text()}"
                               f"{(prefix / 'logs' / 'error.log').read_text()}")

    @property
    def access_log(self) -> Path:
        return self.workdir / "nginx" / "logs" / "platform.access.log"

    def upstreams(self, route: str, path: str = "/_stcore/stream") -> list[str]:
        """The replicas (host:port) nginx sent requests for `path` of this route to, in order."""
        found = []
        for line in self.access_log.read_text().splitlines():
            if f" {path}" in line and f"route={route} " in line:
                # "a, b" when nginx tried a then b; "-" when none was reached
                match = re.search(r"upstream=(.*?) rt=", line)
                found.append(match.group(1).split(",")[-1].strip())
        return found

    def route_to(self, index: int) -> str:
        """A value of the zjjt_route cookie that nginx sends to replica `index`."""
        if index in self._routes:
            return self._routes[index]
        target = f"127.0.0.1:{self.ports[index]}"
        for n in range(200):
            route = f"test-route-{n}"
            request = urllib.request.Request(f"{self.url}/_stcore/health",
                                             headers={"Cookie": f"zjjt_route={route}"})
            with urllib.request.urlopen(request, timeout=5):
                pass
            time.sleep(0.05)
            if self.upstreams(route, "/_stcore/health")[-1:] == [target]:
                self._routes[index] = route
                return route
        raise RuntimeError(f"no route found to replica {index}")

    def connections(self) -> int:
        """Connections the replicas hold to the platform's database right now."""
        engine = self._admin_engine()
        with engine.connect() as conn:
            count = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.database,)).scalar()
        engine.dispose()
        return count


def _end(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

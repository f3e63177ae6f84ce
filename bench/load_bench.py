"""How many people a replica serves: N concurrent sessions against the app, as browsers drive it.

    python bench/load_bench.py [--levels 1,5,10,20,40] [--think 7] [--min-views 30] [--json]

Builds what tests/deploy runs (PostgreSQL in a temp dir, the demo group, two replicas started
as deploy/zjjt-platform@.service starts them, nginx from deploy/nginx-site.conf), on loopback
only. Each session is a client that speaks Streamlit's own websocket protocol with the protobuf
messages that ship with streamlit (BackMsg out, ForwardMsg in), as the browser's frontend does:
it opens /login, fills the form and submits it (widget states), then walks the pages a council
member, a secretariat user or a liaison uses (home, plan, indicators, members, inbox, entry...),
reading each page before the next. Every time is from sending the action to the server's
"script finished" for it; a run that draws an exception counts as an error.

Think time (the reading between two pages) is TPC-W's, the standard web-shop benchmark's:
exponential with a mean of `--think` seconds (7), at most ten times the mean (70). A page is read
for 1 s or less one time in eight, for more than 14 s one time in seven: people click in bursts.
Each level walks as many rounds as it takes to measure at least `--min-views` page views, so
that p95 at 1 session is not the slowest page of a single walk.

Printed, in one run: p50/p95 per page view and per login, throughput, and each replica's peak
resident memory, at each level on one replica (connected directly), then on two replicas behind
nginx; the ratios p95 at 20 ÷ p95 at 1 (goal ≤ 3×) and throughput of two replicas ÷ one,
measured saturated (20 sessions, no think time; goal ≥ 1.7×); memory per idle session and after
the sessions close (a closed tab's session is kept `server.disconnectedSessionTTL` seconds; the
bench sets it to `--ttl`).

What the client does not do: fetch static files and media (nginx and the replica serve them
without running the script). A browser asks for no more runs than this client does: the
re-login cookie is written by a one-off script, with no component sending a value back.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402  (a dependency of streamlit)
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from core.demo import DEMO_PASSWORD  # noqa: E402
from core.i18n import translate  # noqa: E402
from tests.conftest import _as_postgres, _pg_bin, free_port  # noqa: E402
from tests.deploy.cluster import NGINX, Cluster  # noqa: E402

FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
ACTION_TIMEOUT_S = 120
WALKS = {  # the pages each kind of user opens, in order
    "demo-council": ["home", "plan", "indicators", "members", "inbox", "indicator_completeness"],
    "demo-secretariat": ["home", "members", "plan", "indicators", "indicator_review", "inbox"],
    "demo-member": ["home", "indicator_entry", "plan", "indicators", "members", "inbox"],
}


class ActionFailed(Exception):
    pass


@dataclass
class Stats:
    views: list[float] = field(default_factory=list)
    logins: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Client:
    """One browser tab: a websocket session on the app, driven by BackMsg rerun requests."""

    def __init__(self, base_url: str, route: str | None = None) -> None:
        self.base = base_url
        self.route = route
        self.pages: dict[str, str] = {}      # url path -> page script hash
        self.inputs: dict[str, str] = {}     # label -> widget id (text inputs)
        self.submit: str | None = None       # the form's submit button
        self.current = ""                    # the page on screen (a widget's run is its page's)
        self.exceptions = 0
        self._finished: asyncio.Queue = asyncio.Queue()

    async def connect(self) -> None:
        headers = {"Origin": self.base}
        if self.route:
            headers["Cookie"] = f"zjjt_route={self.route}"
        self.ws = await websockets.connect(
            self.base.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
            additional_headers=headers, max_size=None, open_timeout=60, ping_interval=None)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "delta":
                    self._element(msg.delta)
                elif kind == "navigation":
                    # the role's default page (home) is served at "/": its url path is ""
                    self.pages = {page.url_pathname or "home": page.page_script_hash
                                  for page in msg.navigation.app_pages}
                    self.current = msg.navigation.page_script_hash
                elif kind == "script_finished":
                    self._finished.put_nowait(msg.script_finished)
        except websockets.ConnectionClosed:
            pass

    def _element(self, delta) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        which = element.WhichOneof("type")
        if which == "text_input":
            self.inputs[element.text_input.label] = element.text_input.id
        elif which == "button" and element.button.is_form_submitter:
            self.submit = element.button.id
        elif which == "exception":
            self.exceptions += 1

    async def run(self, *, page: str | None = None, widgets: dict | None = None) -> float:
        """Ask for a run (a page opened, a form submitted); seconds until it has finished."""
        message = BackMsg()
        state = message.rerun_script
        if page is not None:
            if page in self.pages:
                state.page_script_hash = self.pages[page]
            else:
                state.page_name = page  # the first run of a session: the URL's page
        else:
            state.page_script_hash = self.current
        state.context_info.timezone = "Asia/Shanghai"
        state.context_info.locale = "zh-CN"
        state.context_info.url = f"{self.base}/{page or ''}"
        for widget_id, value in (widgets or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if value is True:
                widget.trigger_value = True
            else:
                widget.string_value = value
        while not self._finished.empty():
            self._finished.get_nowait()
        self.exceptions = 0
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        while True:  # a run cut short for a rerun (login -> home) is followed by the real one
            finished = await asyncio.wait_for(self._finished.get(), ACTION_TIMEOUT_S)
            if finished == FINISHED:
                break
        elapsed = time.perf_counter() - started
        if self.exceptions:
            raise ActionFailed(f"{page}: exception drawn")
        return elapsed

    async def log_in(self, username: str, password: str) -> float:
        await self.run(page="login")
        user_id = self.inputs.get(translate("login.username", "zh"))
        password_id = self.inputs.get(translate("login.password", "zh"))
        if not (user_id and password_id and self.submit):
            raise ActionFailed("no login form")
        seconds = await self.run(widgets={user_id: username, password_id: password,
                                          self.submit: True})
        if "members" not in self.pages:  # the navigation of a logged-in role
            raise ActionFailed(f"{username}: not logged in")
        return seconds


async def _session(base: str, route: str | None, username: str, think: float, rounds: int,
                   stats: Stats, rng: random.Random, stay: asyncio.Event | None = None) -> None:
    client = Client(base, route)
    try:
        await client.connect()
        stats.logins.append(await client.log_in(username, DEMO_PASSWORD))
        for _ in range(rounds):
            for page in WALKS[username]:
                if think:
                    await asyncio.sleep(think_time(think, rng))
                stats.views.append(await client.run(page=page))
        if stay is not None:  # idle, connected, until told to go
            await stay.wait()
    except (ActionFailed, asyncio.TimeoutError, OSError, websockets.WebSocketException) as error:
        stats.errors.append(f"{username}: {type(error).__name__} {error}")
    finally:
        if hasattr(client, "ws"):
            await client.close()


def think_time(mean: float, rng: random.Random) -> float:
    """TPC-W's think time: exponential with this mean, cut at ten times the mean."""
    return min(10 * mean, rng.expovariate(1 / mean))


def rounds_for(sessions: int, min_views: int, least: int = 1) -> int:
    """Walks per session so that a level measures at least `min_views` page views."""
    return max(least, math.ceil(min_views / (len(WALKS["demo-council"]) * sessions)))


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemoryWatch:
    """Samples the replicas' resident memory every 0.2 s (peak per replica) and the database
    connections they hold every second (peak)."""

    def __init__(self, pids: list[int], cluster: Cluster) -> None:
        self.pids, self.peak, self.cluster = pids, [0.0] * len(pids), cluster
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        tick = 0
        while not self._stop.is_set():
            for index, pid in enumerate(self.pids):
                self.peak[index] = max(self.peak[index], _rss_mb(pid))
            if tick % 5 == 0:
                self.connections = max(self.connections, self.cluster.connections())
            tick += 1
            self._stop.wait(0.2)

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_level(targets: list[tuple[str, str | None]], sessions: int, think: float, rounds: int,
              pids: list[int], seed: int, cluster: Cluster) -> dict:
    stats, rng = Stats(), random.Random(seed)
    users = list(WALKS)

    async def main() -> None:
        tasks = []
        for n in range(sessions):
            base, route = targets[n % len(targets)]
            tasks.append(_session(base, route, users[n % len(users)], think, rounds, stats,
                                  random.Random(rng.random())))
        await asyncio.gather(*tasks)

    cpu_before = [_cpu_seconds(pid) for pid in pids]
    with MemoryWatch(pids, cluster) as memory:
        started = time.perf_counter()
        asyncio.run(main())
        wall = time.perf_counter() - started
    cpu = [_cpu_seconds(pid) - before for pid, before in zip(pids, cpu_before)]
    return {"sessions": sessions, "views": len(stats.views), "errors": stats.errors,
            "p50": _pct(stats.views, 0.50), "p95": _pct(stats.views, 0.95),
            "login_p50": _pct(stats.logins, 0.50), "login_p95": _pct(stats.logins, 0.95),
            "throughput": len(stats.views) / wall, "wall": wall, "peak_mb": memory.peak,
            "connections": memory.connections, "cpu": cpu,
            "cpu_per_view": sum(cpu) / max(1, len(stats.views) + len(stats.logins)),
            "busy": [seconds / wall for seconds in cpu]}


def idle_memory(base: str, pid: int, sessions: int, ttl: float) -> dict:
    """Resident memory with `sessions` logged-in idle sessions, right after they close, and
    after the disconnected-session TTL has passed."""
    stats = Stats()
    before = _rss_mb(pid)
    measured = {}

    async def main() -> None:
        stay = asyncio.Event()
        tasks = [asyncio.create_task(_session(base, None, list(WALKS)[n % 3], 0, 0, stats,
                                              random.Random(n), stay)) for n in range(sessions)]
        while len(stats.logins) + len(stats.errors) < sessions:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        measured["idle"] = _rss_mb(pid)
        stay.set()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    time.sleep(2)
    closed = _rss_mb(pid)
    time.sleep(ttl + 5)
    expired = _rss_mb(pid)
    return {"before": before, "idle": measured["idle"], "closed": closed, "expired": expired,
            "per_session": (measured["idle"] - before) / sessions, "errors": stats.errors}


class Postgres:
    """A throwaway PostgreSQL in a temp dir on a free port (as tests/conftest.py's pg_url)."""

    def __enter__(self) -> str:
        initdb, self.pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if not (initdb and self.pg_ctl):
            sys.exit("PostgreSQL (initdb, pg_ctl) is required")
        self.workdir = Path(tempfile.mkdtemp(prefix="pgbench-"))
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        self.datadir, port = self.workdir / "data", free_port()
        subprocess.run(_as_postgres([initdb, "-D", str(self.datadir), "-A", "trust", "-U",
                                     "postgres", "-E", "UTF8", "--locale=C"]),
                       check=True, capture_output=True)
        subprocess.run(_as_postgres([self.pg_ctl, "-D", str(self.datadir), "-l",
                                     str(self.workdir / "log"), "-w", "-o",
                                     f"-p {port} -k {self.workdir} -c listen_addresses=127.0.0.1",
                                     "start"]), check=True, capture_output=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def __exit__(self, *exc) -> None:
        subprocess.run(_as_postgres([self.pg_ctl, "-D", str(self.datadir), "-m", "immediate",
                                     "stop"]), capture_output=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,5,10,20,40")
    parser.add_argument("--think", type=float, default=7.0,
                        help="mean seconds between pages (exponential, TPC-W; 0: none)")
    parser.add_argument("--rounds", type=int, default=1, help="walks per session, at least")
    parser.add_argument("--min-views", type=int, default=30, help="page views measured per level, at least")
    parser.add_argument("--saturate", type=int, default=20, help="sessions of the throughput run")
    parser.add_argument("--ttl", type=float, default=20.0,
                        help="server.disconnectedSessionTTL for the bench (seconds)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not shutil.which(NGINX):
        sys.exit("nginx is required (apt-get install nginx-light)")
    # a terminated bench still stops what it started (replicas, nginx, PostgreSQL)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    levels = [int(n) for n in args.levels.split(",")]
    env = {"DEMO": "1", "BCRYPT_ROUNDS": "12",  # the demo group; production's hashing cost
           "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(int(args.ttl))}
    result: dict = {"levels": levels, "think": args.think, "rounds": args.rounds,
                    "load_before": os.getloadavg()[0]}
    with Postgres() as pg_url, tempfile.TemporaryDirectory(prefix="loadbench-") as workdir:
        with Cluster(pg_url, Path(workdir), env=env, accounts={}) as cluster:
            pids = [cluster.pid(0), cluster.pid(1)]
            one = [(cluster.replica_urls[0], None)]
            two = [(cluster.url, cluster.route_to(0)), (cluster.url, cluster.route_to(1))]
            # warm-up (imports, first connections), then idle memory on replica 2 before any load
            run_level(one, 3, 0, 1, pids, 0, cluster)
            run_level([(cluster.replica_urls[1], None)], 1, 0, 1, pids, 0, cluster)
            result["idle"] = idle_memory(cluster.replica_urls[1], pids[1], max(levels), args.ttl)
            for name, targets in (("one", one), ("two", two)):
                result[name] = [run_level(targets, n, args.think,
                                          rounds_for(n, args.min_views, args.rounds), pids, n, cluster)
                                for n in levels]
                result[f"{name}_saturated"] = run_level(targets, args.saturate, 0, 2, pids, 99,
                                                        cluster)
    _report(result, args)
    return 0


def _report(result: dict, args) -> None:
    if args.json:
        print(json.dumps(result, indent=1, default=str))
        return
    print(f"load bench: {len(WALKS['demo-council'])} pages a walk, at least {args.min_views} views a "
          f"level; think time exponential, mean {args.think:g} s (TPC-W); times from action to "
          f"script finished (ms); machine load average before: {result['load_before']:.1f} "
          f"on {os.cpu_count()} cores\n")
    head = (f"{'replicas':>8} {'sessions':>8} {'views':>6} {'p50':>7} {'p95':>7} {'login p50':>9} "
            f"{'login p95':>9} {'views/s':>7} {'CPU/view':>8} {'peak MB (r1, r2)':>17} {'db conns':>8} "
            f"{'errors':>6}")
    print(head)
    print("-" * len(head))
    for name, replicas in (("one", 1), ("two", 2)):
        for row in result[name] + [dict(result[f"{name}_saturated"], sessions="sat")]:
            peak = ", ".join(f"{mb:.0f}" for mb in row["peak_mb"])
            print(f"{replicas:>8} {row['sessions']:>8} {row['views']:>6} {row['p50'] * 1000:>7.0f} "
                  f"{row['p95'] * 1000:>7.0f} {row['login_p50'] * 1000:>9.0f} "
                  f"{row['login_p95'] * 1000:>9.0f} {row['throughput']:>7.2f} "
                  f"{row['cpu_per_view'] * 1000:>8.0f} {peak:>17} "
                  f"{row['connections']:>8} {len(row['errors']):>6}")
    by_n = {row["sessions"]: row for row in result["one"]}
    print("(sat: saturated, no think time; CPU/view: the replicas' CPU ms per page view or login; "
          "db conns: peak connections both replicas held)\n")
    if 1 in by_n and 20 in by_n:
        print(f"p95 at 20 sessions / p95 at 1 (one replica): "
              f"{by_n[20]['p95'] / by_n[1]['p95']:.2f}x  (goal <= 3x)")
    two_by_n = {row["sessions"]: row for row in result["two"]}
    if 1 in two_by_n and 20 in two_by_n:
        print(f"p95 at 20 sessions / p95 at 1 (two replicas): "
              f"{two_by_n[20]['p95'] / two_by_n[1]['p95']:.2f}x")
    sat1, sat2 = result["one_saturated"], result["two_saturated"]
    print(f"throughput saturated ({args.saturate} sessions, no think time): one replica "
          f"{sat1['throughput']:.2f} views/s, two behind nginx {sat2['throughput']:.2f} views/s: "
          f"{sat2['throughput'] / max(sat1['throughput'], 1e-9):.2f}x  (goal >= 1.7x)")
    busy1 = ", ".join(f"{share:.0%}" for share in sat1["busy"])
    busy2 = ", ".join(f"{share:.0%}" for share in sat2["busy"])
    print(f"what limits it: each page view costs a replica {sat1['cpu_per_view'] * 1000:.0f} ms of CPU "
          f"(rendering in Python; {sat1['connections']} database connections at most); saturated, "
          f"the replicas were busy {busy1} of a core (one replica) and {busy2} (two): a replica "
          f"runs its sessions' scripts under one interpreter lock, so one replica uses one core, "
          f"and two replicas share this machine's {os.cpu_count()} cores with PostgreSQL, nginx "
          f"and this client")
    idle = result["idle"]
    print(f"memory of a fresh replica: {idle['before']:.0f} MB before, {idle['idle']:.0f} MB with "
          f"{max(result['levels'])} idle logged-in sessions ({idle['per_session']:.1f} MB each), "
          f"{idle['closed']:.0f} MB right after they closed, {idle['expired']:.0f} MB after the "
          f"disconnected-session TTL ({args.ttl:g} s)")
    errors = [e for rows in (result["one"], result["two"]) for row in rows for e in row["errors"]]
    errors += sat1["errors"] + sat2["errors"] + idle["errors"]
    if errors:
        print(f"errors ({len(errors)}): " + "; ".join(errors[:5]))


if __name__ == "__main__":
    sys.exit(main())

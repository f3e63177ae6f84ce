"""How the indicator pages scale: a large group against the demo group, measured in one run.

    python bench/indicators_bench.py [--units 1000 --indicators 200 --years 10] [--keep DIR]

Builds the demo database and a large one (by default 1,000 units × 200 indicators × 10 years =
2,000,000 values, approved), renders the analysis and reporting-progress pages under AppTest as
the secretariat on each, and prints:
  - large ÷ demo render time per page (goal: under 3×);
  - large page time ÷ the bare SQL aggregate the page needs (the floor).
Times are medians of several renders after a warm-up; the machine is shared, so read ratios.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("COOKIE_KEY", "bench-cookie-key-" + "x" * 40)
os.environ["PLATFORM_SECRETS_FILE"] = "/nonexistent/secrets.toml"
os.environ["DEMO"] = "1"

from core import db  # noqa: E402
from core.credit_code import make as make_credit_code  # noqa: E402
from core.demo import seed_demo  # noqa: E402

TYPES = ("school", "enterprise", "research", "other")


def build_demo(path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, rounds=4)
    engine.dispose()


def grow(path: Path, *, units: int, indicators: int, years: int) -> int:
    """Turn a copy of the demo into a large group with raw bulk inserts (fast to build)."""
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    cur = conn.cursor()
    have_units = cur.execute("SELECT count(*) FROM member_unit").fetchone()[0]
    columns = [row[1] for row in cur.execute("PRAGMA table_info(member_unit)")]
    template = dict(zip(columns, cur.execute("SELECT * FROM member_unit WHERE is_lead = 0 LIMIT 1").fetchone()))
    for n in range(have_units, units):
        row = dict(template, id=None, credit_code=make_credit_code("91", "370100", f"{n:08d}"),
                   name=f"基准测试单位{n:04d}", short_name=f"基准{n}", unit_type=TYPES[n % len(TYPES)],
                   city=rng.choice(["济南市", "青岛市", "淄博市", "潍坊市", "烟台市"]),
                   joined_on="2010-01-01", exited_on=None, status="active", is_lead=0)
        cur.execute(f"INSERT INTO member_unit ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                    [row[c] for c in columns])
    have_indicators = cur.execute("SELECT count(*) FROM indicator").fetchone()[0]
    for n in range(have_indicators, indicators):
        cur.execute("INSERT INTO indicator (code, name_zh, name_en, unit_zh, unit_en, category, reporter_types,"
                    " aggregation, higher_is_better, min_value, max_value, decimals, formula, sort_order, active,"
                    " version) VALUES (?, ?, ?, '项', 'items', 'bench', ?, 'sum', 1, 0, 1e9, 0, '', ?, 1, 1)",
                    (f"B{n:03d}", f"基准指标{n}", f"Bench {n}", '["school", "enterprise", "research", "other"]',
                     1000 + n))
    member_ids = [r[0] for r in cur.execute("SELECT id FROM member_unit WHERE status != 'applicant'")][:units]
    indicator_ids = [r[0] for r in cur.execute("SELECT id FROM indicator WHERE formula = ''")][:indicators]
    cur.execute("DELETE FROM indicator_value")
    cur.execute("DELETE FROM submission")
    first = 2022 - years
    stamp = "2022-03-01 10:00:00.000000"
    for year in range(first, 2022):
        cur.executemany(
            "INSERT INTO indicator_value (member_id, indicator_id, year, value, comment, status, updated_at,"
            " version) VALUES (?, ?, ?, ?, '', 'approved', ?, 1)",
            ((m, i, year, float(rng.randint(0, 500)), stamp) for m in member_ids for i in indicator_ids))
        cur.executemany("INSERT INTO submission (member_id, year, status, submitted_at, on_time, review_reason,"
                        " version) VALUES (?, ?, 'approved', ?, ?, '', 1)",
                        ((m, year, stamp, rng.random() < 0.8) for m in member_ids))
    conn.commit()
    count = cur.execute("SELECT count(*) FROM indicator_value").fetchone()[0]
    cur.execute("ANALYZE")
    conn.close()
    return count


def render(url: str, page: str, repeats: int) -> float:
    """Median seconds to render a page as the secretariat (one warm-up render first)."""
    from streamlit.testing.v1 import AppTest

    from tests.pages_support import page_path, user_for

    os.environ["DATABASE_URL"] = url
    user = user_for(url, "secretariat")
    times = []
    for attempt in range(repeats + 1):
        at = AppTest.from_file(str(ROOT / "tests" / "apptest_main.py"), default_timeout=600)
        at.session_state["auth_user"] = user
        at.run()
        start = time.perf_counter()
        at.switch_page(page_path(page)).run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"{page} failed: {at.exception}")
        if attempt:
            times.append(elapsed)
    return statistics.median(times)


FLOORS = {
    # The aggregate behind the scorecard: two years of approved values summed per indicator.
    "indicators": "SELECT indicator_id, year, sum(value), avg(value), count(*) FROM indicator_value "
                  "JOIN member_unit ON member_unit.id = indicator_value.member_id "
                  "WHERE indicator_value.status = 'approved' AND value IS NOT NULL AND year IN (2020, 2021) "
                  "GROUP BY indicator_id, year",
    # The reports behind the progress page: five years of submissions, plus the members.
    "indicator_completeness": "SELECT member_id, year, status, on_time FROM submission "
                              "WHERE year BETWEEN 2017 AND 2021",
}


def floor(path: Path, sql: str, repeats: int) -> float:
    conn = sqlite3.connect(path)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        conn.execute(sql).fetchall()
        times.append(time.perf_counter() - start)
    conn.close()
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", help="keep the databases in this directory")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="indicators-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    demo, large = work / "demo.db", work / "large.db"
    start = time.perf_counter()
    build_demo(demo)
    shutil.copy(demo, large)
    values = grow(large, units=args.units, indicators=args.indicators, years=args.years)
    print(f"built demo and large group ({values:,} values) in {time.perf_counter() - start:.0f} s")
    print(f"{'page':<24}{'demo s':>9}{'large s':>9}{'large÷demo':>12}{'floor s':>9}{'page÷floor':>12}")
    for page, sql in FLOORS.items():
        small = render(f"sqlite:///{demo}", page, args.repeats)
        big = render(f"sqlite:///{large}", page, args.repeats)
        bare = floor(large, sql, args.repeats)
        print(f"{page:<24}{small:>9.2f}{big:>9.2f}{big / small:>11.1f}×{bare:>9.3f}{big / bare:>11.1f}×")
    print("goal: large÷demo under 3× for each page")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

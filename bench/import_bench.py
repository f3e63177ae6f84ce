"""How fast the indicator values import is, measured in one run against two yardsticks.

    python bench/import_bench.py [--units 2000 --indicators 25] [--repeat 3] [--keep DIR]

Builds a SQLite database of `units` schools and `indicators` indicators (bulk inserts), and a
values workbook in the long format (units × indicators rows for one year, 50,000 by default),
then prints:
  (a) our import end to end (dry run + commit, as `python -m core import` does) ÷ a bare
      `pandas.read_excel(path, engine="calamine")` of the same file      (goal ≤ 3×);
  (b) a naive import (openpyxl read, one ORM object per row, commit) ÷ ours  (goal ≥ 10×);
  (c) the peak memory of our import, in a fresh process                  (goal < 500 MB).
Times are the best of `repeat` runs, each on a fresh copy of the database; the machine may be
shared, so read the ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("COOKIE_KEY", "bench-cookie-key-" + "x" * 40)
os.environ["PLATFORM_SECRETS_FILE"] = "/nonexistent/secrets.toml"
os.environ["DEMO"] = "0"

import pandas as pd
import sqlalchemy as sa
from sqlmodel import select

from core import db
from core.auth import acting_as
from core.credit_code import make as make_credit_code
from core.excel.writer import write_workbook
from core.models import Indicator, IndicatorValue, MemberUnit, User

YEAR = 2024


def build_db(path: Path, *, units: int, indicators: int) -> None:
    """The schema, `units` schools, `indicators` indicators and an administrator, in bulk."""
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        session.execute(sa.insert(MemberUnit.__table__), [
            {"credit_code": make_credit_code("52", "370100", f"{n:08d}"), "name": f"测试学校{n:05d}",
             "short_name": "", "unit_type": "school", "city": "济南市", "address": "", "status": "active",
             "status_reason": "", "contact_name": "", "contact_title": "", "contact_phone": "",
             "contact_email": "", "website": "", "description": "", "is_lead": False, "is_demo": False,
             "version": 1} for n in range(units)])
        session.execute(sa.insert(Indicator.__table__), [
            {"code": f"S{n:02d}", "name_zh": f"指标{n:02d}", "name_en": f"Indicator {n:02d}",
             "unit_zh": "人", "unit_en": "persons", "category": "", "reporter_types": ["school"],
             "aggregation": "sum", "higher_is_better": True, "min_value": 0.0, "max_value": 1e9,
             "decimals": 0, "formula": "", "sort_order": n, "active": True, "version": 1}
            for n in range(1, indicators + 1)])
        session.add(User(username="bench-admin", display_name="bench", role="admin", password_hash="x"))
    engine.dispose()


def build_workbook(path: Path, db_path: Path) -> int:
    """Every unit × indicator for YEAR in the long format, with plausible values (a part never
    above its whole), as the bulk template would come back filled in."""
    from core.indicators.exchange import long_sheet

    rng = random.Random(7)
    engine = db.make_engine(f"sqlite:///{db_path}")
    with db.session_scope(engine, write=False) as session:
        units = session.exec(select(MemberUnit.credit_code, MemberUnit.name)).all()
        codes = session.exec(select(Indicator.code, Indicator.name_zh).order_by(Indicator.sort_order)).all()
    engine.dispose()
    records = []
    for credit, name in units:
        values = {code: float(rng.randint(100, 5000)) for code, _ in codes}
        for part, whole in (("S04", "S03"), ("S06", "S05")):
            if part in values and whole in values:
                values[part] = float(rng.randint(0, int(values[whole])))
        records.extend({"credit_code": credit, "unit_name": name, "year": YEAR, "code": code,
                        "indicator": label, "measure": "人", "value": values[code],
                        "comment": "本年度新增合作项目" if rng.random() < 0.02 else ""}
                       for code, label in codes)
    path.write_bytes(write_workbook([long_sheet(records, "zh")]))
    return len(records)


def ours(db_path: Path, workbook: Path) -> tuple[float, dict]:
    """Dry run and commit in one transaction, as `python -m core import FILE` does."""
    from core.indicators import exchange as indicator_exchange

    engine = db.make_engine(f"sqlite:///{db_path}")
    content = workbook.read_bytes()
    with db.session_scope(engine, write=False) as session:  # connect and warm the engine
        caller = acting_as(session.exec(select(User).where(User.role == "admin")).first())
    started = time.perf_counter()
    with db.session_scope(engine) as session:
        plan = indicator_exchange.plan(session, caller, content, workbook.name)
        batch = indicator_exchange.commit(session, caller, plan)
        summary = {**plan.summary(), "batch": batch.id}
    elapsed = time.perf_counter() - started
    with db.session_scope(engine, write=False) as session:
        summary["stored"] = session.exec(select(sa.func.count()).select_from(IndicatorValue)).one()
    engine.dispose()
    return elapsed, summary


def naive(db_path: Path, workbook: Path) -> tuple[float, int]:
    """What one would write first: openpyxl, one ORM object per row (lookups from dicts), commit."""
    import openpyxl

    engine = db.make_engine(f"sqlite:///{db_path}")
    started = time.perf_counter()
    book = openpyxl.load_workbook(workbook)
    sheet = book.active
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    at = {name: header.index(name) for name in ("统一社会信用代码", "年度", "指标代码", "数值", "说明")}
    count = 0
    with db.session_scope(engine) as session:
        units = dict(session.exec(select(MemberUnit.credit_code, MemberUnit.id)).all())
        indicators = dict(session.exec(select(Indicator.code, Indicator.id)).all())
        for row in rows:
            session.add(IndicatorValue(member_id=units[row[at["统一社会信用代码"]]],
                                       indicator_id=indicators[row[at["指标代码"]]],
                                       year=int(row[at["年度"]]), value=float(row[at["数值"]]),
                                       comment=row[at["说明"]] or ""))
            count += 1
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, count


def bare(workbook: Path) -> float:
    started = time.perf_counter()
    pd.read_excel(workbook, engine="calamine")
    return time.perf_counter() - started


def peak_rss_kb() -> int:
    """This process's peak resident size (VmHWM; ru_maxrss would include the parent's peak,
    which Linux carries over fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_child(db_path: str, workbook: str) -> None:
    """Run in a fresh process: the peak resident size around our import, and Python's own peak
    (tracemalloc does not see the Rust reader's or SQLite's memory; the resident size does)."""
    from core.indicators import exchange as indicator_exchange  # noqa: F401  (its imports count as baseline)

    baseline = peak_rss_kb()
    tracemalloc.start()
    _, summary = ours(Path(db_path), Path(workbook))
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak = peak_rss_kb()
    print(json.dumps({"baseline_kb": baseline, "peak_kb": peak, "traced_peak": traced,
                      "rows": summary["add"]}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--indicators", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="build in this folder and keep the files")
    parser.add_argument("--memory-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    folder = Path(args.keep or tempfile.mkdtemp(prefix="import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    base, workbook = folder / "seeded.db", folder / "values.xlsx"
    started = time.perf_counter()
    build_db(base, units=args.units, indicators=args.indicators)
    rows = build_workbook(workbook, base)
    print(f"built: {args.units} units × {args.indicators} indicators = {rows:,} rows, "
          f"{workbook.stat().st_size / 1e6:.1f} MB workbook, in {time.perf_counter() - started:.1f} s")

    def fresh(name: str) -> Path:
        copy = folder / f"{name}.db"
        shutil.copy(base, copy)
        return copy

    bare_times, our_times = [], []
    for attempt in range(args.repeat):
        bare_times.append(bare(workbook))
        elapsed, summary = ours(fresh(f"ours{attempt}"), workbook)
        our_times.append(elapsed)
        assert summary["add"] == rows and summary["rejected"] == 0 and summary["stored"] == rows, summary
    naive_time, naive_rows = naive(fresh("naive"), workbook)
    assert naive_rows == rows
    child = subprocess.run([sys.executable, __file__, "--memory-child", str(fresh("memory")), str(workbook)],
                           capture_output=True, text=True, check=True)
    memory = json.loads(child.stdout.strip().splitlines()[-1])

    t_bare, t_ours = min(bare_times), min(our_times)
    peak_mb = memory["peak_kb"] / 1024
    print(f"bare pandas.read_excel(calamine):     {t_bare:6.2f} s   (runs: "
          + ", ".join(f"{t:.2f}" for t in bare_times) + ")")
    print(f"our import (dry run + commit):        {t_ours:6.2f} s   (runs: "
          + ", ".join(f"{t:.2f}" for t in our_times) + ")")
    print(f"naive openpyxl + ORM row by row:      {naive_time:6.2f} s")
    print(f"(a) ours ÷ bare read:      {t_ours / t_bare:5.2f}×   goal ≤ 3×   "
          + ("met" if t_ours / t_bare <= 3 else "MISSED"))
    print(f"(b) naive ÷ ours:          {naive_time / t_ours:5.1f}×   goal ≥ 10×  "
          + ("met" if naive_time / t_ours >= 10 else "MISSED"))
    print(f"(c) peak memory of import: {peak_mb:5.0f} MB process peak (baseline after imports "
          f"{memory['baseline_kb'] / 1024:.0f} MB; Python allocations peak "
          f"{memory['traced_peak'] / 1e6:.0f} MB)   goal < 500 MB  "
          + ("met" if peak_mb < 500 else "MISSED"))
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""How the ledger query and import scale, measured in one run against their yardsticks.

    python bench/ledgers_bench.py [--entries 200000] [--rows 20000] [--repeat 5] [--keep DIR [--reuse]]
                                  [--only query|import] [--postgres URL]

Builds two SQLite databases: the demo group (a few hundred ledger entries) and one with
`entries` entries over 1,000 units, 13 kinds and 10 years (bulk inserts, with partners). Prints:
  (a) the query page's search (count + the first page of rows with their partners, 「数控」) and the
      kind × year summary at `entries` ÷ the same at demo size            (goal ≤ 3×);
  (b) the same at `entries` ÷ the bare SQL a hand-written query would run (printed);
  (c) a `rows`-row order-class workbook imported end to end (dry run + commit, as
      `python -m core import` does) ÷ a bare `pandas.read_excel(engine="calamine")` (goal ≤ 3×).
With --postgres, the same on a PostgreSQL server (its own databases).
Times are the best of `repeat` runs (the import's of at most 3); the machine may be shared, so
read the ratios, and for the import the CPU ratio.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("COOKIE_KEY", "bench-cookie-key-" + "x" * 40)
os.environ["PLATFORM_SECRETS_FILE"] = "/nonexistent/secrets.toml"
os.environ["DEMO"] = "0"

import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlmodel import select  # noqa: E402

from core import db  # noqa: E402
from core.auth import acting_as  # noqa: E402
from core.credit_code import make as make_credit_code  # noqa: E402
from core.demo import seed_demo  # noqa: E402
from core.excel.writer import Column, Sheet, write_workbook  # noqa: E402
from core.ledgers import ledger_import, query, search_index, tally  # noqa: E402
from core.ledgers.kinds import KINDS  # noqa: E402
from core.models import LedgerEntry, LedgerPartner, MemberUnit, User  # noqa: E402
from core.timeutil import utcnow  # noqa: E402

WORDS = ["数控", "机器人", "焊接", "液压", "汽车", "模具", "电气", "智能制造", "轴承", "铸造"]
SEARCH = "数控"
BARE_SEARCH = ("SELECT count(*) FROM ledger_search WHERE ledger_search MATCH '\"数控\"'",
               "SELECT e.id, e.kind, e.title, e.year FROM ledger_search f JOIN ledger_entry e "
               "ON e.id = f.rowid % 10000000000 WHERE ledger_search MATCH '\"数控\"' ORDER BY f.rowid DESC LIMIT 100")
PG_BARE_SEARCH = ("SELECT count(*) FROM ledger_entry WHERE string_to_array(search_grams, ' ') @> ARRAY['数控']",
                  "SELECT id, kind, title, year FROM ledger_entry WHERE string_to_array(search_grams, ' ') "
                  "@> ARRAY['数控'] ORDER BY year DESC, id DESC LIMIT 100")
SCAN_SEARCH = ("SELECT count(*) FROM ledger_entry WHERE search_text LIKE '%数控%'",
               "SELECT id, kind, title, year FROM ledger_entry WHERE search_text LIKE '%数控%' "
               "ORDER BY year DESC, id DESC LIMIT 100")
BARE_SUMMARY = ("SELECT kind, year, count(*), sum(quantity), sum(amount_fen) FROM ledger_entry "
                "GROUP BY kind, year",)


def build_large(url: str, *, count: int, units: int = 1000) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    rng = random.Random(11)
    now = utcnow()
    with db.session_scope(engine) as session:
        session.execute(sa.insert(MemberUnit.__table__), [
            {"credit_code": make_credit_code("91", "370100", f"{n:08d}"), "name": f"测试单位{n:05d}有限公司",
             "short_name": "", "unit_type": "school" if n % 5 == 0 else "enterprise", "city": "济南市",
             "address": "", "status": "active", "status_reason": "", "contact_name": "", "contact_title": "",
             "contact_phone": "", "contact_email": "", "website": "", "description": "", "is_lead": False,
             "is_demo": False, "version": 1, "created_at": now, "updated_at": now} for n in range(units)])
        session.add(User(username="bench-admin", display_name="bench", role="admin", password_hash="x"))
        session.add(User(username="bench-council", display_name="bench", role="council", password_hash="x"))
        session.add(User(username="bench-member", display_name="bench", role="member", password_hash="x", member_id=5))
    kinds = list(KINDS)
    with db.session_scope(engine) as session:
        for start in range(0, count, 20_000):
            rows, partners = [], []
            for n in range(start, min(count, start + 20_000)):
                word = rng.choice(WORDS)
                title = f"{word}{rng.choice(['订单班', '培训', '技术服务', '实训基地', '项目'])}{n}"
                unit, partner = rng.randint(1, units), rng.randint(1, units)
                text = f"{title} 测试单位{unit:05d}有限公司 测试单位{partner:05d}有限公司".lower()
                rows.append({"id": n + 1, "kind": rng.choice(kinds), "title": title, "member_id": unit,
                             "year": rng.randint(2015, 2024), "quantity": float(rng.randint(5, 60)),
                             "quantity_unit": "人", "amount_fen": rng.randint(0, 5_000) * 100_000,
                             "description": "", "extra": {}, "status": rng.choice(["confirmed", "pending", "recorded"]),
                             "search_text": text, "search_grams": search_index.grams(text),
                             "created_at": now, "updated_at": now, "version": 1})
                partners.append({"entry_id": n + 1, "member_id": partner, "name": f"测试单位{partner:05d}有限公司",
                                 "credit_code": "", "confirmation": "confirmed", "reason": ""})
            session.execute(sa.insert(LedgerEntry.__table__), rows)
            session.execute(sa.insert(LedgerPartner.__table__), partners)
    with db.session_scope(engine) as session:  # bulk inserts bypass the services that keep these
        tally.refresh_all(session)
        search_index.rebuild(session.connection())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE")
    engine.dispose()


def build_demo(url: str) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, rounds=4)
    engine.dispose()


def best(fn, repeat: int, clock=time.perf_counter) -> float:
    """The least time over `repeat` runs (clock=time.process_time: this process's CPU time, which
    a busy machine's waits leave out)."""
    times = []
    for _ in range(repeat):
        started = clock()
        fn()
        times.append(clock() - started)
    return min(times)


def page_work(engine, role: str):
    """What the query page reads: the count (up to COUNT_CAP, as the page shows "1,000+"), the
    first page of rows found, the summary."""
    with db.session_scope(engine, write=False) as session:
        caller = acting_as(session.exec(select(User).where(User.role == role)).first())
    flt = query.LedgerFilter(text=SEARCH)

    def search():
        with db.session_scope(engine, write=False) as session:
            query.count(session, caller, flt, cap=query.COUNT_CAP)
            query.search(session, caller, flt, limit=query.PAGE_ROWS)

    def summary():
        with db.session_scope(engine, write=False) as session:
            query.summary(session, caller)

    return search, summary


def bare(engine, statements: tuple[str, ...]):
    """The statements through the driver alone (a pooled connection, as the app has one open)."""
    def run():
        conn = engine.raw_connection()
        cursor = conn.cursor()
        for statement in statements:
            cursor.execute(statement)
            cursor.fetchall()
        cursor.close()
        conn.rollback()
        conn.close()

    return run


def build_workbook(path: Path, db_path: Path, rows: int) -> None:
    """An order-class ledger as a unit's secretariat would fill the template: `rows` classes."""
    engine = db.make_engine(f"sqlite:///{db_path}")
    with db.session_scope(engine, write=False) as session:
        names = session.exec(select(MemberUnit.name).order_by(MemberUnit.id).limit(200)).all()
    engine.dispose()
    rng = random.Random(5)
    columns = [Column(key, key) for key in ("填报单位", "年度", "班级名称", "冠名企业", "专业", "学生人数",
                                            "企业投入（元）", "开始日期")]
    pairs = [rng.sample(names, 2) for _ in range(rows)]
    records = [{"填报单位": pairs[n][0], "年度": 2025, "班级名称": f"{rng.choice(WORDS)}订单班{n}",
                "冠名企业": pairs[n][1], "专业": "数控技术", "学生人数": rng.randint(20, 50),
                "企业投入（元）": rng.randint(1, 50) * 10000, "开始日期": "2025.09"} for n in range(rows)]
    path.write_bytes(write_workbook([Sheet("订单班", columns, records)]))


def import_once(db_path: Path, workbook: Path) -> tuple[float, float]:
    """(seconds, CPU seconds of this process) of one import."""
    engine = db.make_engine(f"sqlite:///{db_path}")
    elapsed = import_into(engine, workbook)
    engine.dispose()
    return elapsed


def import_into(engine, workbook: Path) -> tuple[float, float]:
    """(seconds, CPU seconds of this process) of one import, dry run and commit, by the admin."""
    content = workbook.read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    with db.session_scope(engine) as session:
        admin = acting_as(session.exec(select(User).where(User.role == "admin")).first())
        plan = ledger_import.plan(session, admin, content, workbook.name)
        assert not plan.rejects, plan.rejects[:3]
        ledger_import.commit(session, admin, plan)
    return time.perf_counter() - started, time.process_time() - cpu


def units_named(large_db: Path) -> list[dict]:
    """The units the workbook names (build_workbook), as rows to insert elsewhere."""
    source = db.make_engine(f"sqlite:///{large_db}")
    with db.session_scope(source, write=False) as session:
        units = [{k: v for k, v in row._mapping.items() if k != "id"} for row in session.execute(
            sa.select(MemberUnit.__table__).order_by(MemberUnit.id).limit(200))]
    source.dispose()
    return units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", help="keep the databases and workbook in this folder")
    parser.add_argument("--only", choices=["query", "import"], help="run one of the two parts")
    parser.add_argument("--reuse", action="store_true", help="with --keep: use the databases built before")
    parser.add_argument("--postgres", help="also run both parts on this PostgreSQL server (a URL to its postgres "
                                           "database; creates ledgers_bench_demo, ledgers_bench_large_N and "
                                           "ledgers_bench_import)")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="ledgers-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    demo_db, large_db, import_db = folder / "demo.db", folder / "large.db", folder / "import.db"
    started = time.perf_counter()
    if not (args.reuse and demo_db.exists() and large_db.exists()):
        for path in (demo_db, large_db, import_db):
            path.unlink(missing_ok=True)
        build_demo(f"sqlite:///{demo_db}")
        build_large(f"sqlite:///{large_db}", count=args.entries)
        print(f"built the demo and {args.entries:,} entries in {time.perf_counter() - started:.1f} s")

    demo_engine, large_engine = db.make_engine(f"sqlite:///{demo_db}"), db.make_engine(f"sqlite:///{large_db}")
    if args.only != "import":
        query_part(args, "SQLite", demo_engine, large_engine, BARE_SEARCH)
    demo_engine.dispose(), large_engine.dispose()
    if args.postgres and args.only != "import":
        demo_engine, large_engine = postgres_databases(args)
        query_part(args, "PostgreSQL", demo_engine, large_engine, PG_BARE_SEARCH)
        demo_engine.dispose(), large_engine.dispose()
    if args.only != "query":
        import_part(args, folder, demo_db, large_db, import_db)
        if args.postgres:
            postgres_import_part(args, folder, large_db)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


def postgres_databases(args):
    """The demo and the large database again on PostgreSQL (databases ledgers_bench_demo and
    ledgers_bench_large_<entries> on the server of --postgres, made anew unless --reuse)."""
    server = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    base = sa.engine.make_url(args.postgres)
    names = {"demo": "ledgers_bench_demo", "large": f"ledgers_bench_large_{args.entries}"}
    urls = {key: base.set(database=name).render_as_string(hide_password=False) for key, name in names.items()}
    with server.connect() as conn:
        present = set(conn.exec_driver_sql("SELECT datname FROM pg_database").scalars())
        for name, database in names.items():
            if not (args.reuse and database in present):
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {database}")
                conn.exec_driver_sql(f"CREATE DATABASE {database}")
                build_demo(urls[name]) if name == "demo" else build_large(urls[name], count=args.entries)
    server.dispose()
    return db.make_engine(urls["demo"]), db.make_engine(urls["large"])


def query_part(args, label: str, demo_engine, large_engine, bare_search_sql: tuple[str, ...]) -> None:
    with db.session_scope(demo_engine, write=False) as session:
        demo_count = session.exec(sa.select(sa.func.count()).select_from(LedgerEntry)).one()[0]
    print(f"\n{label}")
    results = {}
    for name, engine in (("demo", demo_engine), ("large", large_engine)):
        search, summary = page_work(engine, "council")
        member_search, _ = page_work(engine, "member")
        search(), summary(), member_search()  # warm the caches, as a running app has them
        results[name] = (best(search, args.repeat), best(summary, args.repeat), best(member_search, args.repeat))
    bare_search = best(bare(large_engine, bare_search_sql), args.repeat)
    scan_search = best(bare(large_engine, SCAN_SEARCH), args.repeat)
    bare_summary = best(bare(large_engine, BARE_SUMMARY), args.repeat)
    (demo_search, demo_summary, demo_member), (large_search, large_summary, large_member) = \
        results["demo"], results["large"]
    print(f"search 「{SEARCH}」 (count up to {query.COUNT_CAP:,} + the first page, {query.PAGE_ROWS} rows with "
          f"partners), council:")
    print(f"  demo ({demo_count} entries) {demo_search * 1000:8.1f} ms   {args.entries:,} entries "
          f"{large_search * 1000:8.1f} ms   ratio {large_search / demo_search:5.2f}x  (goal <= 3x)")
    print(f"  bare SQL on the index {bare_search * 1000:8.1f} ms   ours ÷ bare {large_search / bare_search:5.2f}x")
    print(f"  bare SQL: {bare_search_sql[0]}; {bare_search_sql[1]}")
    print(f"  without the index (LIKE over every entry) {scan_search * 1000:8.1f} ms   "
          f"÷ ours {scan_search / large_search:5.1f}x")
    print("the same search by a liaison (sees its own, its partnerships, others' confirmed):")
    print(f"  demo {demo_member * 1000:8.1f} ms   {args.entries:,} entries {large_member * 1000:8.1f} ms   "
          f"ratio {large_member / demo_member:5.2f}x")
    print("kind x year summary (counts and sums):")
    print(f"  demo {demo_summary * 1000:8.1f} ms   {args.entries:,} entries {large_summary * 1000:8.1f} ms   "
          f"ratio {large_summary / demo_summary:5.2f}x  (goal <= 3x)")
    print(f"  bare SQL {bare_summary * 1000:8.1f} ms   ours ÷ bare {large_summary / bare_summary:5.2f}x")
    print(f"  bare SQL: {BARE_SUMMARY[0]}")


def import_part(args, folder: Path, demo_db: Path, large_db: Path, import_db: Path) -> None:
    workbook = folder / "order_classes.xlsx"
    build_workbook(workbook, large_db, args.rows)
    t_bare = best(lambda: pd.read_excel(workbook, engine="calamine"), args.repeat)
    cpu_bare = best(lambda: pd.read_excel(workbook, engine="calamine"), args.repeat, time.process_time)
    units = units_named(large_db)
    runs = []
    for _ in range(max(1, min(args.repeat, 3))):
        shutil.copy(demo_db, import_db)
        engine = db.make_engine(f"sqlite:///{import_db}")
        with db.session_scope(engine) as session:
            session.execute(sa.insert(MemberUnit.__table__), units)
        engine.dispose()
        runs.append(import_once(import_db, workbook))
    t_ours, cpu_ours = min(wall for wall, _ in runs), min(cpu for _, cpu in runs)
    print(f"\nimport of {args.rows:,} order classes (dry run + commit): {t_ours:6.2f} s")
    print(f"  bare pandas.read_excel(calamine) {t_bare:6.2f} s   ratio {t_ours / t_bare:5.2f}x  (goal <= 3x)")
    print(f"  in CPU time of this process: ours {cpu_ours:6.2f} s, bare {cpu_bare:6.2f} s, "
          f"ratio {cpu_ours / cpu_bare:5.2f}x")


def postgres_import_part(args, folder: Path, large_db: Path) -> None:
    """The same workbook imported on PostgreSQL (database ledgers_bench_import: the schema, the
    units it names and a secretariat account; each run's entries deleted after it)."""
    workbook = folder / "order_classes.xlsx"
    server = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    url = sa.engine.make_url(args.postgres).set(database="ledgers_bench_import").render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.exec_driver_sql("DROP DATABASE IF EXISTS ledgers_bench_import")
        conn.exec_driver_sql("CREATE DATABASE ledgers_bench_import")
    server.dispose()
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        session.execute(sa.insert(MemberUnit.__table__), units_named(large_db))
        session.add(User(username="bench-admin", display_name="bench", role="admin", password_hash="x"))
    runs = []
    for _ in range(max(1, min(args.repeat, 3))):
        runs.append(import_into(engine, workbook))
        with db.session_scope(engine) as session:  # the next run adds them again
            session.execute(sa.text("DELETE FROM ledger_partner"))
            session.execute(sa.text("DELETE FROM ledger_entry"))
            session.execute(sa.text("DELETE FROM ledger_tally"))
    engine.dispose()
    t_bare = best(lambda: pd.read_excel(workbook, engine="calamine"), args.repeat)
    cpu_bare = best(lambda: pd.read_excel(workbook, engine="calamine"), args.repeat, time.process_time)
    t_ours, cpu_ours = min(wall for wall, _ in runs), min(cpu for _, cpu in runs)
    print(f"\nPostgreSQL: import of {args.rows:,} order classes (dry run + commit): {t_ours:6.2f} s")
    print(f"  bare pandas.read_excel(calamine) {t_bare:6.2f} s   ratio {t_ours / t_bare:5.2f}x  (goal <= 3x)")
    print(f"  in CPU time of this process: ours {cpu_ours:6.2f} s, bare {cpu_bare:6.2f} s, "
          f"ratio {cpu_ours / cpu_bare:5.2f}x (the server's own CPU not counted)")


if __name__ == "__main__":
    main()

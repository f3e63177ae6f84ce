"""Migration 0004 moves the old ledger rows into the kinds (SQLite and PostgreSQL); the command
line writes templates and exports and recognises a ledger workbook by its headers."""
from __future__ import annotations

import io

import openpyxl
import sqlalchemy as sa
from sqlmodel import select

from core import db
from core.auth import acting_as
from core.cli import main
from core.ledgers import entries, query
from core.models import LedgerEntry, LedgerPartner, User
from core.timeutil import utcnow


def test_the_old_ledger_rows_move_into_the_kinds(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine, "0003")
    now = utcnow()
    unit = ("INSERT INTO member_unit (credit_code, name, short_name, unit_type, city, address, status, status_reason, "
            "contact_name, contact_title, contact_phone, contact_email, website, description, is_lead, is_demo, "
            "version, created_at, updated_at) VALUES (:code, :name, '', :type, '济南市', '', 'active', '', '', '', '', "
            "'', '', '', false, false, 1, :now, :now)")
    old = ("INSERT INTO ledger_entry (kind, title, member_id, partner_member_id, year, quantity, quantity_unit, "
           "amount_yuan, description, extra, version, created_at) VALUES (:kind, :title, 1, :partner, 2020, :q, '人', "
           ":amount, '旧台账', '{}', 1, :now)")
    with engine.begin() as conn:
        conn.execute(sa.text(unit), {"code": "12370100MA3C000011", "name": "旧学校", "type": "school", "now": now})
        conn.execute(sa.text(unit), {"code": "91370100MA3C000012", "name": "旧企业", "type": "enterprise", "now": now})
        conn.execute(sa.text(old), {"kind": "order_class", "title": "旧数控订单班", "partner": 2, "q": 35.0,
                                    "amount": 80000.0, "now": now})
        conn.execute(sa.text(old), {"kind": "teacher_workstation", "title": "旧工作站", "partner": None, "q": 3.0,
                                    "amount": None, "now": now})
        conn.execute(sa.text(old), {"kind": "meeting", "title": "旧对接会", "partner": None, "q": None,
                                    "amount": None, "now": now})
        conn.execute(sa.text(old), {"kind": "tech_service", "title": "旧技术服务", "partner": 2, "q": None,
                                    "amount": 123456.78, "now": now})
    db.upgrade(engine)
    with db.session_scope(engine, write=False) as session:
        rows = {e.title: e for e in session.exec(select(LedgerEntry)).all()}
        partners = session.exec(select(LedgerPartner)).all()
    order = rows["旧数控订单班"]
    assert (order.kind, order.extra["students"], order.quantity, order.amount_fen) == ("order_class", 35, 35.0, 8_000_000)
    assert order.status == "pending" and "旧企业" in order.search_text and order.updated_at is not None
    assert rows["旧工作站"].kind == "teacher_practice" and rows["旧工作站"].status == "recorded"
    assert (rows["旧对接会"].kind, rows["旧对接会"].extra) == ("cooperation_project", {"category": "other"})
    assert rows["旧技术服务"].extra["received"] == 12_345_678
    assert sorted((p.name, p.confirmation) for p in partners) == [("旧企业", "pending")] * 2
    with db.session_scope(engine, write=False) as session:  # the search index holds the migrated rows
        council = acting_as(User(id=0, username="council", display_name="", role="council", password_hash="x"))
        found = query.search(session, council, query.LedgerFilter(text="数控"))
    assert list(found["title"]) == ["旧数控订单班"]
    engine.dispose()


def test_cli_template_export_and_import_of_ledgers(demo_db_url, tmp_path, capsys):
    import json

    base = ["--database-url", demo_db_url, "--json"]
    with db.session_scope(db.make_engine(demo_db_url), write=False) as session:  # the demo locks all but its last years
        year = max(set(session.exec(select(LedgerEntry.year).where(LedgerEntry.kind == "order_class")).all())
                   - set(entries.locked_years(session)))
    assert main(base + ["template", "ledger", str(tmp_path / "t.xlsx")]) == 1
    assert json.loads(capsys.readouterr().out)["error"] == "cli.ledger_kind_required"
    assert main(base + ["template", "ledger", str(tmp_path / "t.xlsx"), "--kind", "cert_1x"]) == 0
    capsys.readouterr()
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert [c.value for c in book.worksheets[1][1]][3] == "证书名称 *"
    assert main(base + ["export", "ledger", str(tmp_path / "e.xlsx"), "--kind", "order_class", "--year", str(year)]) == 0
    exported = json.loads(capsys.readouterr().out)
    with db.session_scope(db.make_engine(demo_db_url), write=False) as session:
        count = len(session.exec(select(LedgerEntry).where(LedgerEntry.kind == "order_class",
                                                           LedgerEntry.year == year)).all())
    assert exported["rows"] == count and openpyxl.load_workbook(tmp_path / "e.xlsx").worksheets[0].max_row == count + 1
    assert main(base + ["import", str(tmp_path / "e.xlsx"), "--dry-run"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["kind"], summary["unchanged"], summary["add"], summary["change"]) == ("ledger", count, 0, 0)
    # a filled template, recognised as a ledger and imported as the demo liaison
    sheet = book.worksheets[1]
    sheet.append(["山东劳动职业技术学院", None, year, "工业机器人应用编程职业技能等级证书（CLI）", "智能装备职业技能评价有限公司",
                  None, None, None, "初级", 30, 25, None])
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "filled.xlsx").write_bytes(buffer.getvalue())
    assert main(base + ["import", str(tmp_path / "filled.xlsx"), "--as", "demo-member"]) == 0
    assert json.loads(capsys.readouterr().out)["add"] == 1
    main(base + ["import", str(tmp_path / "filled.xlsx"), "--kind", "ledger", "--as", "demo-member"])
    again = json.loads(capsys.readouterr().out)  # importing the same file again changes nothing
    assert (again["add"], again["change"], again["unchanged"]) == (0, 0, 1)

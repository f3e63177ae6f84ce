"""`python -m core`: exit status and messages."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.i18n import translate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_db_upgrade_then_status(url, capsys):
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "--json", "db", "status"]) == 0
    status = _json(capsys)
    assert status["ok"] and status["revision"] == status["head"]


def test_seed_demo_once_then_refuse(url, capsys):
    assert main(["--database-url", url, "--json", "seed", "--demo"]) == 0
    assert _json(capsys)["members"] == 64
    assert main(["--database-url", url, "--json", "seed", "--demo"]) == 1
    assert _json(capsys)["error"] == "cli.not_empty"


def test_user_add_lock_unlock_passwd(url, capsys):
    base = ["--database-url", url, "--json", "user"]
    assert main(base + ["add", "sec01", "--role", "secretariat", "--password", "a-good-pass"]) == 0
    assert main(base + ["add", "sec01", "--role", "secretariat", "--password", "a-good-pass"]) == 1
    assert main(base + ["lock", "sec01"]) == 0
    assert main(base + ["unlock", "sec01"]) == 0
    assert main(base + ["passwd", "sec01", "--password", "short"]) == 1
    assert main(base + ["passwd", "sec01", "--password", "another-pass"]) == 0
    assert main(base + ["unlock", "nobody"]) == 1


def test_member_user_needs_a_known_unit(url, capsys):
    assert main(["--database-url", url, "user", "add", "m1", "--role", "member",
                 "--unit", "91370100MA3C00000X", "--password", "a-good-pass"]) == 1
    assert "成员单位" in capsys.readouterr().err


def test_unreachable_database_exits_three(capsys):
    assert main(["--database-url", "postgresql://x@127.0.0.1:1/x", "db", "upgrade"]) == 3
    assert "DATABASE_URL" in capsys.readouterr().err


def test_runs_as_a_module_with_help():
    done = subprocess.run([sys.executable, "-m", "core", "--help"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "seed" in done.stdout


def test_password_from_standard_input(url, tmp_path):
    done = subprocess.run([sys.executable, "-m", "core", "--database-url", url, "user", "add",
                           "admin2", "--role", "admin", "--password-stdin"],
                          cwd=ROOT, input="stdin-password\n", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_export_then_dry_run_import_recognises_the_kind(url, tmp_path, capsys):
    assert main(["--database-url", url, "seed", "--demo"]) == 0
    target = str(tmp_path / "members.xlsx")
    assert main(["--database-url", url, "export", "members", target]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "--json", "import", target, "--dry-run"]) == 0
    summary = _json(capsys)
    assert (summary["kind"], summary["unchanged"], summary["add"]) == ("members", 64, 0)


def test_import_of_milestone_updates_commits_and_a_second_run_changes_nothing(url, tmp_path, capsys):
    import openpyxl

    assert main(["--database-url", url, "seed", "--demo"]) == 0
    sheet_path = tmp_path / "milestones.xlsx"
    assert main(["--database-url", url, "template", "milestones", str(sheet_path)]) == 0
    book = openpyxl.load_workbook(sheet_path)
    rows = list(book.active.iter_rows())
    header = [cell.value for cell in rows[0]]
    target = next(row for row in rows[1:] if row[header.index("状态")].value == "进行中")
    target[header.index("完成百分比")].value = 99
    book.save(sheet_path)
    capsys.readouterr()
    assert main(["--database-url", url, "--json", "import", str(sheet_path)]) == 0
    assert _json(capsys)["change"] == 1
    # Nothing left to change: what was asked is done (exit 0), and it says so.
    assert main(["--database-url", url, "import", str(sheet_path), "--json"]) == 0
    second = _json(capsys)
    assert (second["ok"], second["nothing_to_do"], second["change"]) == (True, True, 0)
    assert second["message"] == translate("excel.nothing_to_do", "zh", unchanged=second["unchanged"])


def test_global_options_work_after_the_subcommand_too(url, tmp_path, capsys):
    assert main(["db", "upgrade", "--database-url", url, "--json", "--lang", "en"]) == 0
    done = _json(capsys)
    assert done["ok"] and done["message"] == translate("cli.done", "en")
    assert main(["--database-url", url, "user", "unlock", "nobody", "--json", "--lang", "en"]) == 1
    refused = _json(capsys)
    assert refused["error"] == "user.not_found"
    assert refused["message"] == translate("user.not_found", "en", username="nobody")
    # before the subcommand still works, and one given before is kept when not repeated after
    assert main(["--json", "--database-url", url, "seed", "--demo"]) == 0
    assert _json(capsys)["ok"]


def test_import_refuses_bad_files_and_roles(url, tmp_path, capsys):
    assert main(["--database-url", url, "seed", "--demo"]) == 0
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    capsys.readouterr()
    assert main(["--database-url", url, "--json", "import", str(bad)]) == 1
    assert _json(capsys)["error"] == "excel.not_workbook"
    sheet = tmp_path / "m.xlsx"
    assert main(["--database-url", url, "template", "members", str(sheet)]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "--json", "import", str(sheet), "--as", "demo-council"]) == 1
    assert _json(capsys)["error"] in ("auth.forbidden", "excel.no_rows")


def test_export_members_with_filters_and_milestones_of_a_plan(url, tmp_path, capsys):
    import openpyxl

    assert main(["--database-url", url, "seed", "--demo"]) == 0
    target = tmp_path / "schools.xlsx"
    capsys.readouterr()
    assert main(["--database-url", url, "--json", "export", "members", str(target),
                 "--type", "school", "--city", "济南", "--status", "active"]) == 0
    rows = _json(capsys)["rows"]
    sheet = openpyxl.load_workbook(target).active
    header = [cell.value for cell in sheet[1]]
    found = [dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=2)]
    assert 0 < len(found) == rows < 64
    assert {(r["单位类型"], r["所在城市"], r["状态"]) for r in found} == {("学校", "济南市", "正常")}
    assert main(["--database-url", url, "--json", "export", "members", str(target),
                 "--city", "北京"]) == 1
    assert _json(capsys)["error"] == "member.unknown_city"
    pack = tmp_path / "pack.xlsx"
    assert main(["--database-url", url, "--json", "export", "milestones", str(pack), "--plan", "1"]) == 0
    assert _json(capsys)["ok"] and openpyxl.load_workbook(pack).sheetnames
    assert main(["--database-url", url, "--json", "export", "milestones", str(pack), "--plan", "999"]) == 1
    assert _json(capsys)["error"] == "cli.unknown_plan"


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'cli.db'}"
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    assert main(["--database-url", url, "user", "add", "admin1", "--role", "admin",
                 "--password", "a-good-pass", "--no-force-change"]) == 0
    return url


def _table_counts(url: str) -> tuple[int, ...]:
    from sqlmodel import func, select

    from core import db
    from core.models import AuditLog, ImportBatch, MemberUnit, Milestone

    with db.session_scope(db.make_engine(url), write=False) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (ImportBatch, MemberUnit, Milestone, AuditLog))


def _hostile_cases():
    from tests.files.make_hostile import CASES

    return CASES


@pytest.mark.parametrize("case", _hostile_cases(), ids=lambda case: case.file)
def test_import_of_each_hostile_file_exits_non_zero_and_writes_nothing(hostile_url, case, capsys):
    path = ROOT / "tests" / "files" / "hostile" / case.file
    before = _table_counts(hostile_url)
    capsys.readouterr()
    status = main(["--database-url", hostile_url, "--json", "import", str(path), "--kind", case.kind])
    assert status == 1
    assert _json(capsys)["error"] == case.key
    assert _table_counts(hostile_url) == before

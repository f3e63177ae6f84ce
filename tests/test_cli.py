"""`python -m core`: exit status and messages."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main

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

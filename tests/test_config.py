"""Configuration: refuse to run with a missing or placeholder key outside demo mode."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core import config, db
from core.bootstrap import initialise
from core.config import ConfigError, load_settings
from core.models import User


def test_missing_cookie_key_is_refused_outside_demo(monkeypatch):
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.delenv("COOKIE_KEY")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert refused.value.key == "config.cookie_key_missing"


@pytest.mark.parametrize("placeholder", ["some_key", "change-me", "short-key"])
def test_placeholder_or_short_cookie_key_is_refused(monkeypatch, placeholder):
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.setenv("COOKIE_KEY", placeholder)
    with pytest.raises(ConfigError):
        load_settings()


def test_demo_mode_generates_and_keeps_a_key(monkeypatch, tmp_path):
    monkeypatch.delenv("COOKIE_KEY")
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(config, "DEMO_COOKIE_KEY_FILE", tmp_path / ".cookie_key")
    first = load_settings().cookie_key
    assert len(first) >= 32 and load_settings().cookie_key == first
    assert (tmp_path / ".cookie_key").stat().st_mode & 0o777 == 0o600  # no one else reads it


def test_secrets_file_is_read_when_the_environment_is_silent(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('database_url = "sqlite:///from-secrets.db"\ncookie_expiry_days = 2\n')
    monkeypatch.setenv("PLATFORM_SECRETS_FILE", str(secrets))
    settings = load_settings()
    assert settings.database_url == "sqlite:///from-secrets.db" and settings.cookie_expiry_days == 2


def test_real_deployment_starts_empty_with_one_admin(monkeypatch, tmp_path):
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.setenv("ADMIN_PASSWORD", "first-admin-pw")
    engine = db.make_engine(f"sqlite:///{tmp_path / 'real.db'}")
    assert initialise(engine, load_settings()) == "admin_created"
    with db.session_scope(engine, write=False) as session:
        users = session.exec(select(User)).all()
    assert [(u.username, u.role, u.must_change_password) for u in users] == [("admin", "admin", True)]


def test_real_deployment_without_admin_password_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'real.db'}")
    with pytest.raises(ConfigError) as refused:
        initialise(engine, load_settings())
    assert refused.value.key == "config.admin_password_missing"


def test_streamlits_own_csv_download_is_off():
    """Its CSV would carry a liaison's '=HYPERLINK(…)' into a spreadsheet as a formula; every table
    page exports through the app's own Excel writer instead."""
    import tomllib

    from core.config import ROOT

    client = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["client"]
    assert client["disableDataExport"] is True


def test_a_real_deployment_on_a_database_that_held_the_demo_turns_the_demo_accounts_off(
        monkeypatch, tmp_path, demo_db_template):
    import shutil

    from core import auth
    from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from core.settings import get_setting

    shutil.copy(demo_db_template, tmp_path / "was-demo.db")
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.setenv("COOKIE_KEY", "k" * 48)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'was-demo.db'}")
    assert initialise(engine, load_settings()) == "demo_accounts_deactivated"
    with db.session_scope(engine) as session:
        for username, _, _ in DEMO_ACCOUNTS:
            assert auth.authenticate(session, username, DEMO_PASSWORD).user is None
        assert get_setting(session, "demo_loaded") is False  # the login page lists none
    assert initialise(engine, load_settings()) == "ready"

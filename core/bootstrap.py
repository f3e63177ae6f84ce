"""Bring a database to a usable state: migrate, then seed the demo or create the first admin."""
from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from core import db
from core.config import ConfigError, Settings
from core.demo import DEMO_ACCOUNTS, seed_demo
from core.settings import DEFAULT_SETTINGS, put_setting
from core.system.users import count_users, create_user, deactivate_demo_accounts

_LOG = logging.getLogger(__name__)


def initialise(engine: Engine, settings: Settings) -> str:
    """Upgrade the schema, then fill an empty database. Returns what was done (for the CLI)."""
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        if count_users(session):
            if not settings.demo and deactivate_demo_accounts(session):
                # A real deployment on a database that once held the demo: its well-known
                # accounts (password demo1234) must not log anyone in.
                _LOG.warning("DEMO=0: the demo accounts %s were deactivated",
                             ", ".join(name for name, _, _ in DEMO_ACCOUNTS))
                return "demo_accounts_deactivated"
            return "ready"
        if settings.demo:
            seed_demo(session, rounds=settings.bcrypt_rounds)
            return "demo_seeded"
        if not settings.admin_password:
            raise ConfigError("config.admin_password_missing")
        create_user(session, username="admin", display_name="系统管理员", role="admin",
                    password=settings.admin_password, must_change_password=True,
                    rounds=settings.bcrypt_rounds)
        for key, value in DEFAULT_SETTINGS.items():
            put_setting(session, key, value)
        return "admin_created"

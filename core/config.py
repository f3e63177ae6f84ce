"""One settings object, read from the environment first, then `.streamlit/secrets.toml`.

core/ must not import streamlit, so the secrets file is read here with tomllib; the keys are
the same names in lower case (`database_url`, `cookie_key`, ...).
"""
from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import UserFacingError

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB_PATH = DATA_DIR / "platform.db"
DEMO_COOKIE_KEY_FILE = DATA_DIR / ".cookie_key"
MIN_COOKIE_KEY_BYTES = 32

# Values that were written in an example file or the library's docs: never a real secret.
PLACEHOLDER_KEYS = {"", "some_key", "change-me", "changeme", "CHANGE_ME", "secret", "your-secret-key"}


class ConfigError(UserFacingError):
    """The configuration cannot run the platform."""


def _secrets_file() -> dict:
    path = Path(os.environ.get("PLATFORM_SECRETS_FILE", ROOT / ".streamlit" / "secrets.toml"))
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _lookup(name: str, secrets_data: dict, default: str | None = None) -> str | None:
    if name in os.environ:
        return os.environ[name]
    value = secrets_data.get(name.lower())
    return default if value is None else str(value)


def _truthy(value: str | None) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo: bool
    cookie_key: str
    cookie_name: str
    cookie_expiry_days: float
    admin_password: str | None
    bcrypt_rounds: int
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    # PostgreSQL connections per replica: at most pool_size + max_overflow at once. Every
    # replica's total must stay under the server's max_connections (README, deployment).
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout: float = 30.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def server_upload_limit_mb() -> int:
    """Streamlit's own cap on an upload (server.maxUploadSize in .streamlit/config.toml): the
    platform's upload limit may not promise more, or the browser's upload fails first."""
    try:
        with (ROOT / ".streamlit/config.toml").open("rb") as handle:
            return int(tomllib.load(handle).get("server", {}).get("maxUploadSize", 200))
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        return 200


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_DB_PATH}"


def _demo_cookie_key() -> str:
    """In demo mode a missing key is generated once and kept beside the demo database."""
    if DEMO_COOKIE_KEY_FILE.is_file():
        return DEMO_COOKIE_KEY_FILE.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Readable by the app's own account only: whoever reads it can forge anyone's login cookie.
    descriptor = os.open(DEMO_COOKIE_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


CONFIG_NAMES = ("DATABASE_URL", "DEMO", "COOKIE_KEY", "COOKIE_NAME", "COOKIE_EXPIRY_DAYS",
                "ADMIN_PASSWORD", "BCRYPT_ROUNDS", "PLATFORM_SECRETS_FILE", "DB_POOL_SIZE",
                "DB_MAX_OVERFLOW", "DB_POOL_TIMEOUT")


def current_settings() -> Settings:
    """load_settings(), read again only when the environment or the secrets file changes:
    the app asks for the settings on every database call."""
    path = Path(os.environ.get("PLATFORM_SECRETS_FILE", ROOT / ".streamlit" / "secrets.toml"))
    mtime = path.stat().st_mtime_ns if path.is_file() else None
    return _settings_for(tuple(os.environ.get(name) for name in CONFIG_NAMES) + (mtime,))


@lru_cache(maxsize=8)
def _settings_for(_fingerprint: tuple) -> Settings:
    return load_settings()


def load_settings() -> Settings:
    data = _secrets_file()
    demo = _truthy(_lookup("DEMO", data, "1"))
    cookie_key = (_lookup("COOKIE_KEY", data) or "").strip()
    if cookie_key in PLACEHOLDER_KEYS or len(cookie_key.encode()) < MIN_COOKIE_KEY_BYTES:
        if not demo:
            raise ConfigError("config.cookie_key_missing", min_bytes=MIN_COOKIE_KEY_BYTES)
        cookie_key = _demo_cookie_key()
    try:
        expiry_days = float(_lookup("COOKIE_EXPIRY_DAYS", data, "1"))
        rounds = int(_lookup("BCRYPT_ROUNDS", data, "12"))
        pool_size = int(_lookup("DB_POOL_SIZE", data, "5"))
        max_overflow = int(_lookup("DB_MAX_OVERFLOW", data, "5"))
        pool_timeout = float(_lookup("DB_POOL_TIMEOUT", data, "30"))
    except ValueError as exc:
        raise ConfigError("config.bad_number", detail=str(exc)) from exc
    return Settings(
        database_url=_lookup("DATABASE_URL", data) or default_database_url(),
        demo=demo,
        cookie_key=cookie_key,
        cookie_name=_lookup("COOKIE_NAME", data, "zjjt_auth"),
        cookie_expiry_days=expiry_days,
        admin_password=_lookup("ADMIN_PASSWORD", data),
        bcrypt_rounds=max(4, min(rounds, 16)),
        db_pool_size=max(1, pool_size),
        db_max_overflow=max(0, max_overflow),
        db_pool_timeout=max(1.0, pool_timeout),
    )

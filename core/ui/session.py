"""The database engine (one per configuration, cached), a short session per read or write, the
platform's settings, and the user this browser session belongs to."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

import streamlit as st

from core import auth, db
from core.bootstrap import initialise
from core.config import Settings, current_settings
from core.settings import all_settings

T = TypeVar("T")
USER_KEY = "auth_user"


@st.cache_resource(show_spinner=False, max_entries=4)
def _engine_for(url: str, demo: bool, rounds: int, pool: tuple[int, int, float] = (5, 5, 30.0)):
    # Keyed by URL so tests (and a config change) never share another database's engine.
    pool_size, max_overflow, pool_timeout = pool
    engine = db.make_engine(url, pool_size=pool_size, max_overflow=max_overflow,
                            pool_timeout=pool_timeout)
    initialise(engine, settings())
    return engine


def settings() -> Settings:
    return current_settings()


def engine():
    current = settings()
    return _engine_for(current.database_url, current.demo, current.bcrypt_rounds,
                       (current.db_pool_size, current.db_max_overflow, current.db_pool_timeout))


def read(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with db.session_scope(engine(), write=False) as session:
        return fn(session, *args, **kwargs)


def write(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with db.session_scope(engine()) as session:
        return fn(session, *args, **kwargs)


def platform_settings() -> dict:
    return read(all_settings)


def current_user() -> auth.CurrentUser | None:
    return st.session_state.get(USER_KEY)

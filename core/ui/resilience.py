"""A database that cannot be reached (restarting, failed over, network cut) is a wait, not a
traceback: the run says so in the user's language and runs again by itself until the database
answers. The engine's pre-ping then replaces the connections the restart broke."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core import db
from core.ui.language import t

RETRY_SECONDS = 2.0


def _unreachable(error: BaseException) -> bool:
    if isinstance(error, db.DatabaseError):
        return error.key == "db.unreachable"
    return db.is_unavailable(error)


@contextmanager
def retry_when_database_unavailable() -> Iterator[None]:
    """Around a whole run (app.py): if the database cannot be reached, show "unavailable,
    retrying", wait a moment and run again. Saved data is in the database, so nothing saved is
    lost; what was typed into a form and not saved stays in this browser session's widgets."""
    try:
        yield
    except Exception as error:
        if not _unreachable(error):
            raise
        st.warning(t("db.unavailable_retrying", seconds=int(RETRY_SECONDS)),
                   icon=":material/cloud_off:")
        time.sleep(RETRY_SECONDS)
        st.rerun()

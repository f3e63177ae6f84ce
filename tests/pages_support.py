"""Helpers for AppTest: the app as browsers reach it, logged in as a demo account."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core import auth, db, nav
from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from core.i18n import translate

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = {role: username for username, _, role in DEMO_ACCOUNTS}


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "tests" / "apptest_main.py"), default_timeout=30)


def page_path(page_key: str) -> str:
    """A page's path as AppTest.switch_page wants it: relative to tests/apptest_main.py."""
    return "../" + nav.PAGES_BY_KEY[page_key].path


def session_scope(url: str):
    return db.session_scope(db.make_engine(url))


def user_for(url: str, role: str) -> auth.CurrentUser:
    with session_scope(url) as session:
        return auth.authenticate(session, ACCOUNTS[role], DEMO_PASSWORD).user


def app_as(url: str, role: str, page_key: str | None = None) -> AppTest:
    """The app as app.py runs it (sidebar included) for a logged-in demo account."""
    at = app()
    at.session_state["auth_user"] = user_for(url, role)
    at.run()
    if page_key:
        at.switch_page(page_path(page_key)).run()
    return at


def titles(at: AppTest) -> list[str]:
    return [title.value for title in at.title]


def button(at: AppTest, key: str):
    """The (form submit) button whose label is the text of i18n key `key`."""
    matches = [b for b in at.button if b.label == translate(key)]
    assert matches, f"no button {translate(key)!r}: {[b.label for b in at.button]}"
    return matches[0]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list]) -> bytes:
    """A one-sheet .xlsx holding these rows, as a person would save it."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""The re-login cookie is written by a one-off script in the run after login and deleted after
logout, with no component that sends a value back (such a reply reran every page as it loaded,
under the user's typing)."""
from __future__ import annotations

import json
import re

from core import auth
from core.config import current_settings
from core.i18n import translate
from tests.pages_support import ACCOUNTS, app, page_path

COOKIE_SCRIPT = re.compile(r'document\.cookie = ("[^"]*") \+ \'=\' \+ ("[^"]*") \+ ("[^"]*")')


def _cookie_writes(at) -> list[tuple[str, str, str]]:
    bodies = [element.proto.body for element in at.get("html") if "document.cookie" in element.proto.body]
    return [tuple(json.loads(part) for part in COOKIE_SCRIPT.search(body).groups()) for body in bodies]


def _log_in(at, username: str):
    at.run()
    at.switch_page(page_path("login")).run()
    assert not _cookie_writes(at)  # nothing to write, nothing rendered
    at.text_input(key="login_username").set_value(username)
    at.text_input(key="login_password").set_value("demo1234")
    next(b for b in at.button if b.label == translate("login.submit")).click().run()
    return at


def test_login_writes_a_cookie_signed_with_our_key_once_and_logout_deletes_it(demo_db_url):
    at = _log_in(app(), ACCOUNTS["council"])
    settings = current_settings()
    [(name, token, attributes)] = _cookie_writes(at)
    assert name == settings.cookie_name and "samesite=strict" in attributes and "path=/" in attributes
    assert auth.cookie_payload(token, key=settings.cookie_key)["username"] == ACCOUNTS["council"]
    at.switch_page(page_path("members")).run()
    assert not _cookie_writes(at)  # written once, not on every run
    assert "cookie_manager" not in str(at._tree)

    next(b for b in at.sidebar.button if b.label == translate("nav.logout")).click().run()
    [(name, token, attributes)] = _cookie_writes(at)
    assert name == settings.cookie_name and token == "" and "max-age=0" in attributes

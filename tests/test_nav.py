"""The page registry matches the files and DESIGN.md's roles; every page guards itself."""
from __future__ import annotations

import ast
from pathlib import Path

from core import nav

ROOT = Path(__file__).resolve().parent.parent


def test_every_registered_page_exists_and_every_page_file_is_registered():
    registered = {page.path for page in nav.PAGES}
    on_disk = {path.relative_to(ROOT).as_posix() for path in (ROOT / "app_pages").rglob("*.py")}
    assert registered == on_disk


def test_every_page_begins_with_its_own_guard():
    for page in nav.PAGES:
        tree = ast.parse((ROOT / page.path).read_text(encoding="utf-8"))
        calls = [node for node in tree.body if isinstance(node, (ast.Expr, ast.Assign))
                 and not isinstance(node.value, ast.Constant)]  # past the docstring
        first = calls[0].value
        assert isinstance(first, ast.Call) and first.func.attr == "guard", page.path
        assert first.args[0].value == page.key, page.path


def test_public_sees_only_the_portal_and_login():
    assert [page.key for page in nav.pages_for(nav.PUBLIC)] == ["portal", "login"]


def test_logged_in_roles_do_not_see_the_login_page():
    for role in nav.ALL_ROLES:
        keys = [page.key for page in nav.pages_for(role)]
        assert "login" not in keys and "home" in keys and "portal" in keys

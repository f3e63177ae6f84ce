"""Both catalogs complete; every key the code uses exists; pages write no literal UI text."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core import i18n, models, nav

ROOT = Path(__file__).resolve().parent.parent
KEY_LITERAL = re.compile(r"""["']((?:[a-z_]+)\.[a-z_][a-z0-9_.]*)["']""")
# Streamlit markdown syntax, not words: ":gray[", ":blue-badge[", ":material/push_pin:".
MARKDOWN_DIRECTIVE = re.compile(r":[a-z-]+\[|:material/[a-z_]+:")
UI_CALLS = {"title", "header", "subheader", "caption", "markdown", "write", "text", "info",
            "warning", "error", "success", "button", "form_submit_button", "text_input",
            "number_input", "selectbox", "multiselect", "radio", "checkbox", "metric", "tabs",
            "expander", "toast", "download_button", "file_uploader", "page_link", "date_input",
            "text_area", "segmented_control", "toggle", "spinner", "popover", "dialog"}


def _python_files():
    """Code that shows text; the schema's "table.column" foreign keys look like keys but are not."""
    return [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py")),
            *sorted(path for path in (ROOT / "core").rglob("*.py")
                    if path.name != "models.py" and "migrations" not in path.parts)]


def test_both_languages_have_the_same_keys():
    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    assert sorted(set(zh) ^ set(en)) == []
    assert all(zh.values()) and all(en.values())


def test_every_key_the_code_names_exists():
    known = set(i18n.catalog("zh"))
    prefixes = {key.split(".")[0] for key in known}
    missing = set()
    for path in _python_files():
        for key in KEY_LITERAL.findall(path.read_text(encoding="utf-8")):
            if key.split(".")[0] in prefixes and key not in known and not key.endswith("."):
                missing.add(f"{path.name}: {key}")
    assert sorted(missing) == []


@pytest.mark.parametrize("prefix, enum", [
    ("role", models.Role), ("member_type", models.MemberType), ("member_status", models.MemberStatus),
    ("seat_role", models.SeatRole), ("duty_area", models.DutyArea),
    ("milestone_status", models.MilestoneStatus), ("value_status", models.ValueStatus),
    ("ledger_kind", models.LedgerKind), ("message_category", models.MessageCategory),
])
def test_every_stored_code_has_a_label_in_both_languages(prefix, enum):
    for lang in i18n.LANGUAGES:
        assert [code for code in enum if f"{prefix}.{code}" not in i18n.catalog(lang)] == []


def test_every_page_and_section_has_a_title():
    for page in nav.PAGES:
        for lang in i18n.LANGUAGES:
            assert page.title_key in i18n.catalog(lang) and page.section in i18n.catalog(lang)


def test_audit_actions_written_by_core_have_labels():
    actions = set()
    for path in (ROOT / "core").rglob("*.py"):
        actions |= set(re.findall(r'audit\.record\([^)]*?action="([a-z_]+)"',
                                  path.read_text(encoding="utf-8"), re.DOTALL))
    assert sorted(a for a in actions if f"audit_action.{a}" not in i18n.catalog("zh")) == []


def _literal_ui_text(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in UI_CALLS):
            continue
        args = list(node.args[:1]) + [kw.value for kw in node.keywords
                                      if kw.arg in ("label", "body", "help", "placeholder")]
        for arg in args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and \
                    re.search(r"[A-Za-z\u4e00-\u9fff]", arg.value):
                found.append(f"{path.name}:{node.lineno} {arg.value!r}")
            if isinstance(arg, ast.JoinedStr) and any(
                    isinstance(part, ast.Constant) and re.search(
                        r"[A-Za-z\u4e00-\u9fff]{2,}", MARKDOWN_DIRECTIVE.sub("", part.value))
                    for part in arg.values):
                found.append(f"{path.name}:{node.lineno} f-string")
    return found


def test_pages_write_no_literal_ui_text():
    files = [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "core" / "ui").glob("*.py"))]
    assert [hit for path in files for hit in _literal_ui_text(path)] == []


def test_placeholders_match_between_languages():
    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    fields = lambda text: sorted(re.findall(r"{(\w+)}", text))
    assert [key for key in zh if fields(zh[key]) != fields(en[key])] == []

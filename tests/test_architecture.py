"""The house rules of the code's layout (README, "Layout"), checked so that they stay true.

- core/ holds one package per module (a "wing": group, plan, indicators, messages, system, home, …)
  beside the shared machinery (models, db, auth, audit, i18n, settings, attachments, excel/, …).
- Only core/ui/ imports streamlit; nothing in core/ imports app_pages/.
- No file imports another file's _private names: a module is used through its public functions.
- Wings import each other without circles, and the shared machinery imports no wing (except the
  composers that put the whole app together: the CLI, the start-up, the demo and the UI shell).
- Every page lives in its wing's folder under app_pages/ and is in the registry (tests/test_nav.py).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"
NOT_WINGS = {"excel", "ui", "migrations", "locales", "__pycache__"}
WINGS = sorted(p.name for p in CORE.iterdir() if p.is_dir() and p.name not in NOT_WINGS)
# Shared files that may import wings because their job is to put the whole app together.
COMPOSERS = {"cli.py", "bootstrap.py", "demo.py", "__main__.py"}


def _code_files(*folders: Path) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*.py")
                  if "migrations" not in path.parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in the file, at any depth (function-level ones too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _imported_modules(path: Path) -> set[str]:
    """Dotted names of the core modules a file imports (`from core.group import members` gives
    core.group.members; `from core.models import X` gives core.models)."""
    modules = set()
    for module, names in _imports(path):
        if not module.startswith("core"):
            continue
        for name in names or [""]:
            candidate = f"{module}.{name}" if name else module
            is_module = (ROOT / (candidate.replace(".", "/") + ".py")).exists() or \
                (ROOT / candidate.replace(".", "/")).is_dir()
            modules.add(candidate if is_module else module)
    return modules


def _wing_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "core" and parts[1] in WINGS else None


def test_the_wings_are_there_each_with_a_docstring():
    assert {"group", "plan", "indicators", "messages", "system", "home"} <= set(WINGS)
    for package in [*WINGS, "excel", "ui"]:
        tree = ast.parse((CORE / package / "__init__.py").read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree)
        assert docstring and "\n" not in docstring.strip(), package


def test_only_core_ui_imports_streamlit():
    offenders = [str(path.relative_to(ROOT)) for path in _code_files(CORE)
                 if "ui" not in path.relative_to(CORE).parts[:1]
                 and any(module.split(".")[0] in ("streamlit", "streamlit_authenticator")
                         for module, _ in _imports(path))]
    assert offenders == []


def test_core_never_imports_pages():
    offenders = [str(path.relative_to(ROOT)) for path in _code_files(CORE)
                 if any(module.split(".")[0] == "app_pages" for module, _ in _imports(path))]
    assert offenders == []


def test_no_file_imports_another_files_private_names():
    offenders = []
    for path in [ROOT / "app.py", *_code_files(CORE, ROOT / "pages")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
                for alias in node.names:
                    if alias.name.startswith("_"):
                        offenders.append(f"{path.relative_to(ROOT)}: from {node.module} import {alias.name}")
                    aliases.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                aliases |= {alias.asname or alias.name for alias in node.names if alias.name.startswith("core")}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    assert offenders == []


def _wing_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {wing: set() for wing in WINGS}
    for wing in WINGS:
        for path in _code_files(CORE / wing):
            graph[wing] |= {other for other in map(_wing_of, _imported_modules(path))
                            if other and other != wing}
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle among the wings as a path (a -> b -> a), or [] when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_import_circles_between_wings():
    assert _find_cycle(_wing_graph()) == []


def test_the_circle_check_finds_a_circle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) == []


def test_shared_machinery_imports_no_wing():
    shared = [path for path in _code_files(CORE)
              if path.relative_to(CORE).parts[0] not in WINGS
              and path.relative_to(CORE).parts[0] != "ui" and path.name not in COMPOSERS]
    offenders = {str(path.relative_to(ROOT)): sorted(wings)
                 for path in shared
                 if (wings := {w for w in map(_wing_of, _imported_modules(path) - _wing_tables(path)) if w})}
    assert offenders == {}


def _wing_tables(path: Path) -> set[str]:
    """core/models.py registers each wing's own tables (core.<wing>.models) so that Alembic's env
    and create_all see every table; that registration is the one wing import it may make."""
    if path != CORE / "models.py":
        return set()
    return {module for module in _imported_modules(path) if module.endswith(".models") and _wing_of(module)}



def test_every_page_sits_in_a_wing_folder():
    from core import nav

    for page in nav.PAGES:
        parts = Path(page.path).parts
        assert len(parts) == 3 and parts[0] == "app_pages", page.path
        assert parts[1] in {*WINGS, "account"}, page.path


def test_today_is_chinas_today_everywhere():
    """The machine's clock is UTC: after 16:00 UTC it is already tomorrow in China, so "today",
    "overdue" and "this year" come from core.timeutil (china_today, utcnow), never the machine."""
    offenders = []
    for path in [ROOT / "app.py", *_code_files(CORE, ROOT / "app_pages")]:
        if path.name == "timeutil.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("today", "now") and not node.args
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("date", "datetime")):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []

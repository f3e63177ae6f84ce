"""The two profiles that ship (builtin_profiles.json): national (group basic information and the
year's figures) and provincial (the same, plus per-school, per-enterprise 产学合作 rows). Their field
codes follow the public models in ../shared/reference/ledgers-and-reporting.md; the platforms' own
import forms are not public, so these are starting points the secretariat adjusts in the app
(a stored copy of the same code wins). Data, not code: the same JSON the page imports and exports."""
from __future__ import annotations

import json
from pathlib import Path

_FILE = Path(__file__).with_name("builtin_profiles.json")
BUILTIN: dict[str, tuple[str, list[dict]]] = {
    code: (spec["name"], spec["columns"]) for code, spec in json.loads(_FILE.read_text(encoding="utf-8")).items()}

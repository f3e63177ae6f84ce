"""Scoring rules: how a source's measure becomes 0–100 points, and the checks a scheme passes
when it is saved (weights add up to 100 for every unit type, every rule has its data).

Parameters are written the way the secretariat thinks of them, "on_time=100; late=60; missing=0"
or "cap=5", and kept as a dict in the scheme.
"""
from __future__ import annotations

import math

from core.assessment.sources import CATEGORY, COUNT, RATIO, SOURCES
from core.errors import ValidationFailed
from core.i18n import Text

RULES = {"levels": CATEGORY, "ratio": RATIO, "capped": COUNT, "penalty": COUNT}
REQUIRED = {"ratio": ("full_at",), "capped": ("cap",), "penalty": ("per",)}
ALL_TYPES = ""  # a criterion for every unit type


def parse_params(text: str) -> dict[str, float]:
    """"a=1; b=2" → {"a": 1.0, "b": 2.0}; ValidationFailed naming the part that is not k=number."""
    params: dict[str, float] = {}
    for part in str(text or "").replace("；", ";").replace("，", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.replace("＝", "=").partition("=")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not sep or not key.strip() or not math.isfinite(number):
            raise ValidationFailed("assessment.bad_params", part=part)
        params[key.strip()] = number
    return params


def params_text(params: dict) -> str:
    return "; ".join(f"{k}={v:g}" for k, v in (params or {}).items())


def points(rule: str, params: dict, value) -> float | None:
    """0–100 points for a measure under a rule; None when the measure does not apply."""
    if value is None:
        return None
    if rule == "levels":
        return float(params.get(str(value), 0.0))
    if rule == "ratio":
        return 100.0 * min(1.0, float(value) / params["full_at"])
    if rule == "capped":
        return 100.0 * min(float(value), params["cap"]) / params["cap"]
    if rule == "penalty":
        return max(0.0, 100.0 - params["per"] * float(value))
    raise ValueError(rule)


def validate(criteria: list[dict], unit_types: list[str]) -> list[dict]:
    """The criteria cleaned, or ValidationFailed with every problem found (in `more`)."""
    problems: list[tuple[str, dict]] = []
    clean, codes = [], set()
    for n, raw in enumerate(criteria, start=1):
        code = str(raw.get("code") or "").strip()
        name = str(raw.get("name_zh") or "").strip()
        source, rule = str(raw.get("source") or ""), str(raw.get("rule") or "")
        unit_type = str(raw.get("unit_type") or ALL_TYPES)
        try:
            weight = float(raw.get("weight"))
        except (TypeError, ValueError):
            weight = math.nan
        params = raw.get("params") or {}
        if not code or not name:
            problems.append(("assessment.criterion_unnamed", {"row": n}))
        elif code in codes:
            problems.append(("assessment.duplicate_code", {"code": code}))
        codes.add(code)
        if source not in SOURCES:
            problems.append(("assessment.unknown_source", {"row": n, "source": source}))
        elif RULES.get(rule) != SOURCES[source].kind:
            problems.append(("assessment.rule_mismatch", {"row": n, "rule": rule, "source": source}))
        else:
            missing = [k for k in REQUIRED.get(rule, ()) if not params.get(k)]
            if rule == "levels":
                missing = [c for c in SOURCES[source].categories if c not in params]
            if missing:
                problems.append(("assessment.params_missing", {"row": n, "names": ", ".join(missing)}))
        if not math.isfinite(weight) or weight <= 0:
            problems.append(("assessment.bad_weight", {"row": n}))
        if unit_type and unit_type not in unit_types:
            problems.append(("assessment.unknown_type", {"row": n, "type": unit_type}))
        clean.append({"code": code, "name_zh": name, "name_en": str(raw.get("name_en") or "").strip(),
                      "source": source, "rule": rule, "params": dict(params),
                      "weight": weight, "unit_type": unit_type})
    if not clean:
        problems.append(("assessment.no_criteria", {}))
    for unit_type in unit_types:
        total = sum(c["weight"] for c in clean if c["unit_type"] in (ALL_TYPES, unit_type)
                    and math.isfinite(c["weight"]))
        if abs(total - 100) > 1e-6:
            problems.append(("assessment.weights_not_100", {"type": Text(f"member_type.{unit_type}"), "total": f"{total:g}"}))
    if problems:
        error = ValidationFailed(problems[0][0], **problems[0][1])
        error.more = problems[1:]
        raise error
    return clean


def for_type(criteria: list[dict], unit_type: str) -> list[dict]:
    return [c for c in criteria if c["unit_type"] in (ALL_TYPES, unit_type)]


def score(criteria: list[dict], measures: dict[str, tuple]) -> tuple[float, list[dict]]:
    """The weighted score and its breakdown; a criterion that does not apply passes its weight
    to the others (so a unit never invited to a meeting is not marked down for it)."""
    rows, applied = [], 0.0
    for c in criteria:
        value, detail = measures[c["code"]]
        got = points(c["rule"], c["params"], value)
        rows.append({"code": c["code"], "value": value, "detail": detail, "points": got, "weight": c["weight"]})
        applied += c["weight"] if got is not None else 0.0
    total = sum(r["points"] * r["weight"] for r in rows if r["points"] is not None)
    for r in rows:
        r["weighted"] = None if r["points"] is None or not applied else r["points"] * r["weight"] / applied
    return (total / applied if applied else 0.0), rows

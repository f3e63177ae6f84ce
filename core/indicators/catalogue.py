"""The indicator catalogue (指标目录): indicators, derived formulas, yearly targets, reporting windows.

A derived indicator is a formula of other codes (`S06 / S05 * 100`), checked when saved: only
numbers, codes, + - * / and brackets; every code known; no code that leads back to itself.
Evaluated on totals or on one unit's values; a division by zero or a missing input gives None.
"""
from __future__ import annotations

import ast
import re
from datetime import date

import pandas as pd
from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import StaleEditError, update_versioned
from core.errors import NotFound, ValidationFailed
from core.models import Aggregation, Indicator, IndicatorTarget, IndicatorValue, MemberType, MemberUnit, ReportingWindow

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,19}$")
GROUP_REPORTER = "group"  # reported once for the whole group, by the lead unit
REPORTER_CODES = (*[t.value for t in MemberType], GROUP_REPORTER)
FIELDS = ("code", "name_zh", "name_en", "unit_zh", "unit_en", "category", "reporter_types",
          "aggregation", "higher_is_better", "min_value", "max_value", "decimals", "formula",
          "sort_order", "active")


# ---------------------------------------------------------------- formulas
def formula_codes(formula: str) -> set[str]:
    """The indicator codes a formula uses; ValidationFailed when it is not plain arithmetic."""
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValidationFailed("indicator.formula_syntax", formula=formula) from exc
    codes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            codes.add(node.id)
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Add,
                                   ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd, ast.Load)) or isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValidationFailed("indicator.formula_syntax", formula=formula)
    return codes


def evaluate(formula: str, values: dict[str, float | None]) -> float | None:
    """The formula's value; None when an input is missing or a divisor is zero."""
    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            value = values.get(node.id)
            return None if value is None or pd.isna(value) else float(value)
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        left, right = walk(node.left), walk(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return None if right == 0 else left / right
    try:
        return walk(ast.parse(formula.strip(), mode="eval"))
    except (SyntaxError, AttributeError):
        return None


def evaluation_order(derived: list) -> list:
    """Derived indicators ordered so that each comes after the derived ones its formula uses."""
    pending = {row.code: row for row in derived}
    ordered = []
    while pending:
        ready = [row for row in pending.values() if not (formula_codes(row.formula) & set(pending) - {row.code})]
        if not ready:  # a cycle (refused when saved, so only from a hand-edited database)
            ready = list(pending.values())
        for row in ready:
            ordered.append(pending.pop(row.code))
    return ordered


def evaluate_all(derived: list, values: dict[str, float | None]) -> dict[str, float | None]:
    """Every derived indicator's value, in dependency order, from the reported `values`."""
    known = dict(values)
    for row in evaluation_order(derived):
        known[row.code] = evaluate(row.formula, known)
    return {row.code: known[row.code] for row in derived}


def check_formula(code: str, formula: str, formulas: dict[str, str]) -> None:
    """Refuse unknown codes and any chain of formulas that leads back to `code`.

    `formulas` maps every known code to its formula ("" for reported indicators).
    """
    used = formula_codes(formula)
    unknown = sorted(used - set(formulas) - {code})
    if unknown:
        raise ValidationFailed("indicator.formula_unknown", codes=", ".join(unknown))
    graph = {**formulas, code: formula}
    seen: set[str] = set()
    stack = list(used)
    while stack:
        current = stack.pop()
        if current == code:
            raise ValidationFailed("indicator.formula_cycle", code=code)
        if current in seen:
            continue
        seen.add(current)
        if graph.get(current):
            stack.extend(formula_codes(graph[current]))


# ---------------------------------------------------------------- catalogue
def catalogue(session: Session, *, include_inactive: bool = True) -> pd.DataFrame:
    query = select(Indicator).order_by(Indicator.sort_order, Indicator.code)
    if not include_inactive:
        query = query.where(Indicator.active)
    rows = [row.model_dump() for row in session.exec(query).all()]
    return pd.DataFrame(rows, columns=["id", *FIELDS, "version"])


def by_code(session: Session) -> dict[str, Indicator]:
    return {row.code: row for row in session.exec(select(Indicator)).all()}


def _clean(values: dict) -> dict:
    clean = {key: values[key] for key in FIELDS if key in values}
    for key in ("code", "name_zh", "name_en", "unit_zh", "unit_en", "category", "formula"):
        if key in clean:
            clean[key] = str(clean[key] or "").strip()
    if "code" in clean:
        clean["code"] = clean["code"].upper()
    return clean


def _validate(session: Session, clean: dict, indicator_id: int | None) -> None:
    problems: list[tuple[str, dict]] = []
    if not CODE_PATTERN.match(clean.get("code", "")):
        problems.append(("indicator.bad_code", {}))
    if not clean.get("name_zh") or not clean.get("name_en"):
        problems.append(("indicator.name_required", {}))
    if clean.get("aggregation") not in set(Aggregation):
        problems.append(("indicator.bad_aggregation", {}))
    if not set(clean.get("reporter_types") or []) <= set(REPORTER_CODES):
        problems.append(("indicator.bad_reporters", {}))
    low, high = clean.get("min_value"), clean.get("max_value")
    if low is not None and high is not None and low > high:
        problems.append(("indicator.min_above_max", {}))
    if not 0 <= int(clean.get("decimals") or 0) <= 4:
        problems.append(("indicator.bad_decimals", {}))
    if not clean.get("formula") and not clean.get("reporter_types"):
        problems.append(("indicator.no_reporters", {}))
    if clean.get("aggregation") == Aggregation.LATEST and list(clean.get("reporter_types") or []) != [GROUP_REPORTER]:
        # "the latest value" only makes a total when one unit reports it for the whole group
        problems.append(("indicator.latest_group_only", {}))
    clash = session.exec(select(Indicator.id).where(Indicator.code == clean.get("code"))).first()
    if clash is not None and clash != indicator_id:
        problems.append(("indicator.duplicate_code", {"code": clean.get("code")}))
    if problems:
        error = ValidationFailed(problems[0][0], **problems[0][1])
        error.more = problems[1:]
        raise error
    if clean.get("formula"):
        formulas = {row.code: row.formula for row in session.exec(select(Indicator)).all()
                    if row.id != indicator_id}
        check_formula(clean["code"], clean["formula"], formulas)


def save_indicator(session: Session, current: CurrentUser, *, values: dict,
                   indicator_id: int | None = None, expected_version: int | None = None) -> int:
    """Add (no id) or change an indicator; a derived one gets no reporters of its own."""
    require_role(current, *STAFF_ROLES)
    clean = _clean(values)
    if clean.get("formula"):
        clean["reporter_types"] = []
    if indicator_id is None:
        clean = {"aggregation": Aggregation.SUM, "reporter_types": [], **clean}
        _validate(session, clean, None)
        row = Indicator(**clean)
        session.add(row)
        session.flush()
        audit.record(session, action="indicator_added", actor_id=current.id,
                     actor_name=current.username, entity="indicator", entity_id=row.id,
                     after=audit.snapshot(row, FIELDS))
        return row.id
    row = session.get(Indicator, indicator_id)
    if row is None:
        raise NotFound("indicator.not_found")
    before = audit.snapshot(row, FIELDS)
    merged = {**before, **clean}
    _validate(session, merged, indicator_id)
    if row.code != merged["code"] and session.exec(
            select(IndicatorValue.id).where(IndicatorValue.indicator_id == indicator_id)).first():
        raise ValidationFailed("indicator.code_in_use")
    changed = {key: value for key, value in clean.items() if before.get(key) != value}
    if not changed:
        return indicator_id
    update_versioned(session, Indicator, indicator_id, expected_version or row.version, changed)
    audit.record(session, action="indicator_changed", actor_id=current.id,
                 actor_name=current.username, entity="indicator", entity_id=indicator_id,
                 before={k: before[k] for k in changed}, after=changed)
    return indicator_id


def reports(indicator: Indicator, unit_type: str, is_lead: bool) -> bool:
    """Whether a unit of this type reports the indicator: its type's, and for the lead unit
    (where the secretariat sits) also the group-level ones. Derived and inactive ones: nobody."""
    if indicator.formula or not indicator.active:
        return False
    return unit_type in indicator.reporter_types or (is_lead and GROUP_REPORTER in indicator.reporter_types)


def reported_for(session: Session, member_id: int) -> list[Indicator]:
    """The indicators a unit reports: its type's, plus the group-level ones for the lead unit."""
    unit = session.get(MemberUnit, member_id)
    if unit is None:
        raise NotFound("member.not_found")
    rows = session.exec(select(Indicator).where(Indicator.active, Indicator.formula == "")
                        .order_by(Indicator.sort_order, Indicator.code)).all()
    return [row for row in rows if reports(row, unit.unit_type, unit.is_lead)]


# ---------------------------------------------------------------- targets and windows
def targets(session: Session) -> pd.DataFrame:
    rows = session.exec(select(IndicatorTarget.indicator_id, Indicator.code, IndicatorTarget.year,
                               IndicatorTarget.target_value)
                        .join(Indicator, Indicator.id == IndicatorTarget.indicator_id)).all()
    return pd.DataFrame(rows, columns=["indicator_id", "code", "year", "target"])


def set_targets(session: Session, current: CurrentUser, *,
                changes: dict[tuple[int, int], tuple[float | None, float | None]]) -> int:
    """Set (or with None, remove) group targets keyed by (indicator_id, year), each given as
    (value the editor started from, new value); returns how many changed.

    A target someone else changed since the editor was opened refuses the whole save."""
    require_role(current, *STAFF_ROLES)
    changed = 0
    for (indicator_id, year), (old, value) in changes.items():
        if session.get(Indicator, indicator_id) is None:
            raise NotFound("indicator.not_found")
        if not 2000 <= int(year) <= 2100:
            raise ValidationFailed("indicator.bad_year", year=year)
        if value is not None and (pd.isna(value) or value < 0):
            raise ValidationFailed("indicator.bad_target", year=year)
        row = session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator_id,
                                                         IndicatorTarget.year == year)).first()
        stored = row.target_value if row else None
        if stored != old:
            raise StaleEditError()
        if stored == value:
            continue
        if value is None:
            session.delete(row)
        elif row is None:
            session.add(IndicatorTarget(indicator_id=indicator_id, year=int(year), target_value=float(value)))
        else:
            row.target_value, row.version = float(value), row.version + 1
            session.add(row)
        audit.record(session, action="target_set", actor_id=current.id, actor_name=current.username,
                     entity="indicator", entity_id=indicator_id, before={str(year): stored},
                     after={str(year): value})
        changed += 1
    return changed


def reporting_years(session: Session) -> list[int]:
    """The years units may report, newest first: the current reporting year and every year
    the secretariat opened a reporting window for."""
    from core.settings import reporting_year

    opened = set(session.exec(select(ReportingWindow.year)).all())
    return sorted(opened | {reporting_year(session)}, reverse=True)


def windows(session: Session) -> pd.DataFrame:
    rows = session.exec(select(ReportingWindow).order_by(ReportingWindow.year.desc())).all()
    return pd.DataFrame([row.model_dump() for row in rows],
                        columns=["id", "year", "opens_on", "deadline", "version"])


def window(session: Session, year: int) -> ReportingWindow | None:
    return session.exec(select(ReportingWindow).where(ReportingWindow.year == year)).first()


def set_window(session: Session, current: CurrentUser, *, year: int, opens_on: date, deadline: date,
               expected_version: int = 0) -> None:
    """A year's reporting window; `expected_version` is the window's version when the editor was
    opened (0: there was none), so two people setting it at once do not overwrite each other."""
    require_role(current, *STAFF_ROLES)
    if not 2000 <= year <= 2100:
        raise ValidationFailed("indicator.bad_year", year=year)
    if deadline < opens_on:
        raise ValidationFailed("indicator.deadline_before_open")
    if deadline <= date(year, 12, 31):
        raise ValidationFailed("indicator.deadline_in_year", year=year)
    row = window(session, year)
    if (row.version if row else 0) != expected_version:
        raise StaleEditError()
    before = None if row is None else {"opens_on": row.opens_on, "deadline": row.deadline}
    if row is None:
        session.add(ReportingWindow(year=year, opens_on=opens_on, deadline=deadline))
        _announce_window(session, current, year=year, opens_on=opens_on, deadline=deadline)
    else:
        update_versioned(session, ReportingWindow, row.id, expected_version,
                         {"opens_on": opens_on, "deadline": deadline})
    audit.record(session, action="window_set", actor_id=current.id, actor_name=current.username,
                 entity="reporting_window", entity_id=year, before=before,
                 after={"opens_on": opens_on, "deadline": deadline})


def _announce_window(session: Session, current: CurrentUser, *, year: int, opens_on: date, deadline: date) -> None:
    """A year opened for reporting reaches every unit that reports it, in their inbox."""
    from core.i18n import translate
    from core.indicators.completeness import expected_units
    from core.messages import system

    units = [int(unit_id) for unit_id in expected_units(session, year)["member_id"]]
    if units:
        system.send_system(session, title=translate("indicator.window_message_title", year=year),
                           body=translate("indicator.window_message_body", year=year, opens_on=opens_on.isoformat(),
                                          deadline=deadline.isoformat()),
                           member_ids=units, sender=current)

"""Export profiles as data: what a target platform's workbook holds and where each cell comes from.

A profile is a flat list of columns, each {sheet, rows, code, label, source, scale, decimals}:
- `rows`: "single" (one record: the group's figures, written as code / label / value lines) or
  "cooperation" (one row per school × partner enterprise, from the year's counted ledger entries);
- `source`, one of
    profile.FIELD            the year's group profile (choices written as their Chinese label)
    count.KEY, count_last.KEY  counts from the registry (members, members_school, joined …)
    indicator.CODE[.target|.last]  approved group total, the year's target, last year's total
    ledger.KIND.count|quantity|amount_fen  counted entries of a ledger kind in the year
    ledger_sum:KIND.FIELD[?FIELD2=VALUE]  a sum (or `count`) of a ledger field, with a filter
    row.school_code|school_name|partner_code|partner_name|start_month   (cooperation rows)
    row.KIND.FIELD[?FIELD2=VALUE]  that school and partner's sum of a field (or `count`)
    plan.progress, messages.notice, meetings.held, completeness.pct, year, lead_unit …  the summary's items
    const:TEXT               a constant
    = {a} + {b} * 100        a formula of sources in braces (+ - * / and brackets)
    (empty)                  the cell is left empty (the platform asks, the group keeps no data)
- `scale`: "", "fen_to_wan", "fen_to_yuan", "yuan_to_wan" (元 → 万元); `decimals`: rounding.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from core.ledgers.kinds import KINDS
from core.reports.profile import COUNT_KEYS, FIELDS

ROW_KINDS = ("single", "cooperation")
SCALES = {"": 1.0, "fen_to_wan": 1e-6, "fen_to_yuan": 1e-2, "yuan_to_wan": 1e-4}
ROW_FIELDS = ("school_code", "school_name", "partner_code", "partner_name", "start_month")
# the summary's other items (core.reports.summary.flatten), by group
SUMMARY_ITEMS = {"year", "lead_unit",
                 *(f"plan.{k}" for k in ("progress", "expected", "milestones", "overdue", "done", "title")),
                 *(f"messages.{k}" for k in ("notice", "document", "minutes", "bulletin")),
                 *(f"meetings.{k}" for k in ("held", "council", "standing_council", "office", "seminar", "event")),
                 *(f"completeness.{k}" for k in ("expected", "approved", "pct"))}
LEDGER_COLUMNS = ("count", "quantity", "amount_fen", "last_count", "last_quantity", "last_amount_fen")
COLUMN_KEYS = ("sheet", "rows", "code", "label", "source", "scale", "decimals")
BRACED = re.compile(r"\{([^{}]+)\}")
FIELD_SOURCE = re.compile(r"^(?P<kind>\w+)\.(?P<field>\w+)(?:\?(?P<filter>\w+)=(?P<value>[^&]*))?$")


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line of the profile's column list
    key: str
    params: dict


def ledger_field(text: str) -> tuple[str, str, str | None, str | None] | None:
    """(kind, field, filter field, filter value) of "KIND.FIELD[?F=V]", None if it names nothing."""
    match = FIELD_SOURCE.match(text)
    if not match or match["kind"] not in KINDS:
        return None
    kind = KINDS[match["kind"]]
    keys = {f.key for f in kind.fields}
    numeric = {f.key for f in kind.numeric_fields}
    if match["field"] != "count" and match["field"] not in numeric:
        return None
    if match["filter"] and match["filter"] not in keys:
        return None
    return match["kind"], match["field"], match["filter"], match["value"]


def known_source(source: str, rows: str, indicator_codes: set[str]) -> bool:
    """Does a (non-formula) source name something that exists?"""
    if source == "" or source.startswith("const:") or source in SUMMARY_ITEMS:
        return True
    head, _, rest = source.partition(".")
    if head == "profile":
        return rest in {f.key for f in FIELDS}
    if head in ("count", "count_last"):
        return rest in COUNT_KEYS or rest == "council_term"
    if head == "indicator":
        code, _, which = rest.partition(".")
        return code in indicator_codes and which in ("", "target", "last")
    if head == "ledger":
        kind, _, column = rest.partition(".")
        return kind in KINDS and column in LEDGER_COLUMNS
    if source.startswith("ledger_sum:"):
        return ledger_field(source[len("ledger_sum:"):]) is not None
    if head == "row" and rows == "cooperation":
        return rest in ROW_FIELDS or ledger_field(rest) is not None
    return False


def formula_refs(source: str) -> list[str]:
    return BRACED.findall(source)


def evaluate_formula(source: str, value_of) -> float | None:
    """A formula's value; `value_of(ref)` gives each braced source's value. None when an input is
    missing or it divides by zero (a cell left empty, never a made-up 0)."""
    names, values = {}, []
    for index, ref in enumerate(dict.fromkeys(formula_refs(source))):
        names[ref] = f"v{index}"
        values.append(value_of(ref))
    expression = BRACED.sub(lambda m: names[m.group(1)], source.lstrip("= "))
    tree = _parse(expression)
    if any(v is None for v in values):
        return None
    try:
        return float(_eval(tree.body, {f"v{i}": float(v) for i, v in enumerate(values)}))
    except (ZeroDivisionError, TypeError, ValueError):
        return None


def _parse(expression: str) -> ast.Expression:
    tree = ast.parse(expression, mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Add,
                                 ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd, ast.Load)):
            raise SyntaxError("not allowed")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise SyntaxError("not a number")
    return tree


def _eval(node, env: dict) -> float:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, env)
        return -value if isinstance(node.op, ast.USub) else value
    left, right = _eval(node.left, env), _eval(node.right, env)
    return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}.get(type(node.op)) \
        if not isinstance(node.op, ast.Div) else left / right


def clean_columns(columns: list[dict]) -> list[dict]:
    """Each column with every key, as text (decimals as int or None), in the given order."""
    out = []
    for raw in columns:
        column = {key: ("" if raw.get(key) is None else str(raw.get(key)).strip()) for key in COLUMN_KEYS}
        if column["decimals"] in ("", "nan", "None"):
            column["decimals"] = None
        else:
            try:
                column["decimals"] = int(float(column["decimals"]))
            except ValueError:
                column["decimals"] = column["decimals"]  # reported by problems()
        column["rows"] = column["rows"] or "single"
        out.append(column)
    return [c for c in out if any(c[k] for k in ("sheet", "code", "label", "source"))]


def problems(columns: list[dict], indicator_codes: set[str]) -> list[Problem]:
    """Every rule a cleaned column list breaks: missing sheet or code, a sheet mixing row kinds,
    duplicate codes in a sheet, an unknown source, a bad formula, scale or rounding."""
    found: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    sheet_rows: dict[str, str] = {}
    if not columns:
        found.append(Problem(0, "report_mapping.empty", {}))
    for line, column in enumerate(columns, start=1):
        sheet, code, source = column["sheet"], column["code"], column["source"]
        if not sheet or not code:
            found.append(Problem(line, "report_mapping.sheet_code_required", {}))
            continue
        if column["rows"] not in ROW_KINDS:
            found.append(Problem(line, "report_mapping.bad_rows", {"value": column["rows"]}))
        elif sheet_rows.setdefault(sheet, column["rows"]) != column["rows"]:
            found.append(Problem(line, "report_mapping.mixed_rows", {"sheet": sheet}))
        if (sheet, code) in seen:
            found.append(Problem(line, "report_mapping.duplicate_code", {"code": code, "first": seen[(sheet, code)]}))
        seen.setdefault((sheet, code), line)
        if column["scale"] not in SCALES:
            found.append(Problem(line, "report_mapping.bad_scale", {"value": column["scale"]}))
        if column["decimals"] is not None and not (isinstance(column["decimals"], int) and 0 <= column["decimals"] <= 6):
            found.append(Problem(line, "report_mapping.bad_decimals", {}))
        if source.startswith("="):
            refs = formula_refs(source)
            try:
                _parse(BRACED.sub("v", source.lstrip("= ")))
            except SyntaxError:
                found.append(Problem(line, "report_mapping.bad_formula", {"source": source}))
                continue
            unknown = [ref for ref in refs if ref.startswith("=") or not known_source(ref, column["rows"], indicator_codes)]
            if not refs or unknown:
                found.append(Problem(line, "report_mapping.unknown_source", {"source": ", ".join(unknown) or source}))
        elif not known_source(source, column["rows"], indicator_codes):
            found.append(Problem(line, "report_mapping.unknown_source", {"source": source}))
    return found

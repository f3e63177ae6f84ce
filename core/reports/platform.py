"""Platform workbooks (上报): export profiles stored and edited as data, the workbook a profile
makes from the year's summary, its preview against last year's submission, the submission
frozen with its hash and figures, and what changed since it was submitted."""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import StaleEditError, update_versioned
from core.errors import NotFound, ValidationFailed
from core.excel.writer import Column, Sheet, write_workbook
from core.i18n import translate
from core.ledgers import query as ledger_query
from core.ledgers.kinds import PUBLIC_STATUSES
from core.models import Indicator, MemberType, MemberUnit
from core.reports import mapping
from core.reports.builtin import BUILTIN
from core.reports.models import ExportProfile
from core.reports.profile import FIELDS_BY_KEY
from core.reports.summary import YearSummary, year_summary
from core.timeutil import utcnow

CODE_MAX = 40


@dataclass(frozen=True)
class ProfileDef:
    code: str
    name: str
    columns: list[dict]
    version: int  # 0: a built-in profile never edited (saving stores it)
    builtin: bool


# ---------------------------------------------------------------- profiles as data
def profiles(session: Session, current: CurrentUser | None) -> list[ProfileDef]:
    """Stored profiles and the built-in ones not stored yet (their shipped definition)."""
    require_role(current, *STAFF_ROLES)
    stored = {row.code: row for row in session.exec(select(ExportProfile).order_by(ExportProfile.code)).all()}
    out = [ProfileDef(code, name, mapping.clean_columns(columns), 0, True)
           for code, (name, columns) in BUILTIN.items() if code not in stored]
    out += [ProfileDef(row.code, row.name, mapping.clean_columns(row.spec.get("columns", [])), row.version,
                       row.builtin) for row in stored.values()]
    return sorted(out, key=lambda p: (not p.builtin, p.code))


def profile_def(session: Session, current: CurrentUser | None, *, code: str) -> ProfileDef:
    found = next((p for p in profiles(session, current) if p.code == code), None)
    if found is None:
        raise NotFound("report_mapping.unknown_profile", code=code)
    return found


def _indicator_codes(session: Session) -> set[str]:
    return set(session.exec(select(Indicator.code)).all())


def check(session: Session, current: CurrentUser | None, *, columns: list[dict]) -> list[mapping.Problem]:
    require_role(current, *STAFF_ROLES)
    return mapping.problems(mapping.clean_columns(columns), _indicator_codes(session))


def save(session: Session, current: CurrentUser | None, *, code: str, name: str, columns: list[dict],
         expected_version: int) -> dict:
    """Store a profile (new, or a new version of a stored or built-in one) once it validates."""
    require_role(current, *STAFF_ROLES)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > CODE_MAX or not code.replace("_", "").replace("-", "").isalnum() or not name:
        raise ValidationFailed("report_mapping.bad_code")
    columns = mapping.clean_columns(columns)
    found = mapping.problems(columns, _indicator_codes(session))
    if found:
        error = ValidationFailed(found[0].key, line=found[0].line, **found[0].params)
        error.more = [(p.key, {"line": p.line, **p.params}) for p in found[1:]]
        raise error
    row = session.exec(select(ExportProfile).where(ExportProfile.code == code)).first()
    spec = {"columns": columns}
    if row is None:
        if expected_version != 0:
            raise StaleEditError()
        session.add(ExportProfile(code=code, name=name, spec=spec, builtin=code in BUILTIN, updated_by=current.id))
        before = None
    else:
        if row.spec == spec and row.name == name:
            return {}
        before = {"name": row.name, "columns": len(row.spec.get("columns", []))}
        update_versioned(session, ExportProfile, row.id, expected_version,
                         {"name": name, "spec": spec, "updated_by": current.id, "updated_at": utcnow()})
    audit.record(session, action="export_profile_saved", actor_id=current.id, actor_name=current.username,
                 entity="export_profile", entity_id=code, before=before,
                 after={"name": name, "columns": len(columns)})
    return {"columns": len(columns)}


def to_json(session: Session, current: CurrentUser | None, *, code: str) -> bytes:
    found = profile_def(session, current, code=code)
    return json.dumps({"code": found.code, "name": found.name, "columns": found.columns},
                      ensure_ascii=False, indent=1).encode("utf-8")


def import_json(session: Session, current: CurrentUser | None, *, content: bytes) -> str:
    """A profile from its JSON (as `to_json` writes it): replaces the stored one of that code."""
    require_role(current, *STAFF_ROLES)
    try:
        data = json.loads(content.decode("utf-8-sig"))
        code, name, columns = str(data["code"]), str(data["name"]), list(data["columns"])
        if not all(isinstance(c, dict) for c in columns):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ValidationFailed("report_mapping.bad_json") from None
    row = session.exec(select(ExportProfile).where(ExportProfile.code == code)).first()
    save(session, current, code=code, name=name, columns=columns, expected_version=row.version if row else 0)
    return code


# ---------------------------------------------------------------- cells
def _cooperation_rows(session: Session, current: CurrentUser, year: int) -> list[dict]:
    """One record per school × partner enterprise: the school's counted entries of the year naming
    that partner (or reported by a member enterprise naming the school), by kind."""
    entries = ledger_query.entries(session, current, ledger_query.LedgerFilter(years=(year,), statuses=PUBLIC_STATUSES))
    partners = ledger_query.partners_by_entry(session, [e.id for e in entries])
    units = {u.id: u for u in session.exec(select(MemberUnit)).all()}
    rows: dict[tuple[str, str], dict] = {}
    for entry in entries:
        reporter = units.get(entry.member_id)
        for partner in partners.get(entry.id, []):
            other = units.get(partner.member_id) if partner.member_id else None
            if reporter is not None and reporter.unit_type == MemberType.SCHOOL and \
                    (other is None or other.unit_type == MemberType.ENTERPRISE):
                school, code, name = reporter, other.credit_code if other else partner.credit_code, \
                    other.name if other else partner.name
            elif other is not None and other.unit_type == MemberType.SCHOOL and reporter is not None \
                    and reporter.unit_type == MemberType.ENTERPRISE:
                school, code, name = other, reporter.credit_code, reporter.name
            else:
                continue
            key = (school.credit_code, code or name)
            row = rows.setdefault(key, {"school_code": school.credit_code, "school_name": school.name,
                                        "partner_code": code or "", "partner_name": name, "start_month": "",
                                        "_entries": []})
            row["_entries"].append(entry)
            if entry.started_on:
                month = entry.started_on.strftime("%Y-%m")
                row["start_month"] = min(row["start_month"] or month, month)
    return [rows[key] for key in sorted(rows)]


def _field_sum(entries, spec: str) -> float | None:
    kind, field, flt, value = mapping.ledger_field(spec)
    chosen = [e for e in entries if e.kind == kind and (flt is None or str((e.extra or {}).get(flt, "")) == value)]
    if field == "count":
        return float(len(chosen))
    return float(sum((e.extra or {}).get(field) or 0 for e in chosen))


def _scaled(value, column: dict):
    if value is None or isinstance(value, str):
        return value
    value = float(value) * mapping.SCALES[column["scale"]]
    return round(value, column["decimals"]) if column["decimals"] is not None else value


def _resolve(source: str, figures: dict, row: dict | None, year_entries) -> object:
    if source == "":
        return None
    if source.startswith("const:"):
        return source[len("const:"):]
    if source.startswith("="):
        return mapping.evaluate_formula(source, lambda ref: _number(_resolve(ref, figures, row, year_entries)))
    if source.startswith("ledger_sum:"):
        return _field_sum(year_entries(), source[len("ledger_sum:"):])
    if source.startswith("row."):
        rest = source[4:]
        return row.get(rest) if rest in mapping.ROW_FIELDS else _field_sum(row["_entries"], rest)
    value = figures.get(source)
    if source.startswith("profile.") and value:
        field = FIELDS_BY_KEY[source[len("profile."):]]
        if field.kind == "choice":  # platforms ask for the label, not our code
            return translate(f"report_profile.c_{field.key}_{value}", "zh")
        if field.kind == "number":
            return _number(value)
    return None if value == "" else value


def _number(value):
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def cells(session: Session, current: CurrentUser | None, *, year: int, code: str,
          summary: YearSummary | None = None) -> pd.DataFrame:
    """Every cell the profile makes for the year: sheet, row (a stable key), code, label, source, value."""
    require_role(current, *STAFF_ROLES)
    found = profile_def(session, current, code=code)
    summary = summary or year_summary(session, current, year=year)
    cache: dict = {}

    def year_entries():
        if "entries" not in cache:
            cache["entries"] = ledger_query.entries(session, current, ledger_query.LedgerFilter(
                years=(year,), statuses=PUBLIC_STATUSES))
        return cache["entries"]
    by_sheet: dict[str, list[dict]] = defaultdict(list)
    for column in found.columns:
        by_sheet[column["sheet"]].append(column)
    out = []
    for sheet, columns in by_sheet.items():
        if columns[0]["rows"] == "cooperation":
            records = _cooperation_rows(session, current, year)
            keys = [f"{r['school_code']}/{r['partner_code'] or r['partner_name']}" for r in records]
        else:
            records, keys = [None], ["1"]
        for key, record in zip(keys, records):
            for column in columns:
                value = _scaled(_resolve(column["source"], summary.figures, record, year_entries), column)
                out.append({"sheet": sheet, "row": key, "code": column["code"], "label": column["label"],
                            "source": column["source"], "rows": column["rows"], "value": value})
    return pd.DataFrame(out, columns=["sheet", "row", "code", "label", "source", "rows", "value"])


def figures_of(frame: pd.DataFrame) -> dict:
    """{"sheet!row!code": value} — what a submission keeps and later compares."""
    return {f"{r.sheet}!{r.row}!{r.code}": (None if r.value is None or (isinstance(r.value, float) and pd.isna(r.value))
                                            else r.value) for r in frame.itertuples()}


def workbook(frame: pd.DataFrame, *, title: str) -> bytes:
    """The platform workbook: a single-record sheet as code / label / value lines, a row sheet
    with the labels as its header row, and a field dictionary (sheet, code, label, source)."""
    sheets = []
    for sheet, part in frame.groupby("sheet", sort=False):
        if part["rows"].iloc[0] == "single":
            sheets.append(Sheet(sheet, [Column("code", "字段代码", width=14), Column("label", "字段名称", width=30),
                                        Column("value", "值", "number", width=40)],
                                _single_rows(part), title=title))
        else:
            columns = list(dict.fromkeys(zip(part["code"], part["label"])))
            wide = part.pivot_table(index="row", columns="code", values="value", aggfunc="first", dropna=False,
                                    sort=False).reset_index() if len(part) else pd.DataFrame(columns=[c for c, _ in columns])
            sheets.append(Sheet(sheet, [Column(c, label, _kind(part, c), width=max(12, len(label) * 2))
                                        for c, label in columns], wide, title=title))
    dictionary = frame.drop_duplicates(["sheet", "code"])[["sheet", "code", "label", "source"]]
    sheets.append(Sheet("字段说明", [Column("sheet", "工作表"), Column("code", "字段代码"), Column("label", "字段名称", width=30),
                                  Column("source", "数据来源", width=50)], dictionary))
    return write_workbook(sheets)


def _single_rows(part: pd.DataFrame) -> list[dict]:
    return [{"code": r.code, "label": r.label, "value": r.value} for r in part.itertuples()]


def _kind(part: pd.DataFrame, code: str) -> str:
    values = [v for v in part[part["code"] == code]["value"] if v is not None and not isinstance(v, str)]
    return "number" if values else "text"


def file_name(code: str, year: int) -> str:
    return f"{code}-{year}.xlsx"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()

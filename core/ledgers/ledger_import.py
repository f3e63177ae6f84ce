"""Importing ledgers from Excel, through the shared dry run (core/excel/importer.py).

Templates and exports import as they are; so do the ledgers people keep: the reporting unit and
year in a column or only in the title rows (「山东劳动职业技术学院订单班台账（2021年）」,
「填报单位：…」), 序号 columns, merged title rows, totals (合计, 小计, 总计) and signature or phone lines
under the table (skipped), header synonyms, dates as 2019.09 or 2019年9月, amounts as 5万元 or
50,000. Unit names are matched to the registry (credit code, name, short name); a near match is
rejected with the registry's name as a suggestion the user may accept (`accepted`).

Every sheet of a workbook is planned (an export holds a sheet per kind); the kind of each is
recognised from its headers, or given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import UserFacingError
from core.excel import importer
from core.excel.reader import HEADER_SCAN_ROWS, Limits, Table, check_bytes, header_key, read_sheets, text
from core.i18n import Text
from core.ledgers import entries
from core.ledgers.exchange import aliases
from core.ledgers.kinds import KINDS, Kind
from core.ledgers.matching import UnitMatcher, folded
from core.ledgers.values import BadValue, parse, parse_date, parse_year, plain
from core.models import LedgerEntry, LedgerYearLock, Role
from core.settings import excel_limits

TOTAL = re.compile(r"^(合计|小计|总计|共计|合\s*计|总\s*计)")
SIGNATURE = re.compile(r"(填表人|填报人|制表人|审核人|负责人|联系人|联系电话|电话|签字|签章|盖章|填报日期|填表日期|"
                       r"单位公章)\s*[:：]|^\s*(注|说明)\s*[:：]")
UNIT_LINE = re.compile(r"(?:填报单位|单位名称|填表单位)\s*[:：]\s*([^\s:：]+)")
YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*(?:年|年度)")
SPLIT = re.compile(r"[、;；/\n]+")
KEYS = ("title", "unit", "unit_code", "year", "partner", "partner_code", "started_on", "ended_on", "description")


def required(kind: Kind) -> set[str]:
    return {"title"} | {f"f_{f.key}" for f in kind.fields if f.required}


@dataclass
class _Context:
    """What one dry run knows besides the rows: who imports, the registry, what is stored."""

    session: Session
    current: CurrentUser | None
    kind: Kind
    matcher: UnitMatcher
    locked: set[int]
    existing: dict[str, tuple[int, dict]] = field(default_factory=dict)
    by_id: dict[int, str] = field(default_factory=dict)
    preambles: dict[int, tuple[int | None, str, int | None]] = field(default_factory=dict)


def _current_values(entry: LedgerEntry, partners: list, kind: Kind) -> dict:
    values = {"title": entry.title, "member_id": entry.member_id, "year": entry.year,
              "started_on": entry.started_on, "ended_on": entry.ended_on, "description": entry.description,
              "partners": "、".join(f"{p.name}|{p.credit_code}" for p in partners)}
    values.update({f"f_{f.key}": entry.extra.get(f.key) for f in kind.fields})
    return values


def _natural_key(member_id: int, year: int, title: str) -> str:
    return f"{member_id}|{year}|{folded(title)}"


def _load_existing(ctx: _Context) -> None:
    from core.ledgers.query import partners_by_entry

    rows = ctx.session.exec(select(LedgerEntry).where(LedgerEntry.kind == ctx.kind.code)).all()
    partners = partners_by_entry(ctx.session, [r.id for r in rows])
    for entry in rows:
        key = _natural_key(entry.member_id, entry.year, entry.title)
        ctx.existing[key] = (entry.id, {**_current_values(entry, partners[entry.id], ctx.kind),
                                        "_version": entry.version})
        ctx.by_id[entry.id] = key


def _preamble(ctx: _Context, table: Table) -> tuple[int | None, str, int | None]:
    """The unit (id, or the name written when it is not found) and year named in the title rows."""
    if id(table) not in ctx.preambles:
        lines = " ".join(table.preamble)
        unit_id, written, year = None, "", None
        found = UNIT_LINE.search(lines)
        if found:
            written = found.group(1)
            unit_id = ctx.matcher.find(written).member_id
        if unit_id is None:  # a registry name inside the title: 「山东劳动职业技术学院订单班台账」
            hits = [(len(name), uid) for uid, name in ctx.matcher.names.items() if name and name in lines]
            if hits:
                unit_id, written = max(hits)[1], ""
        year_found = YEAR_IN_TITLE.search(lines)
        year = int(year_found.group(1)) if year_found else None
        ctx.preambles[id(table)] = (unit_id, written, year)
    return ctx.preambles[id(table)]


def _is_not_data(raw: dict) -> bool:
    cells = [cell for cell in map(text, raw.values()) if cell]
    if not cells:
        return True
    if any(TOTAL.match(cell) for cell in cells[:3]) or TOTAL.match(text(raw.get("title"))):
        return True
    return bool(SIGNATURE.search(" ".join(cells))) and not text(raw.get("year"))


def _parse_row(ctx: _Context, raw: dict, table: Table, row: int):
    if _is_not_data(raw):
        return None, []
    problem = lambda column, key, **params: importer.column_problem(table, row, column, key, **params)  # noqa: E731
    problems = []
    if ctx.current is None:
        return {}, [problem("", "auth.login_required")]
    values: dict = {"title": plain(raw.get("title"))[:300], "description": plain(raw.get("description"))[:4000],
                    "_kind": ctx.kind.code, "_sheet": table.sheet, "_year_column": table.columns.get("year", "")}
    title_unit, title_written, title_year = _preamble(ctx, table)
    # the reporting unit: its column (credit code, then name), else the title rows, else the liaison's own
    written, code = text(raw.get("unit")), text(raw.get("unit_code")).upper()
    unit_id = None
    if written or code:
        match = ctx.matcher.find(written, code)
        unit_id = match.member_id
        if unit_id is None:
            problems.append(_unknown(table, row, "unit" if written else "unit_code", written or code, match, ctx))
    elif title_unit is not None:
        unit_id = title_unit
    elif title_written:
        problems.append(_unknown(table, row, "unit", title_written, ctx.matcher.find(title_written), ctx))
    elif ctx.current.role == Role.MEMBER:
        unit_id = ctx.current.member_id
    else:
        problems.append(problem("unit", "ledger.unit_missing"))
    if unit_id is not None and ctx.current.role == Role.MEMBER and unit_id != ctx.current.member_id:
        problems.append(problem("unit", "ledger.not_your_unit_row", unit=ctx.matcher.names.get(unit_id, "")))
    values["member_id"] = unit_id
    try:
        values["started_on"] = parse_date(raw.get("started_on"))
        values["ended_on"] = parse_date(raw.get("ended_on"))
    except BadValue as bad:
        column = "started_on" if "started_on" not in values else "ended_on"
        problems.append(problem(column, bad.key, **bad.params))
    try:
        year = parse_year(raw.get("year")) or title_year or (values.get("started_on").year
                                                              if values.get("started_on") else None)
    except BadValue as bad:
        year = None
        problems.append(problem("year", bad.key, **bad.params))
    else:
        if year is None:
            problems.append(problem("year", "ledger.year_missing"))
    values["year"] = year
    if not values["title"]:
        problems.append(problem("title", "ledger.title_required", field=ctx.kind.title.zh))
    for spec in ctx.kind.fields:
        key = f"f_{spec.key}"
        try:
            values[key] = parse(spec, raw.get(key), table.columns.get(key, ""))
        except BadValue as bad:
            problems.append(problem(key, bad.key, **bad.params))
            continue
        if values[key] is None and spec.required:
            problems.append(problem(key, "ledger.field_required", field=spec.zh))
    problems += _partners(ctx, raw, table, row, values, unit_id)
    if problems:
        return values, problems
    values["key"] = _key(ctx, raw, values)
    if values["key"] in ctx.existing:  # the version the dry run saw: a save meanwhile is refused
        values["_version"] = ctx.existing[values["key"]][1]["_version"]
    return values, []


def _unknown(table: Table, row: int, column: str, written: str, match, ctx: _Context):
    if match.suggestion:
        suggestion_id = next(uid for uid, name in ctx.matcher.names.items() if name == match.suggestion)
        return importer.column_problem(table, row, column, "ledger.near_unit", value=written,
                                       suggestion=match.suggestion, suggestion_id=suggestion_id)
    return importer.column_problem(table, row, column, "ledger.unknown_unit", value=written)


def _partners(ctx: _Context, raw: dict, table: Table, row: int, values: dict, unit_id: int | None) -> list:
    names = [n.strip() for n in SPLIT.split(plain(raw.get("partner"))) if n.strip()]
    codes = [c.strip().upper() for c in SPLIT.split(text(raw.get("partner_code"))) if c.strip()]
    found, problems = [], []
    for index, name in enumerate(names):
        code = codes[index] if index < len(codes) else ""
        match = ctx.matcher.find(name, code)
        if match.member_id is not None:
            if match.member_id == unit_id:
                problems.append(importer.column_problem(table, row, "partner", "ledger.partner_is_self"))
                continue
            found.append(entries.PartnerInput(match.member_id, ctx.matcher.names[match.member_id],
                                              _code_of(ctx, match.member_id)))
        elif match.suggestion and not ctx.matcher.is_accepted(name):
            problems.append(_unknown(table, row, "partner", name, match, ctx))
        else:  # an outside organisation, by name and credit code
            found.append(entries.PartnerInput(None, name[:200], code[:18]))
    if ctx.kind.partner_required and not found and not problems:
        problems.append(importer.column_problem(table, row, "partner", "ledger.partner_required",
                                                field=ctx.kind.partner.zh))
    values["_partners"] = found
    values["partners"] = "、".join(f"{p.name}|{p.credit_code}" for p in found)
    return problems


def _code_of(ctx: _Context, member_id: int) -> str:
    return next((code for code, uid in ctx.matcher.by_code.items() if uid == member_id), "")


def _key(ctx: _Context, raw: dict, values: dict) -> str:
    """The stored entry a row is: its entry number (an export), else unit, year and name."""
    number = text(raw.get("id"))
    if number.isdigit() and int(number) in ctx.by_id:
        return ctx.by_id[int(number)]
    return _natural_key(values["member_id"], values["year"], values["title"])


def _find_existing(ctx: _Context, key: str):
    found = ctx.existing.get(key)
    if found is None:
        return None
    if ctx.current is not None and ctx.current.role == Role.MEMBER and found[1]["member_id"] != ctx.current.member_id:
        return None
    return found


def import_kind(kind: Kind, ctx: _Context | None = None) -> importer.ImportKind:
    """The kind as the shared importer takes it; without a context (the registry's copy, used to
    name a workbook uploaded in the wrong place) every row is refused."""
    def parse_row(session, raw, table, row):
        return _parse_row(ctx, raw, table, row) if ctx else (
            {}, [importer.column_problem(table, row, "", "auth.login_required")])

    return importer.ImportKind(name=f"ledger_{kind.code}", aliases=aliases(kind), required=required(kind),
                               key_column="key", parse_row=parse_row, label_column="title",
                               find_existing=lambda session, key: _find_existing(ctx, key) if ctx else None)


REGISTERED = {code: importer.register(import_kind(kind)) for code, kind in KINDS.items()}


def _header_columns(frame, kind: Kind) -> int:
    """How many of the kind's columns a header row in the top rows names (0: not this kind)."""
    wanted = {header_key(alias): key for key, names in aliases(kind).items() for alias in names}
    need = required(kind)
    best = 0
    for index in range(min(HEADER_SCAN_ROWS, len(frame))):
        found = {wanted[k] for k in map(header_key, frame.iloc[index].tolist()) if k in wanted}
        if need <= found:
            best = max(best, len(found))
    return best


def recognise(sheets: dict, only: str | None = None) -> list[tuple[str, Kind]]:
    """(sheet, kind) of every sheet holding a ledger: the kind whose headers match most columns."""
    found = []
    for name, frame in sheets.items():
        scores = [(_header_columns(frame, kind), index, kind) for index, (code, kind) in enumerate(KINDS.items())
                  if not only or code == only]
        score, _, best = max(scores, default=(0, 0, None), key=lambda item: (item[0], -item[1]))
        if score:
            found.append((name, best))
    return found


def plan(session: Session, current: CurrentUser, content: bytes, filename: str, *, kind: str | None = None,
         accepted: dict[str, int | None] | None = None, limits: Limits | None = None) -> importer.ImportPlan:
    """The dry run of a ledger workbook: every sheet that is a ledger, as one plan."""
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    limits = limits or excel_limits(session)
    importer.report("reading", 0.0)
    check_bytes(content, filename, limits)
    sheets = read_sheets(content, limits)
    found = recognise(sheets, kind)
    if not found:
        raise UserFacingError("ledger.not_a_ledger", kind=Text(f"ledger_kind.{kind}") if kind else "")
    matcher = UnitMatcher.load(session, accepted)
    locked = set(session.exec(select(LedgerYearLock.year)).all())
    merged: importer.ImportPlan | None = None
    for sheet, spec in found:
        ctx = _Context(session, current, spec, matcher, locked)
        _load_existing(ctx)
        part = importer.plan_import(session, import_kind(spec, ctx), content, filename, limits,
                                    sheets={sheet: sheets[sheet]})
        for planned in part.adds + part.changes + part.unchanged:
            planned.key = f"{spec.code}|{planned.key}"
        if merged is None:
            merged = part
            merged.kind = "ledger"
            continue
        merged.sheet = f"{merged.sheet}、{part.sheet}"
        for name in ("adds", "changes", "unchanged", "rejects", "skipped"):
            getattr(merged, name).extend(getattr(part, name))
    _refuse_locked(merged, locked)
    return merged


def _refuse_locked(plan: importer.ImportPlan, locked: set[int]) -> None:
    """Rows that would add to or change a locked year are rejected; unchanged ones are fine."""
    for name in ("adds", "changes"):
        keep = []
        for planned in getattr(plan, name):
            year = planned.values.get("year")
            old_year = planned.changes.get("year", (year, year))[0]
            hit = next((y for y in (year, old_year) if y in locked), None)
            if hit is None:
                keep.append(planned)
            else:
                plan.rejects.append(importer.RowProblem(planned.values.get("_sheet", plan.sheet), planned.row,
                                                        planned.values.get("_year_column", ""), "ledger.year_locked",
                                                        {"year": hit}))
        setattr(plan, name, keep)


def suggestions(preview: importer.ImportPlan) -> dict[str, tuple[str, int]]:
    """Near unit names the dry run refused: written name -> (registry name, its id)."""
    return {p.params["value"]: (p.params["suggestion"], p.params["suggestion_id"])
            for p in preview.rejects if p.key == "ledger.near_unit"}


def _apply(session: Session, current: CurrentUser, planned: importer.PlannedRow) -> None:
    """Change the row's stored entry (what the file leaves empty stays as it is)."""
    values = planned.values
    fields = {key[2:]: value for key, value in values.items() if key.startswith("f_")}
    entry = session.get(LedgerEntry, planned.existing_id)
    if entry is None:
        raise UserFacingError("excel.changed_since_preview", row=planned.row)
    kept = {k: v for k, v in entry.extra.items()}
    kept.update({k: v for k, v in fields.items() if v is not None})  # an empty cell leaves a value alone
    keep = lambda name: values[name] if values.get(name) not in (None, "") else getattr(entry, name)  # noqa: E731
    partners = values["_partners"] if values["_partners"] else [
        entries.PartnerInput(p.member_id, p.name, p.credit_code) for p in entries.partners_of(session, entry.id)]
    entries.update(session, current, entry_id=entry.id, expected_version=planned.values.get("_version", entry.version),
                   title=keep("title"), member_id=values["member_id"], year=values["year"], partners=partners,
                   started_on=keep("started_on"), ended_on=keep("ended_on"), description=keep("description"),
                   fields=kept, kept=True)


def commit(session: Session, current: CurrentUser, planned: importer.ImportPlan, *, only_valid: bool = False):
    """Write what the dry run showed, in the caller's transaction: changed entries one by one
    (versioned), new ones in bulk, all carrying the import batch."""
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    new_rows: list[dict] = []

    def apply_row(session, current, row):
        if row.existing_id is None:
            values = row.values
            new_rows.append({"kind": values["_kind"], "member_id": values["member_id"], "year": values["year"],
                             "title": values["title"], "partners": values["_partners"],
                             "started_on": values["started_on"], "ended_on": values["ended_on"],
                             "description": values["description"],
                             "fields": {k[2:]: v for k, v in values.items() if k.startswith("f_")}})
        else:
            _apply(session, current, row)

    batch = importer.commit(session, current, planned, only_valid=only_valid, apply_row=apply_row)
    entries.create_many(session, current, new_rows, import_batch_id=batch.id)
    return batch

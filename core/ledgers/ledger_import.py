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

import functools
import hashlib
import io

import pandas as pd
import sqlalchemy as sa
from python_calamine import CalamineWorkbook
from sqlmodel import Session, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import UserFacingError
from core.excel import importer
from core.excel.reader import HEADER_SCAN_ROWS, Limits, WorkbookRejected, check_bytes, header_key
from core.i18n import Text
from core.ledgers import bulk, entries, import_rows, import_write
from core.ledgers.exchange import aliases
from core.ledgers.import_rows import Context
from core.ledgers.kinds import KINDS, Kind
from core.ledgers.matching import UnitMatcher, folded_many
from core.ledgers.planned_rows import PlannedRows
from core.models import LedgerEntry, LedgerPartner, LedgerYearLock, Role
from core.settings import excel_limits

KEYS = ("title", "unit", "unit_code", "year", "partner", "partner_code", "started_on", "ended_on", "description")


def required(kind: Kind) -> set[str]:
    return {"title"} | {f"f_{f.key}" for f in kind.fields if f.required}


def _load_existing(ctx: Context, units: set[int] | None = None, years: set[int] | None = None,
                   ids: set[int] | None = None) -> None:
    """The stored entries of the kind by natural key (and by id, for a 台账编号 column), with the
    values an import compares: those of the units and years the rows name, or with the ids they
    give (all of the kind when not told), as plain rows in two queries."""
    entry, partner = LedgerEntry.__table__, LedgerPartner.__table__
    wanted = entry.c.kind == ctx.kind.code
    if units is not None and len(units) <= 900 and len(ids or ()) <= 900:  # else all: bound parameters are few
        theirs = sa.and_(entry.c.member_id.in_(sorted(units)), entry.c.year.in_(sorted(years or ())))
        wanted = sa.and_(wanted, sa.or_(theirs, entry.c.id.in_(sorted(ids))) if ids else theirs)
    rows = ctx.session.execute(sa.select(entry.c.id, entry.c.member_id, entry.c.year, entry.c.title,
                                         entry.c.started_on, entry.c.ended_on, entry.c.description, entry.c.extra,
                                         entry.c.version).where(wanted)).all()
    named: dict[int, list[str]] = {}
    for entry_id, name, code in ctx.session.execute(
            sa.select(partner.c.entry_id, partner.c.name, partner.c.credit_code)
            .join(entry, entry.c.id == partner.c.entry_id).where(wanted).order_by(partner.c.id)):
        named.setdefault(entry_id, []).append(f"{name}|{code}")
    fields = [(f"f_{f.key}", f.key) for f in ctx.kind.fields]
    for row, title in zip(rows, folded_many([row.title for row in rows])):
        key = f"{row.member_id}|{row.year}|{title}"  # import_rows.natural_key
        values = {"title": row.title, "member_id": row.member_id, "year": row.year, "started_on": row.started_on,
                  "ended_on": row.ended_on, "description": row.description,
                  "partners": "、".join(named.get(row.id, ()))}
        values.update({name: row.extra.get(field) for name, field in fields})
        values["_version"] = row.version
        ctx.existing[key] = (row.id, values)
        ctx.by_id[row.id] = key


def _find_existing(ctx: Context, key: str):
    found = ctx.existing.get(key)
    if found is None:
        return None
    if ctx.current is not None and ctx.current.role == Role.MEMBER and found[1]["member_id"] != ctx.current.member_id:
        return None
    return found


def import_kind(kind: Kind) -> importer.ImportKind:
    """The kind as the shared importer's registry knows it (to name a workbook uploaded in the
    wrong place); its rows are planned by plan() below, so this copy refuses every row."""
    def parse_row(session, raw, table, row):  # ledgers are planned by plan() below, with their context
        return {}, [importer.column_problem(table, row, "", "auth.login_required")]

    return importer.ImportKind(name=f"ledger_{kind.code}", aliases=aliases(kind), required=required(kind),
                               key_column="key", parse_row=parse_row, label_column="title",
                               find_existing=lambda session, key: None)


REGISTERED = {code: importer.register(import_kind(kind)) for code, kind in KINDS.items()}


@functools.cache
def _wanted(kind: Kind) -> tuple[dict[str, str], frozenset[str]]:
    """The kind's header keys (header_key of each alias) -> column key, and its required columns."""
    return ({header_key(alias): key for key, names in aliases(kind).items() for alias in names},
            frozenset(required(kind)))


def _header_columns(rows: list[set[str]], kind: Kind) -> int:
    """How many of the kind's columns a header row in the top rows (their cells' header keys) names
    (0: not this kind)."""
    wanted, need = _wanted(kind)
    best = 0
    for keys in rows:
        found = {wanted[k] for k in keys if k in wanted}
        if need <= found:
            best = max(best, len(found))
    return best


def recognise(sheets: dict, only: str | None = None) -> list[tuple[str, Kind]]:
    """(sheet, kind) of every sheet holding a ledger: the kind whose headers match most columns."""
    found = []
    for name, frame in sheets.items():
        rows = [set(map(header_key, frame.iloc[index].tolist())) for index in range(min(HEADER_SCAN_ROWS, len(frame)))]
        scores = [(_header_columns(rows, kind), index, kind) for index, (code, kind) in enumerate(KINDS.items())
                  if not only or code == only]
        score, _, best = max(scores, default=(0, 0, None), key=lambda item: (item[0], -item[1]))
        if score:
            found.append((name, best))
    return found


def plan(session: Session, current: CurrentUser, content: bytes, filename: str, *, kind: str | None = None,
         accepted: dict[str, int | None] | None = None, limits: Limits | None = None) -> importer.ImportPlan:
    """The dry run of a ledger workbook: every sheet that is a ledger, as one plan."""
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    with bulk.gc_paused():
        return _plan(session, current, content, filename, kind, accepted, limits)


def _plan(session: Session, current: CurrentUser, content: bytes, filename: str, kind: str | None,
          accepted: dict[str, int | None] | None, limits: Limits | None) -> importer.ImportPlan:
    limits = limits or excel_limits(session)
    importer.report("reading", 0.0)
    check_bytes(content, filename, limits)
    sheets = _read_sheets(content, limits)
    importer.report("validating", 0.3)
    found = recognise(sheets, kind)
    if not found:
        raise UserFacingError("ledger.not_a_ledger", kind=Text(f"ledger_kind.{kind}") if kind else "")
    matcher = UnitMatcher.load(session, accepted)
    locked = set(session.exec(select(LedgerYearLock.year)).all())
    merged: importer.ImportPlan | None = None
    sha256 = hashlib.sha256(content).hexdigest()
    for sheet, spec in found:
        ctx = Context(session, current, spec, matcher, locked, load=_load_existing)
        part = _plan_sheet(ctx, import_rows.locate(sheet, sheets[sheet], aliases(spec), required(spec)),
                           filename, sha256)
        if merged is None:
            merged = part
            merged.kind = "ledger"
            continue
        merged.sheet = f"{merged.sheet}、{part.sheet}"
        for name in ("adds", "changes", "unchanged", "rejects", "skipped"):
            getattr(merged, name).extend(getattr(part, name))
    _refuse_locked(merged, locked)
    return merged


def _read_sheets(content: bytes, limits: Limits) -> dict[str, pd.DataFrame]:
    """Every sheet's cells (an empty cell is ""), rows numbered as in Excel, at most max_rows (and a
    header's worth): reader.read_sheets read straight from python-calamine, without pandas'
    conversion cell by cell (half the reading time of a 20,000-row ledger). Call check_bytes first."""
    cap = limits.max_rows + HEADER_SCAN_ROWS
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = {name: pd.DataFrame(book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=cap + 1),
                                     dtype=object) for name in book.sheet_names}
    except Exception as exc:  # CalamineError, XmlError, zip and value errors: the file is broken
        raise WorkbookRejected("excel.corrupt") from exc
    if any(len(frame) > cap for frame in sheets.values()):
        raise WorkbookRejected("excel.too_many_rows", max_rows=limits.max_rows)
    return sheets


def _plan_sheet(ctx: Context, rows: import_rows.Rows, filename: str, sha256: str) -> importer.ImportPlan:
    """The shared dry run's plan (core/excel/importer.py plan_import) for one sheet, its rows
    checked together: adds, changes (old -> new), unchanged, rejects, skipped lines."""
    plan = importer.ImportPlan(kind=f"ledger_{ctx.kind.code}", filename=filename, sheet=rows.sheet, sha256=sha256)
    if not rows.numbers:
        raise UserFacingError("excel.no_rows", sheet=rows.sheet)
    checked = import_rows.check_table(ctx, rows)
    plan.adds = adds = PlannedRows(checked, ctx.kind.code)  # a fine row stays a position in the columns
    existing, count = ctx.existing, len(checked.numbers)
    if all(checked.fine) and len(set(checked.keys)) == count and existing.keys().isdisjoint(checked.keys):
        adds.items.extend(range(count))  # every row fine, new, and once in the file: all adds
        checked.planned()
        importer.report("validating", 0.8)
        return plan
    seen: dict[str, int] = {}
    add, planned_row, code = adds.items.append, importer.PlannedRow, ctx.kind.code
    for i, (row, fine) in enumerate(zip(checked.numbers, checked.fine)):
        if fine:
            values, found, key = None, (), checked.keys[i]
        else:
            row, values, found = checked.alone(i)
            if values is None:
                plan.skipped.append(row)
                continue
            key = values.get("key") or ""
        if key and key in seen and not found:
            found = [importer.RowProblem(rows.sheet, row, rows.columns.get("title", ""), "excel.duplicate_key",
                                         {"first_row": seen[key]})]
        if found:
            plan.rejects.extend(found)
            continue
        seen[key] = row
        if values is None and key not in existing:  # nothing stored under its key: an add
            add(i)
            continue
        planned = adds.planned(i) if values is None else \
            planned_row(row, f"{code}|{key}", str(values.get("title", key)), values)  # kinds apart
        importer.place(plan, planned, _find_existing(ctx, key))
    checked.planned()
    importer.report("validating", 0.8)
    return plan


def _refuse_locked(plan: importer.ImportPlan, locked: set[int]) -> None:
    """Rows that would add to or change a locked year are rejected; unchanged ones are fine."""
    for name in ("adds", "changes"):
        if name == "adds" and not locked & set(_years(plan.adds)):
            continue  # no add in a locked year (the common case: a year is locked once reported)
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


def _years(adds) -> list:
    """The year of each new row (read from the columns when the rows are kept as columns)."""
    if isinstance(adds, PlannedRows):
        return adds.column("year")
    return [planned.values.get("year") for planned in adds]


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
    keep = lambda name: values[name] if values.get(name) not in (None, "") else getattr(entry, name)
    partners = values["_partners"] if values["_partners"] else [
        entries.PartnerInput(p.member_id, p.name, p.credit_code) for p in entries.partners_of(session, entry.id)]
    entries.update(session, current, entry_id=entry.id, expected_version=planned.values.get("_version", entry.version),
                   title=keep("title"), member_id=values["member_id"], year=values["year"], partners=partners,
                   started_on=keep("started_on"), ended_on=keep("ended_on"), description=keep("description"),
                   fields=kept, kept=True)


def commit(session: Session, current: CurrentUser, planned: importer.ImportPlan, *, only_valid: bool = False):
    """Write what the dry run showed, in the caller's transaction: changed entries one by one
    (versioned), new ones all at once (core/ledgers/import_write.py), all carrying the import batch."""
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    with bulk.gc_paused():
        batch = importer.commit(session, current, planned, only_valid=only_valid, apply_row=_apply, adds_later=True)
        import_write.add_entries(session, current, planned.adds, import_batch_id=batch.id)
    return batch

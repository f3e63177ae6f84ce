"""The dry run and the commit of an import, shared by every kind of data.

A kind of data supplies how to read one row into values (or problems) and how to match it to
what is stored; this module builds the plan (adds, changes old -> new, unchanged, rejects with
sheet, row, column and reason) and commits it in one transaction, recorded as an import batch.
"""
from __future__ import annotations

import hashlib
import importlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from sqlmodel import Session, select

from core import audit
from core.auth import CurrentUser
from core.errors import UserFacingError
from core.excel.reader import Limits, Table, check_bytes, find_table, read_sheets
from core.i18n import Text
from core.models import ImportBatch


@dataclass(frozen=True)
class RowProblem:
    sheet: str
    row: int
    column: str  # the header as found in the file ("" when the row as a whole is wrong)
    key: str  # i18n key of the reason
    params: dict = field(default_factory=dict)


@dataclass
class PlannedRow:
    row: int
    key: str  # the natural key (e.g. the credit code)
    label: str  # what a person recognises (e.g. the unit's name)
    values: dict
    existing_id: int | None = None
    changes: dict = field(default_factory=dict)  # field -> (old, new)


@dataclass
class ImportPlan:
    kind: str
    filename: str
    sha256: str
    sheet: str = ""
    adds: list[PlannedRow] = field(default_factory=list)
    changes: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    rejects: list[RowProblem] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows that are no data (totals, signature lines)

    @property
    def rejected_rows(self) -> int:
        return len({problem.row for problem in self.rejects})

    @property
    def nothing_to_do(self) -> bool:
        return not self.adds and not self.changes

    def summary(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.filename, "sheet": self.sheet,
                "add": len(self.adds), "change": len(self.changes),
                "unchanged": len(self.unchanged), "rejected": self.rejected_rows,
                **({"skipped": len(self.skipped)} if self.skipped else {})}


@dataclass(frozen=True)
class ImportKind:
    """What one kind of data needs to be imported."""

    name: str
    aliases: dict[str, list[str]]  # column key -> header names accepted (zh, en, ...)
    required: set[str]
    key_column: str
    # (session, values by column key, table, row number) -> (values, problems); values None: the
    # row holds no data (a total or a signature line) and is skipped
    parse_row: Callable[..., tuple[dict, list[RowProblem]]]
    # (session, natural key) -> (existing id, current values of the importable fields) or None
    find_existing: Callable[[Session, str], tuple[int, dict] | None]
    label_column: str = "name"

    @property
    def title_key(self) -> str:
        """The i18n key naming this kind of workbook (import_kind.<name>)."""
        return f"import_kind.{self.name}"


# Every kind, so that a workbook of one kind uploaded where another is expected is named.
# A module defining a kind registers it; the modules listed here are loaded on first need.
KINDS: dict[str, ImportKind] = {}
KIND_MODULES = ["core.group.member_exchange", "core.plan.exchange",
                "core.indicators.exchange", "core.ledgers.ledger_import"]


def register(kind: ImportKind) -> ImportKind:
    KINDS[kind.name] = kind
    return kind


def known_kinds() -> list[ImportKind]:
    for module in KIND_MODULES:
        importlib.import_module(module)
    return list(KINDS.values())


# ---------------------------------------------------------------- progress
# Long imports report their stage (reading, validating, writing) and how far they are, to a
# callback the caller installs with `reporting(...)` (a progress bar on the pages).
_PROGRESS: ContextVar[Callable[[str, float], None] | None] = ContextVar("import_progress",
                                                                         default=None)


@contextmanager
def reporting(callback: Callable[[str, float], None]) -> Iterator[None]:
    token = _PROGRESS.set(callback)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def report(stage: str, fraction: float) -> None:
    callback = _PROGRESS.get()
    if callback is not None:
        callback(stage, max(0.0, min(1.0, fraction)))


def _every(total: int) -> int:
    return max(1, total // 20)


def plan_import(session: Session, kind: ImportKind, content: bytes, filename: str,
                limits: Limits = Limits(), *, sheets: dict | None = None) -> ImportPlan:
    """Read and validate the whole file; write nothing. `sheets`: the file already read (by
    check_bytes and read_sheets) by a caller that had to look into it first."""
    report("reading", 0.0)
    if sheets is None:
        check_bytes(content, filename, limits)
        report("reading", 0.1)
        sheets = read_sheets(content, limits)
    report("validating", 0.3)
    table = find_table(sheets, kind.aliases, kind.required)
    if table is None:
        for other in known_kinds():
            if other.name != kind.name and find_table(sheets, other.aliases, other.required):
                raise UserFacingError("excel.wrong_kind", found=Text(other.title_key),
                                      expected=Text(kind.title_key))
        raise UserFacingError("excel.wrong_template",
                              columns="、".join(kind.aliases[key][0] for key in sorted(kind.required)))
    plan = ImportPlan(kind=kind.name, filename=filename, sheet=table.sheet,
                      sha256=hashlib.sha256(content).hexdigest())
    if not table.rows:
        raise UserFacingError("excel.no_rows", sheet=table.sheet)
    seen: dict[str, int] = {}
    step = _every(len(table.rows))
    for index, (row_number, raw) in enumerate(table.rows):
        if index % step == 0:
            report("validating", 0.3 + 0.5 * index / len(table.rows))
        values, found = kind.parse_row(session, raw, table, row_number)
        if values is None and not found:
            plan.skipped.append(row_number)
            continue
        key = values.get(kind.key_column) or ""
        if key and key in seen and not found:
            found = [RowProblem(table.sheet, row_number, table.columns[kind.key_column],
                                "excel.duplicate_key", {"first_row": seen[key]})]
        if found:
            plan.rejects.extend(found)
            continue
        seen[key] = row_number
        planned = PlannedRow(row=row_number, key=key, label=str(values.get(kind.label_column, key)),
                             values=values)
        place(plan, planned, kind.find_existing(session, key))
    return plan


def place(plan: ImportPlan, planned: PlannedRow, existing: tuple[int, dict] | None) -> None:
    """File a valid row as an add, a change (the fields that differ, old and new) or unchanged,
    given the stored row it matches (id, field values) or None. Every planner uses this rule."""
    if existing is None:
        plan.adds.append(planned)
        return
    planned.existing_id, current = existing
    planned.changes = {name: (current.get(name), value) for name, value in planned.values.items()
                       if name in current and _differs(current.get(name), value)}
    (plan.changes if planned.changes else plan.unchanged).append(planned)


def _differs(old: Any, new: Any) -> bool:
    if new in (None, ""):  # an empty cell leaves the stored value alone
        return False
    return (old if old is not None else "") != new


def column_problem(table: Table, row: int, column_key: str, key: str, **params) -> RowProblem:
    return RowProblem(table.sheet, row, table.columns.get(column_key, column_key), key, params)


def commit(session: Session, current: CurrentUser, plan: ImportPlan, *, only_valid: bool,
           apply_row: Callable[[Session, CurrentUser, PlannedRow], None], adds_later: bool = False) -> ImportBatch:
    """Write the plan in the caller's transaction, or refuse (nothing written).

    A plan with rejected rows is refused unless the user chose to import only the valid rows.
    `adds_later`: apply_row gets the changes only; the caller writes the adds, all at once, after
    (knowing the batch they belong to).
    """
    if plan.rejects and not only_valid:
        raise UserFacingError("excel.has_rejects", rows=plan.rejected_rows)
    if plan.nothing_to_do:
        raise UserFacingError("excel.nothing_to_do", unchanged=len(plan.unchanged))
    writing = plan.changes if adds_later else plan.adds + plan.changes
    step = _every(len(writing))
    for index, planned in enumerate(writing):
        if index % step == 0:
            report("writing", 0.8 + 0.2 * index / len(writing))
        apply_row(session, current, planned)
    batch = ImportBatch(kind=plan.kind, filename=plan.filename[:300], sha256=plan.sha256,
                        user_id=current.id, rows_added=len(plan.adds),
                        rows_changed=len(plan.changes), rows_unchanged=len(plan.unchanged),
                        rows_rejected=plan.rejected_rows,
                        errors=[{"sheet": p.sheet, "row": p.row, "column": p.column,
                                 "reason": p.key, **p.params} for p in plan.rejects][:500])
    session.add(batch)
    session.flush()
    audit.record(session, action="import_committed", actor_id=current.id,
                 actor_name=current.username, entity="import_batch", entity_id=batch.id,
                 after=plan.summary())
    return batch


def fingerprint(plan: ImportPlan) -> tuple:
    """What a dry run promised to write: the rows to add and every change with its old value."""
    return (plan.sha256,
            tuple(sorted(row.key for row in plan.adds)),
            tuple(sorted((row.key, tuple(sorted((name, repr(old), repr(new))
                                                for name, (old, new) in row.changes.items())))
                         for row in plan.changes)),
            plan.rejected_rows)


def check_unchanged(seen: tuple, fresh: ImportPlan) -> None:
    """Refuse a commit when the data changed between the dry run the user saw (its fingerprint)
    and the write (someone saved a row the file also changes): the user looks again instead of
    overwriting."""
    if seen != fingerprint(fresh):
        raise UserFacingError("excel.changed_since_preview")


def previous_imports(session: Session, sha256: str) -> list[ImportBatch]:
    return session.exec(select(ImportBatch).where(ImportBatch.sha256 == sha256)).all()

"""The new entries of a ledger import written column by column (core/ledgers/ledger_import.py).

The dry run (core/ledgers/import_rows.py) has already checked every row as recording it would
(unit, year, title, dates, the kind's fields as kept, partners from the registry) and it runs
again inside the commit's transaction, so what is left here is what may have changed since or
what a plan alone cannot promise: the caller may write for these units, no year is locked, every
unit named is in the registry, and a last look at each column (titles, years, dates). Then one
INSERT per table through the driver (core/ledgers/bulk.py), the search index filled from the
values in hand, and one audit row for the batch; each entry names its batch (import_batch_id).
An entry's values, search text and index text are those `entries.create` would store.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from operator import itemgetter

import sqlalchemy as sa
from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit, require_role
from core.errors import ValidationFailed
from core.excel.importer import PlannedRow
from core.ledgers import bulk, search_index, tally
from core.ledgers.entries import fold, locked_years
from core.ledgers.kinds import Kind, kind as kind_of
from core.ledgers.planned_rows import PlannedRows
from core.models import LedgerEntry, LedgerPartner, MemberUnit, Role
from core.timeutil import utcnow


def add_entries(session: Session, current: CurrentUser, rows: Sequence[PlannedRow], *,
                import_batch_id: int) -> list[int]:
    """Insert the planned new entries (values as the dry run kept them), carrying the import batch."""
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    if not len(rows):
        return []
    column = _columns(rows)
    units = _checked(session, current, column)
    kinds = column("_kind")
    codes = list(dict.fromkeys(kinds))
    by_kind = {codes[0]: column} if len(codes) == 1 else {  # a workbook may hold several kinds
        code: _columns([rows[i] for i, mine in enumerate(kinds) if mine == code]) for code in codes}
    ids: list[int] = []
    for code, mine in by_kind.items():
        ids.extend(_insert_kind(session, current, kind_of(code), mine, units, import_batch_id))  # a range: at C speed
    per = Counter(zip(kinds, column("year")))
    audit.record(session, action="ledger_entries_imported", actor_id=current.id, actor_name=current.username,
                 entity="import_batch", entity_id=import_batch_id,
                 after={"entries": len(ids), "first_entry_id": min(ids), "last_entry_id": max(ids),
                        "by_kind_year": {f"{kind} {year}": count for (kind, year), count in sorted(per.items())}})
    tally.touch(session, *per)
    return ids


def _columns(rows: Sequence[PlannedRow]) -> Callable[[str], list]:
    """column(name): every row's value of `name` (None where it has none), each read once: from
    the dry run's columns when it kept them (planned_rows.PlannedRows), else from the rows."""
    read = rows.column if isinstance(rows, PlannedRows) else \
        (lambda name, values=[row.values for row in rows]: [v.get(name) for v in values])
    done: dict[str, list] = {}

    def column(name: str) -> list:
        if name not in done:
            done[name] = read(name)
        return done[name]
    column.count = len(rows)
    return column


def _checked(session: Session, current: CurrentUser, column) -> dict[int, tuple[str, str]]:
    """Refuse what recording these entries would refuse now; the units' (name, credit code) by id."""
    members = set(column("member_id"))
    for member_id in members:
        if member_id is None:
            raise ValidationFailed("ledger.unit_missing")
        require_own_unit(current, member_id)
    years = set(column("year"))
    for year in sorted(years, key=str):
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise ValidationFailed("ledger.bad_year", value=year)
    for year in sorted(years & set(locked_years(session))):
        raise ValidationFailed("ledger.year_locked", year=year)
    lists = dict(zip(map(id, column("_partners")), column("_partners")))  # rows share their cell's list
    wanted = members | {p.member_id for mine in lists.values() for p in mine if p.member_id is not None}
    units = {unit_id: (name, code) for unit_id, name, code in session.execute(
        select(MemberUnit.id, MemberUnit.name, MemberUnit.credit_code).where(MemberUnit.id.in_(wanted)))}
    for unit_id in sorted(wanted - set(units)):
        raise ValidationFailed("ledger.unknown_unit", value=unit_id)
    titles = column("title")
    if not all(map(str.strip, titles)):
        nameless = next(i for i, title in enumerate(titles) if not title.strip())
        raise ValidationFailed("ledger.title_required", field=kind_of(column("_kind")[nameless]).title.zh)
    if any(column("ended_on")) and any(start and end < start for start, end in zip(column("started_on"),
                                                                                  column("ended_on")) if end):
        raise ValidationFailed("ledger.ends_before_start")
    return units


def _fold_many(texts: list[str]) -> list[str]:
    """entries.fold of each text, as one pass over them all."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:  # a text holding NUL (refused when written): one by one
        return [fold(text) for text in texts]
    return unicodedata.normalize("NFKC", joined).lower().split("\0")


def _new_ids(session: Session, before: int, count: int) -> range | None:
    """The ids SQLite gave the `count` rows just inserted after the highest id `before`: one above the
    highest each (its rowid rule; the transaction holds the write lock), when the highest id is now
    before + count; None otherwise (ask for them). The highest alone settles it: SQLite gives a row
    any other id only once an id has reached its largest integer (then the highest is that), and
    the `count` new rows, each above `before` by that rule, fill before + 1 .. before + count
    exactly. (Counting the rows above `before` read every new row back: 8 ms of 20,000.)"""
    if session.get_bind().dialect.name != "sqlite":
        return None
    last = session.execute(sa.select(sa.func.max(LedgerEntry.__table__.c.id))).scalar()
    return range(before + 1, before + count + 1) if last == before + count else None


def _quantities(columns: list[list], count: int) -> list[float | None]:
    """entries.headline's quantity of each row: the sum of the kind's quantity fields it holds
    (None when none); with one field, once per distinct value (a column of head counts repeats)."""
    if not columns:
        return [None] * count
    if len(columns) == 1:
        try:  # equal numbers (1, 1.0, True) sum alike
            done = {value: None if value is None else float(sum([value])) for value in dict.fromkeys(columns[0])}
            return list(map(done.__getitem__, columns[0]))
        except TypeError:  # an unhashable value: row by row
            pass
    return [float(sum(parts)) if parts else None for parts in
            ([p for p in row if p is not None] for row in zip(*columns))]


def _search_parts(kind: Kind, titles: list[str], members: list[int], partners: list[list], descriptions: list[str],
                  by_key: dict[str, list], units: dict) -> list[str]:
    """entries.search_text's parts joined for each row (title, unit, partners, people, description),
    each distinct unit and partner list joined once (the dry run shares a list among its rows)."""
    unit_of = {member: units[member][0] for member in set(members)}
    lists = dict(zip(map(id, partners), partners))
    named = {key: " ".join([p.name for p in mine if p.name]) for key, mine in lists.items()}
    people = [[str(person or "") for person in by_key[spec.key]] for spec in kind.fields if spec.people]
    parts = [titles, list(map(unit_of.__getitem__, members)), list(map(named.__getitem__, map(id, partners))),
             *people, descriptions]
    parts = [part for part in parts if part.count("") != len(part)]  # a part no row has (no description)
    if not any("" in part for part in parts):  # every row has every part: one format over the columns (C)
        return list(map(" ".join(["{}"] * len(parts)).format, *parts)) if parts else [""] * len(titles)
    return [" ".join(filter(None, row)) for row in zip(*parts)]


def _insert_kind(session: Session, current: CurrentUser, kind: Kind, column, units: dict,
                 import_batch_id: int) -> list[int]:
    count = column.count
    fields = [(spec, column(f"f_{spec.key}")) for spec in kind.fields]
    extra = bulk.json_text(session.connection().dialect, [spec.key for spec, _ in fields],
                           [cells for _, cells in fields], count)
    if extra is None:  # the driver's own JSON (PostgreSQL): the documents themselves
        extra = [{spec.key: value for (spec, _), value in zip(fields, row) if value is not None}
                 for row in zip(*(cells for _, cells in fields))] if fields else [{} for _ in range(count)]
    by_key = {spec.key: cells for spec, cells in fields}
    quantity = _quantities([by_key[key] for key in kind.quantity], count)
    written = column("title")
    titles = [title.strip()[:300] for title in written]
    written_descriptions = column("description")  # mostly empty or repeated: each distinct one once
    description_of = {text: (text or "").strip()[:4000] for text in dict.fromkeys(written_descriptions)}
    descriptions = list(map(description_of.__getitem__, written_descriptions))
    partners = column("_partners")
    members = column("member_id")
    search_text = _fold_many(_search_parts(kind, written, members, partners, descriptions, by_key, units))
    grams = search_index.grams_many(search_text)
    now = utcnow()
    years = column("year")
    table = LedgerEntry.__table__
    before = session.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    bulk.insert(session, table, {
        "kind": kind.code, "title": titles, "member_id": members, "year": years,
        "started_on": column("started_on"), "ended_on": column("ended_on"), "description": descriptions,
        "extra": extra, "quantity": quantity, "amount_fen": by_key[kind.amount] if kind.amount else None,
        "quantity_unit": kind.field(kind.quantity[0]).unit_zh if kind.quantity else "",
        "status": _statuses(partners), "import_batch_id": import_batch_id,
        "search_text": search_text, "search_grams": grams, "created_by": current.id, "updated_by": current.id,
        "created_at": now, "updated_at": now, "version": 1}, count,
        as_bound=frozenset({"extra"}) if extra and isinstance(extra[0], str) else frozenset())
    ids = _new_ids(session, before, count) or session.execute(
        sa.select(table.c.id).where(table.c.import_batch_id == import_batch_id, table.c.kind == kind.code)
        .order_by(table.c.id)).scalars().all()  # inserted in this order
    search_index.index_added(session, ids, years, grams)
    # each distinct partner list (the dry run shares one among its rows) taken apart once: a member
    # partner as the registry names it, an outside one as written
    keys = list(map(id, partners))
    parts = {key: ([p.member_id for p in mine], *map(list, zip(*[units[p.member_id] if p.member_id is not None
                                                                 else (p.name, p.credit_code) for p in mine])))
             if mine else ([], [], []) for key, mine in dict(zip(keys, partners)).items()}
    flat = lambda at: list(chain.from_iterable(map(itemgetter(at), map(parts.__getitem__, keys))))
    owners = list(chain.from_iterable(map(repeat, ids, map(len, partners))))
    bulk.insert(session, LedgerPartner.__table__, {
        "entry_id": owners, "member_id": flat(0), "name": flat(1), "credit_code": flat(2),
        "confirmation": "pending", "reason": ""}, len(owners))
    return ids


def _statuses(partners: list[list]) -> str | list[str]:
    """An entry with partners waits for them (pending), one without is recorded: one value when all alike."""
    if all(partners):
        return "pending"
    return [("pending" if mine else "recorded") for mine in partners] if any(partners) else "recorded"

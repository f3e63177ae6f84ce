"""Many rows inserted through the driver (SQLite's executemany, PostgreSQL's COPY), for an
import's thousands of entries.

Each value is bound with its column type's processor, as SQLAlchemy would, but the rows skip
SQLAlchemy's per-row parameter handling and the statement hooks: an import of 20,000 entries
spent more time there than writing. So the one rule those hooks apply to every statement is
applied here, column by column: text with a NUL character is refused (core/db_guards.py), with
the same message; the caller's transaction rolls back and nothing is written.
"""
from __future__ import annotations

import gc
import json
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session

from core.db_guards import NUL
from core.errors import ValidationFailed


def insert(session: Session, table: sa.Table, columns: dict, count: int, *, as_bound: frozenset = frozenset()) -> None:
    """INSERT `count` rows; `columns` maps a column to its values (a list) or to one value for all.
    `as_bound`: columns whose values are already as the driver takes them (JSON text: json_text)."""
    if not count:
        return
    connection = session.connection()
    dialect = connection.dialect
    bound = {}
    for key, data in columns.items():
        values = data if isinstance(data, list) else [data]
        try:
            joined = "".join(values)  # a column of text
        except TypeError:  # numbers, dates, None: only its texts, if any (one look at the types first)
            joined = "".join([value for value in values if value.__class__ is str]) \
                if str in set(map(type, values)) else ""
        if NUL in joined:
            raise ValidationFailed("common.bad_characters")
        process = None if key in as_bound else table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if process:
            values = _processed(process, values)
        bound[key] = values if isinstance(data, list) else values * count
    cursor = connection.connection.cursor()
    try:
        if dialect.name == "postgresql" and hasattr(cursor, "copy"):  # psycopg: COPY, not a statement per row
            names = list(bound)
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in zip(*(bound[name] for name in names)):
                    copy.write_row(row)
        elif dialect.name == "sqlite":
            _sqlite_insert(cursor, dialect, table, bound, count)
        else:
            compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(columns))
            if compiled.positional:
                cursor.executemany(str(compiled), list(zip(*(bound[name] for name in compiled.positiontup))))
            else:
                names = list(bound)
                cursor.executemany(str(compiled),
                                   [dict(zip(names, row)) for row in zip(*(bound[name] for name in names))])
    finally:
        cursor.close()


def _sqlite_insert(cursor, dialect, table: sa.Table, bound: dict[str, list], count: int) -> None:
    """One INSERT run for every row, a column holding one value for every row (the kind, the
    batch, the time, often the year) written into the statement as an SQL literal: SQLite binds
    each parameter of each row, a third of the time of a 20,000-row insert."""
    slots, varying = [], []
    for values in bound.values():
        same = _literal(values[0])
        if same is not None and (values.count(values[0]) != count  # 1 == 1.0 == True: ints alone
                                 or values[0].__class__ is int and set(map(type, values)) != {int}):
            same = None
        if same is None:
            slots.append("?")
            varying.append(values)
        else:
            slots.append(same)
    quote = dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
                 f"({', '.join(map(quote, bound))}) VALUES ({', '.join(slots)})")
    cursor.executemany(statement, list(zip(*varying)) if varying else [()] * count)


def _literal(value) -> str | None:
    """`value` as the SQL literal SQLite stores exactly as it stores the value bound (text, an
    integer, NULL); None for any other value (it stays a parameter). Texts hold no NUL (insert
    refused them) and a quote is doubled, SQLite's only escape."""
    if value is None:
        return "NULL"
    if value.__class__ is str:
        return "'" + value.replace("'", "''") + "'"
    if value.__class__ is int:
        return str(value)
    return None


def _processed(process, values: list) -> list:
    """process(value) for each value, once per distinct value (dates, units, years repeat)."""
    if values and isinstance(values[0], (dict, list)):  # JSON documents: each its own
        return [process(value) for value in values]
    if len(set(map(type, values))) == 1:  # one type (dates): the values are the keys
        try:
            done = {value: process(value) for value in dict.fromkeys(values)}
            return list(map(done.__getitem__, values))
        except TypeError:  # unhashable: each its own, below
            pass
    try:
        keys = list(zip(map(type, values), values))  # True == 1, yet they bind differently
        done = {key: process(key[1]) for key in dict.fromkeys(keys)}
    except TypeError:  # unhashable (JSON documents): each its own
        return [process(value) for value in values]
    return [done[key] for key in keys]


def json_text(dialect, keys: list[str], columns: list[list], count: int) -> list[str] | None:
    """Each row's JSON document {key: value} (the rows' values in `columns`, one list per key; a
    None left out), as the engine's JSON type would write it, built from each distinct value's
    JSON once; None where that type does not bind text (PostgreSQL: the driver's own Json)."""
    if dialect.name != "sqlite" or getattr(dialect, "_json_serializer", None) not in (None, json.dumps):
        return None
    parts = []
    for key, values in zip(keys, columns):
        label = json.dumps(key) + ": "
        if len(set(map(type, values)) - {type(None)}) <= 1:  # one type besides empty: the values are the keys
            done = {value: label + json.dumps(value) for value in dict.fromkeys(values) if value is not None}
            parts.append(list(map(done.get, values)))
            continue
        done = {typed: label + json.dumps(typed[1]) for typed in dict.fromkeys(zip(map(type, values), values))
                if typed[1] is not None}  # True == 1, yet they read differently
        parts.append([done.get((value.__class__, value)) for value in values])
    parts = [part for part in parts if part.count(None) != count]  # a key no row holds: left out
    if not parts:
        return ["{}"] * count
    if not any(None in part for part in parts):  # every row holds every key: one format over the columns (C)
        return list(map(("{{" + ", ".join(["{}"] * len(parts)) + "}}").format, *parts))
    return ["{" + ", ".join(filter(None, row)) + "}" for row in zip(*parts)]  # a part is never ""


@contextmanager
def gc_paused():
    """No cyclic garbage collection while an import builds its rows: it found nothing to free among
    them yet ran every few hundred allocations over all of them (a third of a 20,000-row dry run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

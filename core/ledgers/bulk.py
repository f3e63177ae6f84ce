"""Many rows inserted through the driver's executemany, for an import's thousands of entries.

Each value is bound with its column type's processor, as SQLAlchemy would, but the rows skip
SQLAlchemy's per-row parameter handling and the statement hooks: an import of 20,000 entries
spent more time there than writing. So the one rule those hooks apply to every statement is
applied here, column by column: text with a NUL character is refused (core/db_guards.py), with
the same message; the caller's transaction rolls back and nothing is written.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session

from core.db_guards import NUL
from core.errors import ValidationFailed


def insert(session: Session, table: sa.Table, columns: dict, count: int) -> None:
    """INSERT `count` rows; `columns` maps a column to its values (a list) or to one value for all."""
    if not count:
        return
    connection = session.connection()
    dialect = connection.dialect
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(columns))
    bound = {}
    for key, data in columns.items():
        values = data if isinstance(data, list) else [data]
        if NUL in "".join([value for value in values if value.__class__ is str]):
            raise ValidationFailed("common.bad_characters")
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if process:
            values = _processed(process, values)
        bound[key] = values if isinstance(data, list) else values * count
    if compiled.positional:
        rows = list(zip(*(bound[name] for name in compiled.positiontup)))
    else:
        names = list(bound)
        rows = [dict(zip(names, row)) for row in zip(*(bound[name] for name in names))]
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(str(compiled), rows)
    finally:
        cursor.close()


def _processed(process, values: list) -> list:
    """process(value) for each value, once per distinct value (dates, units, years repeat)."""
    if values and isinstance(values[0], (dict, list)):  # JSON documents: each its own
        return [process(value) for value in values]
    try:
        keys = list(zip(map(type, values), values))  # True == 1, yet they bind differently
        done = {key: process(key[1]) for key in dict.fromkeys(keys)}
    except TypeError:  # unhashable (JSON documents): each its own
        return [process(value) for value in values]
    return [done[key] for key in keys]


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

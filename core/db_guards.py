"""What the database would refuse with a raw error, refused first with a message in the user's
language, whatever service or page the value came through:

- text longer than its column (PostgreSQL refuses it; SQLite would quietly keep it, and the
  backup would then not restore into PostgreSQL);
- the NUL character, which PostgreSQL accepts in no text, not even in a search term.

One rule for every table: a flush checks every new and changed row against its columns' lengths,
and every statement's parameters are checked for NUL before they reach the database.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession

from core.errors import ValidationFailed

NUL = "\x00"


def _too_long(instance) -> ValidationFailed | None:
    state = sa.inspect(instance)
    for column in state.mapper.columns:
        length = getattr(column.type, "length", None)
        if not length:
            continue
        value = getattr(instance, column.key, None)
        if isinstance(value, str) and len(value) > length:
            return ValidationFailed("common.too_long", max=length, length=len(value))
    return None


def _check_flush(session, _context, _instances) -> None:
    for instance in (*session.new, *session.dirty):
        problem = _too_long(instance)
        if problem is not None:
            raise problem


def _has_nul(parameters) -> bool:
    if isinstance(parameters, str):
        return NUL in parameters
    if isinstance(parameters, dict):
        return any(_has_nul(value) for value in parameters.values())
    if isinstance(parameters, (list, tuple)):
        return any(_has_nul(value) for value in parameters)
    return False


def _check_statement(_conn, _cursor, _statement, parameters, _context, _executemany) -> None:
    if _has_nul(parameters):
        raise ValidationFailed("common.bad_characters")


def install(engine: Engine) -> None:
    """Check this engine's statements for NUL (the flush check is installed once for all)."""
    event.listen(engine, "before_cursor_execute", _check_statement)


# On the base class, so every session (SQLModel's included) checks before it writes.
event.listen(OrmSession, "before_flush", _check_flush, propagate=True)

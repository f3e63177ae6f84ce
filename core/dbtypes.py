"""Column types that migrations refer to by name: keep them here, stable, apart from models."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from core.timeutil import as_utc


class UTCDateTime(TypeDecorator):
    """Aware UTC in, aware UTC out, on SQLite (which keeps no zone) and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use core.timeutil.utcnow()")
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else as_utc(value)

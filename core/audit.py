"""The audit log: who did what, when, to which row, with the values before and after."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from core.models import AuditLog


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def snapshot(row: Any, fields: Iterable[str]) -> dict:
    """The named fields of a row as JSON-safe values, for `before` / `after`."""
    return {name: _plain(getattr(row, name)) for name in fields}


def record(
    session: Session,
    *,
    action: str,
    actor_id: int | None = None,
    actor_name: str = "",
    entity: str = "",
    entity_id: Any = "",
    before: dict | None = None,
    after: dict | None = None,
    detail: str = "",
) -> AuditLog:
    entry = AuditLog(
        action=action,
        actor_user_id=actor_id,
        actor_name=actor_name[:64],
        entity=entity,
        entity_id=str(entity_id),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        detail=detail[:1000],
    )
    session.add(entry)
    return entry

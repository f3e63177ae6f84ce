"""Reading the audit log (admin; the secretariat reads it too). Nothing here changes it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlmodel import Session, func, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.models import AuditLog
from core.timeutil import CHINA_TZ

COLUMNS = ["id", "at", "actor_name", "action", "entity", "entity_id", "before", "after", "detail"]


@dataclass
class AuditFilter:
    actor: str = ""
    entity: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def _china_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ)


def entries(session: Session, current: CurrentUser, filters: AuditFilter, *, limit: int = 500,
            offset: int = 0) -> tuple[pd.DataFrame, int]:
    """The newest entries that match, one page at a time, and how many match in all."""
    require_role(current, *STAFF_ROLES)
    query = select(AuditLog)
    if filters.actor:
        query = query.where(AuditLog.actor_name == filters.actor)
    if filters.entity:
        query = query.where(AuditLog.entity == filters.entity)
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    if filters.since:
        query = query.where(AuditLog.at >= _china_midnight(filters.since))
    if filters.until:
        query = query.where(AuditLog.at < _china_midnight(filters.until + timedelta(days=1)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(AuditLog.id.desc()).offset(offset).limit(limit)).all()
    frame = pd.DataFrame([{name: getattr(row, name) for name in COLUMNS} for row in rows], columns=COLUMNS)
    return frame, total


def choices(session: Session, current: CurrentUser) -> dict[str, list[str]]:
    require_role(current, *STAFF_ROLES)
    return {name: sorted(v for v in session.exec(select(getattr(AuditLog, name)).distinct()).all() if v)
            for name in ("actor_name", "entity", "action")}

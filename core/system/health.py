"""The administrator's status panel: database kind and size, schema, rows per module, backups."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from core import db
from core.models import (
    Attachment,
    AuditLog,
    CouncilSeat,
    IndicatorValue,
    LedgerEntry,
    MemberUnit,
    Message,
    Milestone,
    Post,
    StaffMember,
    User,
)
from core.settings import get_setting

MODULES = {"members": MemberUnit, "council_seats": CouncilSeat, "staff": StaffMember,
           "milestones": Milestone, "indicator_values": IndicatorValue, "ledger_entries": LedgerEntry,
           "messages": Message, "posts": Post, "attachments": Attachment, "users": User,
           "audit_entries": AuditLog}


def status(engine: Engine) -> dict:
    size = None
    if engine.dialect.name == "sqlite" and engine.url.database and engine.url.database != ":memory:":
        path = Path(engine.url.database)
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            size = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
    with db.session_scope(engine, write=False) as session:
        counts = {name: session.exec(select(func.count()).select_from(model)).one()
                  for name, model in MODULES.items()}
        last_backup = get_setting(session, "last_backup_at")
    return {"database": engine.dialect.name, "url": engine.url.render_as_string(hide_password=True),
            "size_bytes": size, "revision": db.current_revision(engine), "head": db.head_revision(),
            "counts": counts, "last_backup_at": last_backup}

"""Reading the audit log (admin; the secretariat reads it too). Nothing here changes it.

The log keeps what happened as codes (usernames, entity kinds and ids, a detail for support);
a reader sees people and objects by their names: the actor's display name, "成员单位 山东劳动职业
技术学院" rather than "member_unit 12", a deleted row by the name its last snapshot kept.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlmodel import Session, SQLModel, func, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.display import EMPTY, bilingual, is_missing, text
from core.i18n import catalog, translate
from core.models import (
    AuditLog,
    CouncilSeat,
    CouncilTerm,
    ImportBatch,
    Indicator,
    LedgerEntry,
    MemberUnit,
    Message,
    Milestone,
    Plan,
    PlanArea,
    PlanTask,
    Post,
    StaffMember,
    Topic,
    User,
)
from core.timeutil import CHINA_TZ

COLUMNS = ["id", "at", "actor_name", "action", "entity", "entity_id", "before", "after", "detail"]
# Actors that are not accounts: the start-up and the command line.
SYSTEM_ACTORS = {"system": "audit.actor_system", "cli": "audit.actor_cli"}
# What a row reads as, by the entity kind the log names it with (attachments name their owner's kind).
_TITLED = {"plan": Plan, "plan_area": PlanArea, "plan_task": PlanTask, "milestone": Milestone}
NAMERS: dict[str, tuple[type, Callable]] = {
    "user": (User, lambda row, lang: row.display_name),
    "member_unit": (MemberUnit, lambda row, lang: row.name),
    "council_term": (CouncilTerm, lambda row, lang: bilingual(row.name, getattr(row, "name_en", ""), lang)),
    "council_seat": (CouncilSeat, lambda row, lang: row.person_name),
    "staff_member": (StaffMember, lambda row, lang: row.name),
    "indicator": (Indicator, lambda row, lang: f"{row.code} {bilingual(row.name_zh, row.name_en, lang)}"),
    "ledger_entry": (LedgerEntry, lambda row, lang: row.title),
    "message": (Message, lambda row, lang: row.title),
    "notice": (Message, lambda row, lang: row.title),
    "topic": (Topic, lambda row, lang: row.title),
    # an import's file and number: the entries it added name the batch (import_batch_id)
    "import_batch": (ImportBatch, lambda row, lang: f"{row.filename} (#{row.id})"),
    **{kind: (model, lambda row, lang: bilingual(row.title, row.title_en, lang)) for kind, model in _TITLED.items()},
}
# Details kept for support that say nothing to a reader (the demo's random seed).
HIDDEN_DETAIL = {"demo_seeded"}
# Details written in English by the login code, said in the reader's language.
_DETAIL_KEYS = {"wrong password": "audit.detail_wrong_password", "inactive": "audit.detail_inactive",
                "locked": "audit.detail_locked", "throttled": "audit.detail_throttled",
                "by administrator": "audit.detail_by_admin"}
_WRONG_PASSWORDS = re.compile(r"^(\d+) wrong passwords$")


@dataclass
class AuditFilter:
    actor: str = ""
    entity: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def _china_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ)


def entity_label(entity: str, lang: str) -> str:
    """The kind of object an entry is about, in words ("成员单位"), the code if none is known."""
    key = f"audit_entity.{entity}"
    return translate(key, lang) if key in catalog(lang) else entity


def entries(session: Session, current: CurrentUser, filters: AuditFilter, *, limit: int = 500,
            offset: int = 0, lang: str = "zh") -> tuple[pd.DataFrame, int]:
    """The newest entries that match, one page at a time, and how many match in all. Besides
    the stored columns: `actor` (the person's name), `object` (the kind and name of what was
    changed), `detail_text` (the detail as a reader may see it) and `before_text` / `after_text`
    (the snapshots as read), all in `lang`."""
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
    people = _people(session, {row.actor_user_id for row in rows if row.actor_user_id})
    frame["actor"] = [_actor(row, people, lang) for row in rows]
    names = _Names(session, lang)
    frame["object"] = [_object(names, row) for row in rows]
    frame["detail_text"] = [_detail(row, lang) for row in rows]
    frame["before_text"] = [snapshot_text(row.before, names, row.entity) for row in rows]
    frame["after_text"] = [snapshot_text(row.after, names, row.entity) for row in rows]
    return frame, total


def _people(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {user.id: user.display_name for user in session.exec(select(User).where(User.id.in_(ids))).all()}


def _actor(row: AuditLog, people: dict[int, str], lang: str) -> str:
    if row.actor_user_id in people:
        return people[row.actor_user_id]
    if row.actor_name in SYSTEM_ACTORS:
        return translate(SYSTEM_ACTORS[row.actor_name], lang)
    return row.actor_name or EMPTY  # a username typed at a failed login, as typed


def _object(names: _Names, row: AuditLog) -> str:
    if not row.entity:
        return EMPTY
    kind = entity_label(row.entity, names.lang)
    name = _name(names, row)
    return f"{kind} {name}" if name else kind


def _name(names: _Names, row: AuditLog) -> str:
    session, lang, ident = names.session, names.lang, row.entity_id or ""
    if row.entity in ("ledger_year", "reporting_window") or (row.entity == "submission" and ident.isdigit()):
        return translate("audit.year", lang, year=ident) if ident else ""
    if row.entity == "submission" and "/" in ident:
        member_id, year = ident.split("/", 1)
        unit = names.of("member_unit", member_id)
        return translate("audit.unit_year", lang, unit=unit or EMPTY, year=year)
    if row.entity == "post" and ident.isdigit():
        post = session.get(Post, int(ident))
        topic = session.get(Topic, post.topic_id) if post else None
        return topic.title if topic else ""
    found = names.of(row.entity, ident)
    if found:
        return found
    # Gone since (deleted): the name its last snapshot kept, else only its number.
    for snapshot in (row.before, row.after):
        if isinstance(snapshot, dict):
            for field in ("title", "name", "display_name", "person_name", "file"):
                if snapshot.get(field):
                    return str(snapshot[field])
    return f"#{ident}" if ident else ""


NAME_COLUMNS = ("display_name", "name", "title", "person_name", "filename", "code")


class _Names:
    """Rows' names by table and id, looked up once per page of the log: the registry's namers
    first, else the row's first name-like column (a wing's own table, such as a meeting, needs
    no entry here)."""

    def __init__(self, session: Session, lang: str) -> None:
        self.session, self.lang, self.cache = session, lang, {}

    def of(self, table_name: str, ident) -> str:
        key = (table_name, str(ident))
        if key not in self.cache:
            self.cache[key] = self._lookup(table_name, str(ident)) if str(ident).isdigit() else ""
        return self.cache[key]

    def _lookup(self, table_name: str, ident: str) -> str:
        namer = NAMERS.get(table_name)
        if namer:
            found = self.session.get(namer[0], int(ident))
            return namer[1](found, self.lang) if found is not None else ""
        table = SQLModel.metadata.tables.get(table_name)
        if table is None or "id" not in table.c:
            return ""
        column = next((table.c[name] for name in NAME_COLUMNS if name in table.c), None)
        if column is None:
            return ""
        return str(self.session.exec(select(column).where(table.c.id == int(ident))).first() or "")

    def field(self, entity: str, field: str, value) -> str:
        """A snapshot's value as read: a reference to another row by that row's name."""
        table = SQLModel.metadata.tables.get(entity)
        column = table.c.get(field) if table is not None else None
        if column is not None and column.foreign_keys and not is_missing(value):
            target = next(iter(column.foreign_keys)).column.table.name
            return self.of(target, value) or f"#{value}"
        if isinstance(value, (list, dict)) and value:
            return json.dumps(value, ensure_ascii=False, default=str)
        return text(value)


def snapshot_text(snapshot, names: _Names | None = None, entity: str = "") -> str:
    """A before / after snapshot as a person reads it: "status: open · member_id: 山东劳动职业技术
    学院 · note: —" (nothing as "—", not JSON's null; a reference by the name of what it refers to)."""
    if snapshot is None:
        return ""
    if not isinstance(snapshot, dict):
        return text(snapshot)
    return " · ".join(f"{name}: {names.field(entity, name, value) if names else text(value)}"
                      for name, value in snapshot.items())


def _detail(row: AuditLog, lang: str) -> str:
    if row.action in HIDDEN_DETAIL or not row.detail:
        return ""
    if row.detail in _DETAIL_KEYS:
        return translate(_DETAIL_KEYS[row.detail], lang)
    wrong = _WRONG_PASSWORDS.match(row.detail)
    if wrong:
        return translate("audit.detail_wrong_passwords", lang, count=wrong.group(1))
    return row.detail


def choices(session: Session, current: CurrentUser, lang: str = "zh") -> dict:
    """The values each filter offers (as stored), and `actor_labels` / `entity_labels` to show
    them by (the person's name, the kind of object in words)."""
    require_role(current, *STAFF_ROLES)
    found = {name: sorted(v for v in session.exec(select(getattr(AuditLog, name)).distinct()).all() if v)
             for name in ("actor_name", "entity", "action")}
    names = dict(session.exec(select(User.username, User.display_name)).all())
    found["actor_labels"] = {
        actor: translate(SYSTEM_ACTORS[actor], lang) if actor in SYSTEM_ACTORS and actor not in names
        else names.get(actor, actor) for actor in found["actor_name"]}
    found["entity_labels"] = {entity: entity_label(entity, lang) for entity in found["entity"]}
    return found

"""Notices and documents (通知公告) from the secretariat: publishing with files and audiences,
edits kept as versions, withdrawal, the management list, and read receipts by unit with
reminders to those who have not read."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, func, select

from core import attachments, audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, translate
from core.messages.common import (
    BODY_MAX,
    NOTICE_CATEGORIES,
    TITLE_MAX,
    addressed_to,
    check_audience,
    clean_audience,
    clean_text,
    is_visible,
)
from core.messages.system import send_system
from core.models import (
    Attachment,
    MemberStatus,
    MemberUnit,
    Message,
    MessageCategory,
    MessageRevision,
    ReadReceipt,
    Role,
    User,
)
from core.timeutil import as_utc, to_china, utcnow


def check_notice(session: Session, values: dict) -> None:
    """Every rule a notice keeps; all problems are reported at once."""
    problems: list[tuple[str, dict]] = []
    title, body = clean_text(values.get("title")), clean_text(values.get("body"))
    if not title:
        problems.append(("message.title_required", {}))
    elif len(title) > TITLE_MAX:
        problems.append(("message.title_too_long", {"max": TITLE_MAX, "length": len(title)}))
    if not body:
        problems.append(("message.body_required", {}))
    elif len(body) > BODY_MAX:
        problems.append(("message.body_too_long", {"max": BODY_MAX}))
    if values.get("category") not in NOTICE_CATEGORIES:
        problems.append(("message.bad_category", {}))
    try:
        check_audience(session, values.get("audience") or {})
    except ValidationFailed as error:
        problems.append((error.key, error.params))
    publish_at, expires_at = values.get("publish_at"), values.get("expires_at")
    if expires_at is not None and publish_at is not None and as_utc(expires_at) <= as_utc(publish_at):
        problems.append(("message.expires_before_publish", {}))
    if problems:
        error = ValidationFailed(problems[0][0], **problems[0][1])
        error.more = problems[1:]
        raise error


NOTICE_FIELDS = ("category", "title", "body", "audience", "pinned", "is_public", "publish_at",
                 "expires_at")


def _notice_values(category, title, body, audience, pinned, is_public, publish_at, expires_at,
                   now) -> dict:
    return {"category": category, "title": clean_text(title), "body": clean_text(body),
            "audience": clean_audience(audience), "pinned": bool(pinned),
            "is_public": bool(is_public),
            "publish_at": as_utc(publish_at) if publish_at else now,
            "expires_at": as_utc(expires_at) if expires_at else None}


def publish(session: Session, current: CurrentUser | None, *, category: str, title: str,
            body: str, audience: dict, pinned: bool = False, is_public: bool = False,
            publish_at: datetime | None = None, expires_at: datetime | None = None) -> Message:
    """A new notice or document from the secretariat (publish_at in the future: scheduled)."""
    require_role(current, *STAFF_ROLES)
    now = utcnow()
    values = _notice_values(category, title, body, audience, pinned, is_public, publish_at,
                            expires_at, now)
    check_notice(session, values)
    message = Message(**values, author_user_id=current.id, published=True, created_at=now,
                      updated_at=now)
    session.add(message)
    session.flush()
    audit.record(session, action="message_published", actor_id=current.id,
                 actor_name=current.username, entity="message", entity_id=message.id,
                 after=audit.snapshot(message, ("category", "title", "audience", "pinned",
                                                "is_public", "publish_at", "expires_at")),
                 detail=message.title[:200])
    return message


def publish_with_files(session: Session, current: CurrentUser | None, *,
                       files: Iterable[tuple[str, bytes]] = (), **fields) -> Message:
    """Publish and attach files in one transaction: a refused file publishes nothing."""
    require_role(current, *STAFF_ROLES)
    message = publish(session, current, **fields)
    for filename, content in files:
        add_attachment(session, current, message.id, filename=filename, content=content)
    return message


def unit_choices(session: Session, current: CurrentUser | None) -> list[tuple[int, str]]:
    """Member units for the audience picker: active ones first, by name."""
    require_role(current, *STAFF_ROLES)
    rows = session.exec(select(MemberUnit.id, MemberUnit.name, MemberUnit.status)).all()
    rows = sorted(rows, key=lambda r: (r[2] != MemberStatus.ACTIVE,
                                       r[1].encode("gbk", errors="replace")))
    return [(unit_id, name) for unit_id, name, _ in rows]


def update_message(session: Session, current: CurrentUser | None, message_id: int,
                   expected_version: int, *, category: str, title: str, body: str,
                   audience: dict, pinned: bool = False, is_public: bool = False,
                   publish_at: datetime | None = None,
                   expires_at: datetime | None = None) -> dict:
    """Save an edited notice; its earlier title and body are kept as a revision. Returns the diff."""
    require_role(current, *STAFF_ROLES)
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("message.not_found")
    if message.category == MessageCategory.SYSTEM:
        raise PermissionDenied("message.system_read_only")
    values = _notice_values(category, title, body, audience, pinned, is_public,
                            publish_at or message.publish_at, expires_at, utcnow())
    check_notice(session, values)
    before = {name: getattr(message, name) for name in NOTICE_FIELDS}
    before["publish_at"] = as_utc(before["publish_at"])
    before["expires_at"] = as_utc(before["expires_at"]) if before["expires_at"] else None
    diff = {name: (before[name], values[name]) for name in NOTICE_FIELDS
            if before[name] != values[name]}
    if not diff:
        return {}
    old_title, old_body = message.title, message.body
    update_versioned(session, Message, message_id, expected_version,
                     {**{name: values[name] for name in diff}, "updated_at": utcnow()})
    if "title" in diff or "body" in diff:
        session.add(MessageRevision(message_id=message_id, title=old_title, body=old_body,
                                    edited_by=current.id))
    audit.record(session, action="message_updated", actor_id=current.id,
                 actor_name=current.username, entity="message", entity_id=message_id,
                 before={k: v[0] for k, v in diff.items() if k != "body"},
                 after={k: v[1] for k, v in diff.items() if k != "body"},
                 detail=values["title"][:200])
    return diff


def set_published(session: Session, current: CurrentUser | None, message_id: int,
                  published: bool) -> None:
    """Withdraw a notice from every inbox (and the portal), or put it back."""
    require_role(current, *STAFF_ROLES)
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("message.not_found")
    if message.published == bool(published):
        return
    update_versioned(session, Message, message_id, message.version,
                     {"published": bool(published), "updated_at": utcnow()})
    audit.record(session, action="message_republished" if published else "message_unpublished",
                 actor_id=current.id, actor_name=current.username, entity="message",
                 entity_id=message_id, detail=message.title[:200])


def revisions(session: Session, current: CurrentUser | None, message_id: int) -> pd.DataFrame:
    """The earlier versions of a notice, newest first: title, body, who replaced it and when."""
    require_role(current, *STAFF_ROLES)
    rows = session.exec(select(MessageRevision, User.display_name)
                        .join(User, User.id == MessageRevision.edited_by, isouter=True)
                        .where(MessageRevision.message_id == message_id)
                        .order_by(MessageRevision.id.desc())).all()
    return pd.DataFrame([{"title": r.title, "body": r.body, "edited_by": who or "",
                          "edited_at": r.edited_at} for r, who in rows],
                        columns=["title", "body", "edited_by", "edited_at"])


MANAGE_COLUMNS = ["id", "category", "title", "publish_at", "expires_at", "pinned", "is_public",
                  "published", "author", "readers", "files", "version"]


def manage_list(session: Session, current: CurrentUser | None, *, category: str | None = None,
                search: str = "", include_system: bool = False, page: int = 1,
                per_page: int = 20) -> tuple[pd.DataFrame, int]:
    """Every message for the secretariat (drafts, scheduled, expired too), one page; and the total."""
    require_role(current, *STAFF_ROLES)
    conditions = []
    if category:
        conditions.append(Message.category == category)
    elif not include_system:
        conditions.append(Message.category != MessageCategory.SYSTEM)
    term = (search or "").strip()
    if term:
        conditions.append(sa.or_(Message.title.icontains(term, autoescape=True),
                                 Message.body.icontains(term, autoescape=True)))
    total = session.exec(select(func.count()).select_from(Message).where(*conditions)).one()
    readers = (select(func.count()).select_from(ReadReceipt)
               .where(ReadReceipt.message_id == Message.id).scalar_subquery())
    files = (select(func.count()).select_from(Attachment)
             .where(Attachment.owner_kind == "message", Attachment.owner_id == Message.id)
             .scalar_subquery())
    rows = session.exec(
        select(Message.id, Message.category, Message.title, Message.publish_at, Message.expires_at,
               Message.pinned, Message.is_public, Message.published, User.display_name,
               readers.label("readers"), files.label("files"), Message.version)
        .join(User, User.id == Message.author_user_id, isouter=True).where(*conditions)
        .order_by(Message.publish_at.desc(), Message.id.desc())
        .limit(max(1, per_page)).offset((max(1, page) - 1) * max(1, per_page))).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=MANAGE_COLUMNS)
    frame["author"] = frame["author"].fillna("")
    now = utcnow()
    frame["state"] = [message_state(r.published, r.publish_at, r.expires_at, now)
                      for r in frame.itertuples()]
    return frame, int(total)


def message_state(published: bool, publish_at: datetime, expires_at: datetime | None,
                  now: datetime) -> str:
    """withdrawn, scheduled, expired or live."""
    if not published:
        return "withdrawn"
    if as_utc(publish_at) > now:
        return "scheduled"
    if expires_at is not None and not pd.isna(expires_at) and as_utc(expires_at) <= now:
        return "expired"
    return "live"


def notice(session: Session, current: CurrentUser | None, message_id: int) -> Message:
    """One message as stored, for the secretariat's edit form."""
    require_role(current, *STAFF_ROLES)
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("message.not_found")
    return message


# ---------------------------------------------------------------- attachments
def add_attachment(session: Session, current: CurrentUser | None, message_id: int, *,
                   filename: str, content: bytes) -> Attachment:
    """A file on a notice: stored in the database, checked by content and size."""
    require_role(current, *STAFF_ROLES)
    if session.get(Message, message_id) is None:
        raise NotFound("message.not_found")
    return attachments.add(session, current, owner_kind="message", owner_id=message_id,
                           filename=filename, content=content)


def remove_attachment(session: Session, current: CurrentUser | None, attachment_id: int) -> None:
    require_role(current, *STAFF_ROLES)
    row = session.get(Attachment, attachment_id)
    if row is None or row.owner_kind != "message":
        raise NotFound("attachment.not_found")
    audit.record(session, action="attachment_removed", actor_id=current.id,
                 actor_name=current.username, entity="message", entity_id=row.owner_id,
                 before={"file": row.filename, "bytes": row.size_bytes})
    session.delete(row)


# ---------------------------------------------------------------- read receipts
@dataclass(frozen=True)
class ReadStatus:
    units: pd.DataFrame   # member_id, unit, unit_type, accounts, read, read_at, status (units with accounts first)
    people: pd.DataFrame  # user_id, name, role, unit, read_at (every addressed account)
    recipients: int       # addressed active accounts
    read: int             # of those, how many have read


def _recipients(session: Session, message: Message) -> list[tuple[User, str | None]]:
    rows = session.exec(select(User, MemberUnit.unit_type)
                        .join(MemberUnit, MemberUnit.id == User.member_id, isouter=True)
                        .where(User.active)).all()
    return [(user, unit_type) for user, unit_type in rows
            if addressed_to(message.audience, role=user.role, user_id=user.id,
                            member_id=user.member_id, member_type=unit_type)]


def _addressed_units(session: Session, message: Message, recipients) -> list[MemberUnit]:
    """The member units a notice is meant for: active units the audience names, and the units
    of addressed liaison accounts (units without an account show as such)."""
    audience = message.audience or {}
    ids = set(audience.get("member_ids", []))
    ids |= {user.member_id for user, _ in recipients if user.member_id is not None}
    query = select(MemberUnit)
    if audience.get("everyone") or Role.MEMBER in audience.get("roles", []):
        query = query.where(sa.or_(MemberUnit.status == MemberStatus.ACTIVE, MemberUnit.id.in_(ids)))
    elif audience.get("member_types"):
        query = query.where(sa.or_(sa.and_(MemberUnit.status == MemberStatus.ACTIVE,
                                           MemberUnit.unit_type.in_(audience["member_types"])),
                                   MemberUnit.id.in_(ids)))
    else:
        query = query.where(MemberUnit.id.in_(ids))
    return session.exec(query).all()


def read_status(session: Session, current: CurrentUser | None, message_id: int) -> ReadStatus:
    """Who the notice reaches and who has read it: per unit and per account."""
    require_role(current, *STAFF_ROLES)
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("message.not_found")
    recipients = _recipients(session, message)
    read_at = dict(session.exec(select(ReadReceipt.user_id, ReadReceipt.read_at)
                                .where(ReadReceipt.message_id == message_id)).all())
    units = {unit.id: unit for unit in _addressed_units(session, message, recipients)}
    people = pd.DataFrame(
        [{"user_id": user.id, "name": user.display_name, "role": user.role,
          "member_id": user.member_id, "unit": units[user.member_id].name
          if user.member_id in units else "", "read_at": read_at.get(user.id)}
         for user, _ in recipients],
        columns=["user_id", "name", "role", "member_id", "unit", "read_at"])
    unit_rows = []
    for unit in units.values():
        mine = people[people["member_id"] == unit.id]
        times = [t for t in mine["read_at"] if t is not None and not pd.isna(t)]
        accounts = len(mine)
        unit_rows.append({"member_id": unit.id, "unit": unit.name, "unit_type": unit.unit_type,
                          "accounts": accounts, "read": len(times),
                          "read_at": min(times) if times else None,
                          "status": "read" if times else ("unread" if accounts else "no_account")})
    order = {"unread": 0, "read": 1, "no_account": 2}  # units that can read first
    frame = pd.DataFrame(unit_rows, columns=["member_id", "unit", "unit_type", "accounts", "read",
                                             "read_at", "status"])
    if not frame.empty:
        frame = frame.sort_values(
            ["status", "unit"], key=lambda col: col.map(order) if col.name == "status"
            else col.map(lambda s: str(s).encode("gbk", errors="replace")), ignore_index=True)
    read = int(people["read_at"].notna().sum()) if not people.empty else 0
    return ReadStatus(units=frame, people=people, recipients=len(people), read=read)


def remind_unread(session: Session, current: CurrentUser | None, message_id: int, *,
                  lang: str = DEFAULT_LANGUAGE) -> Message:
    """A system message to every addressed account that has not opened the notice yet."""
    require_role(current, *STAFF_ROLES)
    status = read_status(session, current, message_id)
    waiting = [int(uid) for uid, at in zip(status.people["user_id"], status.people["read_at"])
               if at is None or pd.isna(at)]
    if not waiting:
        raise ValidationFailed("message.nobody_to_remind")
    message = session.get(Message, message_id)
    if not is_visible(message, utcnow()):
        raise ValidationFailed("message.remind_not_visible")
    reminder = send_system(
        session, title=translate("message.reminder_title", lang, title=message.title),
        body=translate("message.reminder_body", lang, title=message.title,
                       published=to_china(message.publish_at).strftime("%Y-%m-%d")),
        user_ids=waiting, sender=current)
    audit.record(session, action="message_reminded", actor_id=current.id,
                 actor_name=current.username, entity="message", entity_id=message_id,
                 after={"reminded": len(waiting), "reminder_id": reminder.id},
                 detail=message.title[:200])
    return reminder


def _may_read_file(session: Session, user: CurrentUser, message_id: int) -> bool:
    from core.messages.inbox import may_read

    message = session.get(Message, message_id)
    return message is not None and may_read(session, user, message)


def _describe(session: Session, message_id: int) -> dict:
    """A notice's attachments are filed under the notice's title and the year it was issued."""
    message = session.get(Message, message_id)
    return {} if message is None else {"title": message.title, "year": to_china(message.publish_at).year}


attachments.register_owner(
    "message", may_attach=lambda session, user, message_id: user.role in STAFF_ROLES
    and session.get(Message, message_id) is not None, may_read=_may_read_file, describe=_describe)

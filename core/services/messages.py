"""Message management (消息管理): notices and documents with read receipts, system messages
(the discussion boards are in core.services.boards).

- A message's audience is a JSON dict {"everyone", "roles", "member_types", "member_ids",
  "user_ids"}; a user is addressed when any part matches. The inbox applies that rule in SQL
  (json_each on SQLite, jsonb containment on PostgreSQL), so it pages with LIMIT/OFFSET and
  counts in SQL however many messages there are. `addressed_to` is the same rule in Python,
  for one message (opening it, the read status of its recipients).
- Opening a notice writes a ReadReceipt for the user; the secretariat sees, per notice, which
  addressed units and people have read it and can remind those who have not.
- Editing a notice keeps its earlier title and body (MessageRevision).
- Other modules send through `send_system`, so a user finds everything in one inbox.
- Bodies are Markdown; `safe_markdown` turns any raw HTML into visible text before rendering.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, translate
from core.models import (
    Attachment, MemberStatus, MemberType, MemberUnit, Message, MessageCategory, MessageRevision,
    Post, ReadReceipt, Role, User,
)
from core.services import attachments
from core.timeutil import as_utc, china_today, to_china, utcnow

TITLE_MAX = 200
BODY_MAX = 50_000
POST_MAX = 20_000
NOTICE_CATEGORIES = (MessageCategory.NOTICE, MessageCategory.DOCUMENT, MessageCategory.MINUTES,
                     MessageCategory.BULLETIN)
CATEGORIES = (*NOTICE_CATEGORIES, MessageCategory.SYSTEM)
AUDIENCE_KEYS = ("roles", "member_types", "member_ids", "user_ids")
MILESTONE_WINDOW_DAYS = 14
ALL_ROLE_CODES = tuple(Role)


# ---------------------------------------------------------------- safe rendering
_LEADING_QUOTES = re.compile(r"^(\s{0,3}(?:>\s?)*)(.*)$", re.DOTALL)
_DANGEROUS_LINK = re.compile(r"(?i)(\]\(\s*|\]:\s*)(javascript|vbscript|data)\s*:")


def safe_markdown(text: str | None) -> str:
    """Markdown whose raw HTML shows as text and is never run.

    `&`, `<` and `>` become entities (a leading `>` stays, it is Markdown's quote), so
    `<script>` or `<img onerror=…>` appear literally; links to javascript:, vbscript: and data:
    are cut off. Everything else (emphasis, lists, headings, links) renders as Markdown."""
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;")
    lines = []
    for line in text.split("\n"):
        quotes, rest = _LEADING_QUOTES.match(line).groups()
        lines.append(quotes + rest.replace(">", "&gt;"))
    return _DANGEROUS_LINK.sub(lambda m: m.group(1) + "#", "\n".join(lines))


def plain_title(text: str | None) -> str:
    """A title for a Markdown line or label: HTML shown as text, Markdown marks kept literal."""
    escaped = safe_markdown((text or "").replace("\n", " "))
    return re.sub(r"([\\`*_\[\]#|~$])", r"\\\1", escaped)


# ---------------------------------------------------------------- audience
def clean_audience(audience: dict | None) -> dict:
    """The stored form of an audience: known keys, unique values of the right type."""
    audience = audience or {}
    out: dict = {}
    if audience.get("everyone"):
        out["everyone"] = True
    for key in AUDIENCE_KEYS:
        values = audience.get(key) or []
        if key in ("member_ids", "user_ids"):
            values = sorted({int(v) for v in values})
        else:
            values = sorted({str(v) for v in values})
        if values:
            out[key] = values
    return out


def _check_audience(session: Session, audience: dict) -> None:
    if not audience:
        raise ValidationFailed("message.audience_required")
    if set(audience.get("roles", [])) - set(ALL_ROLE_CODES):
        raise ValidationFailed("message.bad_audience")
    if set(audience.get("member_types", [])) - set(MemberType):
        raise ValidationFailed("message.bad_audience")
    ids = audience.get("member_ids", [])
    if ids and session.exec(select(func.count()).select_from(MemberUnit)
                            .where(MemberUnit.id.in_(ids))).one() != len(ids):
        raise ValidationFailed("message.bad_audience")


def _member_type(session: Session, user: CurrentUser) -> str | None:
    if user.member_id is None:
        return None
    return session.exec(select(MemberUnit.unit_type).where(MemberUnit.id == user.member_id)).first()


def addressed_to(audience: dict | None, *, role: str, user_id: int, member_id: int | None,
                 member_type: str | None) -> bool:
    """Whether a message with this audience reaches the user (the rule `_audience_sql` applies)."""
    audience = audience or {}
    if audience.get("everyone"):
        return True
    return (role in audience.get("roles", [])
            or (member_type is not None and member_type in audience.get("member_types", []))
            or (member_id is not None and member_id in audience.get("member_ids", []))
            or user_id in audience.get("user_ids", []))


def _audience_sql(session: Session, user: CurrentUser, member_type: str | None):
    """The audience rule as a SQL condition on the message table, for this user."""
    table = Message.__tablename__
    params = {"aud_role": user.role, "aud_user": user.id}
    if session.get_bind().dialect.name == "sqlite":
        def has(key: str, param: str) -> str:
            return (f"EXISTS (SELECT 1 FROM json_each({table}.audience, '$.{key}') "
                    f"WHERE json_each.value = :{param})")
        parts = [f"json_extract({table}.audience, '$.everyone') = 1"]
    else:  # PostgreSQL: an array contains a scalar with @>
        casts = {"aud_role": "text", "aud_user": "integer", "aud_type": "text", "aud_member": "integer"}

        def has(key: str, param: str) -> str:
            return (f"(CAST({table}.audience AS jsonb) -> '{key}') @> "
                    f"to_jsonb(CAST(:{param} AS {casts[param]}))")
        parts = [f"(CAST({table}.audience AS jsonb) ->> 'everyone') = 'true'"]
    parts += [has("roles", "aud_role"), has("user_ids", "aud_user")]
    if member_type is not None:
        parts.append(has("member_types", "aud_type"))
        params["aud_type"] = member_type
    if user.member_id is not None:
        parts.append(has("member_ids", "aud_member"))
        params["aud_member"] = user.member_id
    return sa.text("(" + " OR ".join(parts) + ")").bindparams(**params)


def _visible_now(now: datetime):
    return sa.and_(Message.published, Message.publish_at <= now,
                   sa.or_(Message.expires_at.is_(None), Message.expires_at > now))


def _is_visible(message: Message, now: datetime) -> bool:
    return (message.published and as_utc(message.publish_at) <= now
            and (message.expires_at is None or as_utc(message.expires_at) > now))


def _require_login(current: CurrentUser | None) -> CurrentUser:
    if current is None:
        raise PermissionDenied("auth.login_required")
    return current


# ---------------------------------------------------------------- the inbox
@dataclass(frozen=True)
class InboxPage:
    rows: pd.DataFrame  # id, category, title, publish_at, pinned, author, is_read, files
    total: int          # messages matching the filters
    unread: int         # unread of those matching the filters
    page: int
    pages: int


INBOX_COLUMNS = ["id", "category", "title", "publish_at", "pinned", "author", "is_read", "files"]


def _addressed_query(session: Session, user: CurrentUser, now: datetime, *,
                     category: str | None = None, search: str = ""):
    conditions = [_visible_now(now), _audience_sql(session, user, _member_type(session, user))]
    if category:
        conditions.append(Message.category == category)
    term = (search or "").strip()
    if term:
        conditions.append(sa.or_(Message.title.icontains(term, autoescape=True),
                                 Message.body.icontains(term, autoescape=True)))
    return conditions


def _read_exists(user_id: int):
    return sa.exists().where(ReadReceipt.message_id == Message.id, ReadReceipt.user_id == user_id)


def inbox(session: Session, current: CurrentUser | None, *, category: str | None = None,
          search: str = "", unread_only: bool = False, page: int = 1,
          per_page: int = 20) -> InboxPage:
    """The messages addressed to the caller, pinned then newest first, one page of them."""
    user = _require_login(current)
    now = utcnow()
    conditions = _addressed_query(session, user, now, category=category, search=search)
    is_read = _read_exists(user.id)
    if unread_only:
        conditions.append(~is_read)
    total, read = session.exec(
        select(func.count(), func.coalesce(func.sum(sa.case((is_read, 1), else_=0)), 0))
        .select_from(Message).where(*conditions)).one()
    per_page = max(1, int(per_page))
    pages = max(1, -(-total // per_page))
    page = min(max(1, int(page)), pages)
    files = (select(func.count()).select_from(Attachment)
             .where(Attachment.owner_kind == "message", Attachment.owner_id == Message.id)
             .scalar_subquery())
    rows = session.exec(
        select(Message.id, Message.category, Message.title, Message.publish_at, Message.pinned,
               User.display_name, is_read.label("is_read"), files.label("files"))
        .join(User, User.id == Message.author_user_id, isouter=True)
        .where(*conditions)
        .order_by(Message.pinned.desc(), Message.publish_at.desc(), Message.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=INBOX_COLUMNS)
    frame["author"] = frame["author"].fillna("")
    frame["is_read"] = frame["is_read"].astype(bool)
    return InboxPage(rows=frame, total=int(total), unread=int(total) - int(read), page=page,
                     pages=pages)


def unread_count(session: Session, current: CurrentUser | None) -> int:
    """How many messages addressed to the caller are unread (the number in the navigation)."""
    if current is None:
        return 0
    conditions = _addressed_query(session, current, utcnow())
    return int(session.exec(select(func.count()).select_from(Message)
                            .where(*conditions, ~_read_exists(current.id))).one())


def latest_for(session: Session, current: CurrentUser, limit: int = 6) -> tuple[list[dict], int]:
    """The newest messages addressed to the user (for home), and the user's unread count."""
    page = inbox(session, current, per_page=limit)
    rows = [{"id": int(r.id), "title": r.title, "category": r.category, "at": r.publish_at,
             "pinned": bool(r.pinned), "unread": not r.is_read} for r in page.rows.itertuples()]
    return rows, unread_count(session, current)


def may_read(session: Session, current: CurrentUser, message: Message) -> bool:
    """Addressed to the caller and published now (staff may open any message to manage it)."""
    if current.role in STAFF_ROLES:
        return True
    return _is_visible(message, utcnow()) and addressed_to(
        message.audience, role=current.role, user_id=current.id, member_id=current.member_id,
        member_type=_member_type(session, current))


def open_message(session: Session, current: CurrentUser | None, message_id: int, *,
                 mark_read: bool = True) -> dict:
    """One message for reading; marks it read for the caller when it is addressed to them
    (with `mark_read=False` only says whether it was unread, writing nothing).

    Returns its fields, `files` (the attachments) and `was_unread`."""
    user = _require_login(current)
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("message.not_found")
    addressed = _is_visible(message, utcnow()) and addressed_to(
        message.audience, role=user.role, user_id=user.id, member_id=user.member_id,
        member_type=_member_type(session, user))
    if not addressed and user.role not in STAFF_ROLES:
        raise PermissionDenied("message.not_addressed")
    was_unread = False
    if addressed and mark_read:
        was_unread = _mark_read(session, message.id, user.id)
    elif addressed:
        was_unread = session.exec(select(ReadReceipt.id).where(ReadReceipt.message_id == message.id,
                                                               ReadReceipt.user_id == user.id)).first() is None
    author = session.get(User, message.author_user_id) if message.author_user_id else None
    return {"id": message.id, "category": message.category, "title": message.title,
            "body": message.body, "author": author.display_name if author else "",
            "publish_at": message.publish_at, "expires_at": message.expires_at,
            "pinned": message.pinned, "is_public": message.is_public,
            "published": message.published, "addressed": addressed, "was_unread": was_unread,
            "files": attachments.listing(session, "message", message.id)}


def _mark_read(session: Session, message_id: int, user_id: int) -> bool:
    """Write the receipt unless there is one; True when this was the first opening."""
    if session.exec(select(ReadReceipt.id).where(ReadReceipt.message_id == message_id,
                                                 ReadReceipt.user_id == user_id)).first():
        return False
    try:
        with session.begin_nested():  # two tabs opening at once: the second finds the first
            session.add(ReadReceipt(message_id=message_id, user_id=user_id))
    except IntegrityError:
        return False
    return True


def public_notices(session: Session, limit: int = 5) -> list[dict]:
    """Notices marked public and published now, for the portal (no login)."""
    rows = session.exec(select(Message).where(Message.is_public, _visible_now(utcnow()))
                        .order_by(Message.pinned.desc(), Message.publish_at.desc(),
                                  Message.id.desc()).limit(limit)).all()
    return [{"id": m.id, "title": m.title, "body": m.body, "category": m.category,
             "at": m.publish_at} for m in rows]


# ---------------------------------------------------------------- publishing
def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def check_notice(session: Session, values: dict) -> None:
    """Every rule a notice keeps; all problems are reported at once."""
    problems: list[tuple[str, dict]] = []
    title, body = _clean_text(values.get("title")), _clean_text(values.get("body"))
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
        _check_audience(session, values.get("audience") or {})
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
    return {"category": category, "title": _clean_text(title), "body": _clean_text(body),
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


def attachment_content(session: Session, current: CurrentUser | None,
                       attachment_id: int) -> tuple[str, str, bytes]:
    """A notice's or post's file, for those who may read the notice or the topic."""
    user = _require_login(current)
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment.not_found")
    if row.owner_kind == "message":
        message = session.get(Message, row.owner_id)
        if message is None or not may_read(session, user, message):
            raise PermissionDenied("message.not_addressed")
    elif row.owner_kind == "post":
        from core.services.boards import visible_topic  # boards build on this module

        post = session.get(Post, row.owner_id)
        if post is None:
            raise NotFound("attachment.not_found")
        visible_topic(session, user, post.topic_id)
    else:
        raise PermissionDenied("auth.forbidden")
    return row.filename, row.mime_type, row.content


# ---------------------------------------------------------------- read receipts
@dataclass(frozen=True)
class ReadStatus:
    units: pd.DataFrame   # member_id, unit, unit_type, accounts, read, read_at, status
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
    order = {"unread": 0, "no_account": 1, "read": 2}
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
    if not _is_visible(message, utcnow()):
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


# ---------------------------------------------------------------- system messages
def send_system(session: Session, *, title: str, body: str, member_ids: Iterable[int] = (),
                user_ids: Iterable[int] = (), roles: Iterable[str] = (),
                sender: CurrentUser | None = None) -> Message:
    """A system message, published now, to the given units' accounts, users and roles.

    Other modules (indicator reminders and rejections, reminders to read, milestones due) call
    this, so a user finds every message in one inbox. A title over 200 characters is shortened."""
    title, body = _clean_text(title), _clean_text(body)
    if not title:
        raise ValidationFailed("message.title_required")
    if not body:
        raise ValidationFailed("message.body_required")
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX - 1] + "…"
    audience = clean_audience({"member_ids": list(member_ids), "user_ids": list(user_ids),
                               "roles": list(roles)})
    audience = {key: audience.get(key, []) for key in ("member_ids", "user_ids", "roles")}
    if not any(audience.values()):
        raise ValidationFailed("message.audience_required")
    if set(audience["roles"]) - set(ALL_ROLE_CODES):
        raise ValidationFailed("message.bad_audience")
    now = utcnow()
    message = Message(category=MessageCategory.SYSTEM, title=title, body=body[:BODY_MAX],
                      author_user_id=sender.id if sender else None, audience=audience,
                      published=True, publish_at=now, created_at=now, updated_at=now)
    session.add(message)
    session.flush()
    audit.record(session, action="system_message_sent", actor_id=sender.id if sender else None,
                 actor_name=sender.username if sender else "system", entity="message",
                 entity_id=message.id, after=audience, detail=title[:200])
    return message


def milestones_due(session: Session, current: CurrentUser | None, *, as_of: date | None = None,
                   days: int = MILESTONE_WINDOW_DAYS, lang: str = DEFAULT_LANGUAGE) -> Message | None:
    """Send the secretariat and admins the current plan's open milestones due within `days`
    or overdue. None when there is nothing to send."""
    from core.services import plan as plan_service

    require_role(current, *STAFF_ROLES)
    as_of = as_of or china_today()
    current_plan = plan_service.current_plan(session)
    if current_plan is None:
        return None
    frame = plan_service.milestones(session, current_plan.id, as_of=as_of)
    if frame.empty:
        return None
    due = frame[~frame["status"].isin(plan_service.CLOSED)
                & (frame["planned_due"] <= as_of + timedelta(days=days))].sort_values("planned_due")
    if due.empty:
        return None
    lines = []
    for row in due.itertuples():
        late = (as_of - row.planned_due).days
        state = (translate("message.milestone_overdue", lang, days=late) if late > 0
                 else translate("message.milestone_due_in", lang, days=-late))
        lines.append(translate("message.milestone_line", lang, due=row.planned_due.isoformat(),
                               code=f"{row.area_seq}.{row.task_seq}.{row.seq}",
                               title=row.title, owner=row.owner or "—", state=state,
                               percent=row.percent))
    overdue = int(due["overdue"].sum())
    body = translate("message.milestones_body", lang, plan=current_plan.title, days=days,
                     count=len(due), overdue=overdue) + "\n\n" + "\n".join(lines)
    return send_system(session, title=translate("message.milestones_title", lang,
                                                date=as_of.isoformat(), count=len(due)),
                       body=body, roles=[Role.SECRETARIAT, Role.ADMIN], sender=current)

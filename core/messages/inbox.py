"""The inbox (消息中心): the messages addressed to a user, unread counts, opening a message (which
writes its read receipt), its files, and the public notices of the portal."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from core import attachments
from core.auth import STAFF_ROLES, CurrentUser
from core.errors import NotFound, PermissionDenied
from core.messages.common import addressed_to, audience_sql, is_visible, member_type, require_login, visible_now
from core.models import Attachment, Message, ReadReceipt, User
from core.timeutil import utcnow


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
    conditions = [visible_now(now), audience_sql(session, user, member_type(session, user))]
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
    user = require_login(current)
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
    return is_visible(message, utcnow()) and addressed_to(
        message.audience, role=current.role, user_id=current.id, member_id=current.member_id,
        member_type=member_type(session, current))


def open_message(session: Session, current: CurrentUser | None, message_id: int, *,
                 mark_read: bool = True) -> dict:
    """One message for reading; marks it read for the caller when it is addressed to them
    (with `mark_read=False` only says whether it was unread, writing nothing).

    Returns its fields, `files` (the attachments) and `was_unread`."""
    user = require_login(current)
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound("message.not_found")
    addressed = is_visible(message, utcnow()) and addressed_to(
        message.audience, role=user.role, user_id=user.id, member_id=user.member_id,
        member_type=member_type(session, user))
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
    rows = session.exec(select(Message).where(Message.is_public, visible_now(utcnow()))
                        .order_by(Message.pinned.desc(), Message.publish_at.desc(),
                                  Message.id.desc()).limit(limit)).all()
    return [{"id": m.id, "title": m.title, "body": m.body, "category": m.category,
             "at": m.publish_at} for m in rows]


def attachment_content(session: Session, current: CurrentUser | None,
                       attachment_id: int) -> tuple[str, str, bytes]:
    """A notice's file, for those who may read the notice (a post's file: boards.attachment_content)."""
    user = require_login(current)

    def may_see(message_id: int) -> bool:
        message = session.get(Message, message_id)
        if message is None or not may_read(session, user, message):
            raise PermissionDenied("message.not_addressed")
        return True

    return attachments.owned_content(session, attachment_id, owner_kind="message", may_see=may_see)

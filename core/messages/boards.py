"""Discussion boards (交流讨论): topics by board, posts and replies with author and unit.

Council and members post and reply; everyone edits only their own posts (earlier bodies are
kept as PostRevision); the secretariat locks a topic (no more replies) or hides it (gone for
everyone but the secretariat).
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, func, select

from core import attachments, audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.messages.common import ALL_ROLE_CODES, POST_MAX, TITLE_MAX, clean_text, require_login
from core.models import Attachment, MemberUnit, Post, PostRevision, Topic, User
from core.timeutil import utcnow

BOARDS = ("cooperation", "training", "competition", "general")


def visible_topic(session: Session, user: CurrentUser, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None or (topic.hidden and user.role not in STAFF_ROLES):
        raise NotFound("board.topic_not_found")
    return topic


def _check_post_body(body: str) -> str:
    body = clean_text(body)
    if not body:
        raise ValidationFailed("board.body_required")
    if len(body) > POST_MAX:
        raise ValidationFailed("board.body_too_long", max=POST_MAX)
    return body


TOPIC_COLUMNS = ["id", "board", "title", "author", "unit", "posts", "last_post_at", "locked",
                 "hidden", "version"]


def topics(session: Session, current: CurrentUser | None, *, board: str | None = None,
           search: str = "", page: int = 1, per_page: int = 20) -> tuple[pd.DataFrame, int]:
    """Topics, newest activity first, one page; hidden ones only for the secretariat."""
    user = require_login(current)
    conditions = []
    if board:
        conditions.append(Topic.board == board)
    if user.role not in STAFF_ROLES:
        conditions.append(~Topic.hidden)
    term = (search or "").strip()
    if term:
        conditions.append(Topic.title.icontains(term, autoescape=True))
    total = session.exec(select(func.count()).select_from(Topic).where(*conditions)).one()
    posts = (select(func.count()).select_from(Post)
             .where(Post.topic_id == Topic.id, ~Post.hidden).scalar_subquery())
    rows = session.exec(
        select(Topic.id, Topic.board, Topic.title, User.display_name,
               func.coalesce(func.nullif(MemberUnit.short_name, ""), MemberUnit.name), posts.label("posts"),
               Topic.last_post_at, Topic.locked, Topic.hidden, Topic.version)
        .join(User, User.id == Topic.author_user_id, isouter=True)
        .join(MemberUnit, MemberUnit.id == User.member_id, isouter=True)
        .where(*conditions).order_by(Topic.last_post_at.desc(), Topic.id.desc())
        .limit(max(1, per_page)).offset((max(1, page) - 1) * max(1, per_page))).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=TOPIC_COLUMNS)
    frame[["author", "unit"]] = frame[["author", "unit"]].fillna("")
    return frame, int(total)


POST_COLUMNS = ["id", "author_user_id", "author", "role", "unit", "body", "created_at",
                "edited_at", "version", "files"]


def topic_view(session: Session, current: CurrentUser | None, topic_id: int) -> dict:
    """A topic with its posts in order (author, unit, body, edit time, attachments)."""
    user = require_login(current)
    topic = visible_topic(session, user, topic_id)
    rows = session.exec(
        select(Post, User.display_name, User.role, MemberUnit.name)
        .join(User, User.id == Post.author_user_id, isouter=True)
        .join(MemberUnit, MemberUnit.id == User.member_id, isouter=True)
        .where(Post.topic_id == topic_id, ~Post.hidden)
        .order_by(Post.created_at, Post.id)).all()
    post_ids = [post.id for post, *_ in rows]
    files: dict[int, list[dict]] = {}
    if post_ids:
        for fid, owner, name, mime, size in session.exec(
                select(Attachment.id, Attachment.owner_id, Attachment.filename,
                       Attachment.mime_type, Attachment.size_bytes)
                .where(Attachment.owner_kind == "post", Attachment.owner_id.in_(post_ids))
                .order_by(Attachment.id)).all():
            files.setdefault(owner, []).append({"id": fid, "filename": name, "mime_type": mime,
                                                "size_bytes": size})
    posts = pd.DataFrame(
        [{"id": p.id, "author_user_id": p.author_user_id, "author": who or "",
          "role": role or "", "unit": unit or "", "body": p.body, "created_at": p.created_at,
          "edited_at": p.edited_at, "version": p.version, "files": files.get(p.id, [])}
         for p, who, role, unit in rows], columns=POST_COLUMNS)
    return {"id": topic.id, "board": topic.board, "title": topic.title, "locked": topic.locked,
            "hidden": topic.hidden, "version": topic.version,
            "may_reply": may_post(user, topic), "posts": posts}


def may_post(user: CurrentUser, topic: Topic) -> bool:
    """Anyone logged in replies to an open topic; a locked topic takes only the secretariat's."""
    return not topic.locked or user.role in STAFF_ROLES


def new_topic(session: Session, current: CurrentUser | None, *, board: str, title: str,
              body: str) -> Topic:
    """A topic with its first post (council, members and the secretariat may start one)."""
    user = require_role(current, *ALL_ROLE_CODES)
    if board not in BOARDS:
        raise ValidationFailed("board.bad_board")
    title = clean_text(title)
    if not title:
        raise ValidationFailed("message.title_required")
    if len(title) > TITLE_MAX:
        raise ValidationFailed("message.title_too_long", max=TITLE_MAX, length=len(title))
    body = _check_post_body(body)
    now = utcnow()
    topic = Topic(board=board, title=title, author_user_id=user.id, created_at=now,
                  last_post_at=now)
    session.add(topic)
    session.flush()
    session.add(Post(topic_id=topic.id, author_user_id=user.id, body=body, created_at=now))
    audit.record(session, action="topic_created", actor_id=user.id, actor_name=user.username,
                 entity="topic", entity_id=topic.id, after={"board": board, "title": title})
    return topic


def reply(session: Session, current: CurrentUser | None, topic_id: int, body: str) -> Post:
    user = require_role(current, *ALL_ROLE_CODES)
    topic = visible_topic(session, user, topic_id)
    if not may_post(user, topic):
        raise PermissionDenied("board.topic_locked")
    body = _check_post_body(body)
    now = utcnow()
    post = Post(topic_id=topic_id, author_user_id=user.id, body=body, created_at=now)
    session.add(post)
    session.execute(sa.update(Topic).where(Topic.id == topic_id).values(last_post_at=now))
    session.flush()
    audit.record(session, action="post_created", actor_id=user.id, actor_name=user.username,
                 entity="topic", entity_id=topic_id, after={"post": post.id})
    return post


def edit_post(session: Session, current: CurrentUser | None, post_id: int,
              expected_version: int, body: str) -> None:
    """The author edits their own post; the earlier text is kept (PostRevision)."""
    user = require_role(current, *ALL_ROLE_CODES)
    post = session.get(Post, post_id)
    if post is None or post.hidden:
        raise NotFound("board.post_not_found")
    topic = visible_topic(session, user, post.topic_id)
    if post.author_user_id != user.id:
        raise PermissionDenied("board.not_your_post")
    if not may_post(user, topic):
        raise PermissionDenied("board.topic_locked")
    body = _check_post_body(body)
    if body == post.body:
        return
    old = post.body
    update_versioned(session, Post, post_id, expected_version, {"body": body, "edited_at": utcnow()})
    session.add(PostRevision(post_id=post_id, body=old))
    audit.record(session, action="post_edited", actor_id=user.id, actor_name=user.username,
                 entity="post", entity_id=post_id, detail=old[:200])


def post_history(session: Session, current: CurrentUser | None, post_id: int) -> pd.DataFrame:
    """A post's earlier texts, newest first (anyone who can see the topic)."""
    user = require_login(current)
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound("board.post_not_found")
    visible_topic(session, user, post.topic_id)
    rows = session.exec(select(PostRevision.body, PostRevision.edited_at)
                        .where(PostRevision.post_id == post_id)
                        .order_by(PostRevision.id.desc())).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["body", "replaced_at"])


def attach_to_post(session: Session, current: CurrentUser | None, post_id: int, *,
                   filename: str, content: bytes) -> Attachment:
    """A file on one's own post (same checks as every attachment)."""
    user = require_role(current, *ALL_ROLE_CODES)
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound("board.post_not_found")
    topic = visible_topic(session, user, post.topic_id)
    if post.author_user_id != user.id:
        raise PermissionDenied("board.not_your_post")
    if not may_post(user, topic):
        raise PermissionDenied("board.topic_locked")
    return attachments.add(session, user, owner_kind="post", owner_id=post_id,
                           filename=filename, content=content)


def moderate_topic(session: Session, current: CurrentUser | None, topic_id: int, *,
                   locked: bool | None = None, hidden: bool | None = None) -> None:
    """The secretariat locks (no more replies) or hides (members and council no longer see) a topic."""
    require_role(current, *STAFF_ROLES)
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise NotFound("board.topic_not_found")
    changes = {name: bool(value) for name, value in (("locked", locked), ("hidden", hidden))
               if value is not None and bool(value) != getattr(topic, name)}
    if not changes:
        return
    before = {name: getattr(topic, name) for name in changes}
    update_versioned(session, Topic, topic_id, topic.version, changes)
    audit.record(session, action="topic_moderated", actor_id=current.id,
                 actor_name=current.username, entity="topic", entity_id=topic_id,
                 before=before, after=changes, detail=topic.title[:200])


def attachment_content(session: Session, current: CurrentUser | None,
                       attachment_id: int) -> tuple[str, str, bytes]:
    """A post's file, for those who may see its topic."""
    user = require_login(current)

    def may_see(post_id: int) -> bool:
        post = session.get(Post, post_id)
        if post is None:
            raise NotFound("attachment.not_found")
        visible_topic(session, user, post.topic_id)  # refuses a hidden topic
        return True

    return attachments.owned_content(session, attachment_id, owner_kind="post", may_see=may_see)


def _may_attach(session: Session, user: CurrentUser, post_id: int) -> bool:
    post = session.get(Post, post_id)
    if post is None or post.author_user_id != user.id:
        return False
    topic = session.get(Topic, post.topic_id)
    return topic is not None and not topic.hidden and may_post(user, topic)


def _may_read(session: Session, user: CurrentUser, post_id: int) -> bool:
    post = session.get(Post, post_id)
    topic = session.get(Topic, post.topic_id) if post else None
    return topic is not None and (not topic.hidden or user.role in STAFF_ROLES)


attachments.register_owner("post", may_attach=_may_attach, may_read=_may_read)

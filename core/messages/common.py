"""What the notices, the inbox and the boards share: text limits, safe Markdown, audiences and
who may see a message now.

- A message's audience is a JSON dict {"everyone", "roles", "member_types", "member_ids",
  "user_ids"}; a user is addressed when any part matches. `audience_sql` applies that rule in SQL
  (json_each on SQLite, jsonb containment on PostgreSQL), so the inbox pages with LIMIT/OFFSET and
  counts in SQL however many messages there are. `addressed_to` is the same rule in Python,
  for one message (opening it, the read status of its recipients).
- Bodies are Markdown; `safe_markdown` turns any raw HTML into visible text before rendering.
"""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.auth import CurrentUser
from core.errors import PermissionDenied, ValidationFailed
from core.models import MemberType, MemberUnit, Message, MessageCategory, Role
from core.timeutil import as_utc

TITLE_MAX = 200
BODY_MAX = 50_000
POST_MAX = 20_000
NOTICE_CATEGORIES = (MessageCategory.NOTICE, MessageCategory.DOCUMENT, MessageCategory.MINUTES,
                     MessageCategory.BULLETIN)
CATEGORIES = (*NOTICE_CATEGORIES, MessageCategory.SYSTEM)
AUDIENCE_KEYS = ("roles", "member_types", "member_ids", "user_ids")
ALL_ROLE_CODES = tuple(Role)


# ---------------------------------------------------------------- safe rendering
_LEADING_QUOTES = re.compile(r"^(\s{0,3}(?:>\s?)*)(.*)$", re.DOTALL)
_DANGEROUS_LINK = re.compile(r"(?i)(\]\(\s*|\]:\s*)(javascript|vbscript|data)\s*:")


def safe_markdown(text: str | None) -> str:
    """Markdown whose raw HTML shows as text and is never run.

    `&`, `<` and `>` become entities (a leading `>` stays, it is Markdown's quote), so
    `<script>` or `<img onerror=…>` appear literally; links to javascript:, vbscript: and data:
    are cut off; images become links. Everything else (emphasis, lists, headings, links) renders as Markdown."""
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;")
    lines = []
    for line in text.split("\n"):
        quotes, rest = _LEADING_QUOTES.match(line).groups()
        lines.append(quotes + rest.replace(">", "&gt;"))
    # An image would be fetched from wherever it points by every reader's browser (a tracking
    # pixel): it shows as a link to follow by choice instead.
    text = "\n".join(lines).replace("![", "\\![")
    return _DANGEROUS_LINK.sub(lambda m: m.group(1) + "#", text)


def plain_title(text: str | None) -> str:
    """A title for a Markdown line or label: HTML shown as text, Markdown marks kept literal."""
    escaped = safe_markdown((text or "").replace("\n", " ")).replace("\\![", "![")  # [ is escaped below
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


def check_audience(session: Session, audience: dict) -> None:
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


def member_type(session: Session, user: CurrentUser) -> str | None:
    if user.member_id is None:
        return None
    return session.exec(select(MemberUnit.unit_type).where(MemberUnit.id == user.member_id)).first()


def addressed_to(audience: dict | None, *, role: str, user_id: int, member_id: int | None,
                 member_type: str | None) -> bool:
    """Whether a message with this audience reaches the user (the rule `audience_sql` applies)."""
    audience = audience or {}
    if audience.get("everyone"):
        return True
    return (role in audience.get("roles", [])
            or (member_type is not None and member_type in audience.get("member_types", []))
            or (member_id is not None and member_id in audience.get("member_ids", []))
            or user_id in audience.get("user_ids", []))


def audience_sql(session: Session, user: CurrentUser, member_type: str | None):
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


def visible_now(now: datetime):
    return sa.and_(Message.published, Message.publish_at <= now,
                   sa.or_(Message.expires_at.is_(None), Message.expires_at > now))


def is_visible(message: Message, now: datetime) -> bool:
    return (message.published and as_utc(message.publish_at) <= now
            and (message.expires_at is None or as_utc(message.expires_at) > now))


def require_login(current: CurrentUser | None) -> CurrentUser:
    if current is None:
        raise PermissionDenied("auth.login_required")
    return current



def clean_text(value: str | None) -> str:
    return (value or "").strip()

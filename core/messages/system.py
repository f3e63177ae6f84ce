"""System messages: what other modules send into the same inbox (indicator reminders and
send-backs, reminders to read, the "milestones due" reminder)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel import Session

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, translate
from core.messages.common import ALL_ROLE_CODES, BODY_MAX, TITLE_MAX, clean_audience, clean_text
from core.models import Message, MessageCategory, Role
from core.timeutil import china_today, utcnow

MILESTONE_WINDOW_DAYS = 14


def send_system(session: Session, *, title: str, body: str, member_ids: Iterable[int] = (),
                user_ids: Iterable[int] = (), roles: Iterable[str] = (),
                sender: CurrentUser | None = None) -> Message:
    """A system message, published now, to the given units' accounts, users and roles.

    Other modules (indicator reminders and rejections, reminders to read, milestones due) call
    this, so a user finds every message in one inbox. A title over 200 characters is shortened."""
    title, body = clean_text(title), clean_text(body)
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
    from core.plan import tracking as plan_service  # the plan never imports messages

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

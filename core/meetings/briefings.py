"""Activity briefings (集团活动简报): the office composes an issue for a period. The app proposes its
items from the period — meetings held with their decisions, ledger highlights, new members, plan
milestones completed, notices — the office edits, orders and adds to them, attaches photos, then
publishes the issue as a notice (category 集团简报) and downloads it as Word and PDF
(core/meetings/briefing_files.py)."""
from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
from sqlmodel import Session, func, select

from core import attachments, audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, translate
from core.ledgers.kinds import KINDS
from core.meetings.models import AgendaItem, Briefing, Meeting, MeetingStatus
from core.messages import notices
from core.models import LedgerEntry, MemberUnit, Message, MessageCategory, Milestone, MilestoneStatus
from core.timeutil import CHINA_TZ, to_china, utcnow

ITEM_KINDS = ("meeting", "ledger", "member", "milestone", "notice", "text")
PHOTO_TYPES = ("image/png", "image/jpeg")
TITLE_MAX, ITEM_TITLE_MAX, ITEM_BODY_MAX = 200, 200, 4000


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time(0), CHINA_TZ), datetime.combine(end, time(23, 59, 59), CHINA_TZ))


def propose(session: Session, current: CurrentUser | None, *, start: date, end: date,
            lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The period's news as briefing items, in the order an issue reads: meetings, ledgers,
    new members, milestones completed, notices."""
    require_role(current, *STAFF_ROLES)
    if end < start:
        raise ValidationFailed("briefings.period_backwards")
    since, until = _day_bounds(start, end)
    items: list[dict] = []
    for m in session.exec(select(Meeting).where(Meeting.starts_at >= since, Meeting.starts_at <= until,
                                                Meeting.status == MeetingStatus.HELD)
                          .order_by(Meeting.starts_at)).all():
        decided = session.exec(select(AgendaItem.decision).where(AgendaItem.meeting_id == m.id, AgendaItem.decision != "")
                               .order_by(AgendaItem.seq)).all()
        items.append({"kind": "meeting", "title": m.title,
                      "body": translate("briefings.meeting_body", lang, day=to_china(m.starts_at).strftime("%Y-%m-%d"),
                                        place=m.place or translate("meetings.online", lang),
                                        decisions=("；".join(d.rstrip("。；;") for d in decided) + "。") if decided else (m.minutes[:300] or "—"))})
    ledgers = session.exec(select(LedgerEntry.kind, func.count()).where(
        LedgerEntry.started_on >= start, LedgerEntry.started_on <= end, LedgerEntry.status != "draft")
        .group_by(LedgerEntry.kind).order_by(func.count().desc())).all()
    if ledgers:
        parts = [translate("briefings.ledger_part", lang, kind=KINDS[k].zh if lang == "zh" else KINDS[k].en, count=n)
                 for k, n in ledgers if k in KINDS]
        items.append({"kind": "ledger", "title": translate("briefings.ledger_title", lang, count=sum(n for _, n in ledgers)),
                      "body": "、".join(parts)})
    joined = session.exec(select(MemberUnit.name).where(MemberUnit.joined_on >= start, MemberUnit.joined_on <= end)
                          .order_by(MemberUnit.joined_on)).all()
    if joined:
        items.append({"kind": "member", "title": translate("briefings.members_title", lang, count=len(joined)),
                      "body": "、".join(joined)})
    done = session.exec(select(Milestone.title).where(Milestone.status == MilestoneStatus.DONE,
                                                      Milestone.actual_done_on >= start, Milestone.actual_done_on <= end)
                        .order_by(Milestone.actual_done_on)).all()
    if done:
        items.append({"kind": "milestone", "title": translate("briefings.milestones_title", lang, count=len(done)),
                      "body": "；".join(done)})
    for title, at in session.exec(select(Message.title, Message.publish_at).where(
            Message.category.in_((MessageCategory.NOTICE, MessageCategory.DOCUMENT)), Message.published,
            Message.publish_at >= since, Message.publish_at <= until).order_by(Message.publish_at)).all():
        items.append({"kind": "notice", "title": title,
                      "body": translate("briefings.notice_body", lang, day=to_china(at).strftime("%Y-%m-%d"))})
    return items


def clean_items(items: list[dict]) -> list[dict]:
    """Items as stored: known kinds, trimmed text, empty titles dropped; too long is refused."""
    out = []
    for item in items or []:
        title, body = str(item.get("title") or "").strip(), str(item.get("body") or "").strip()
        if not title:
            continue
        if len(title) > ITEM_TITLE_MAX or len(body) > ITEM_BODY_MAX:
            raise ValidationFailed("briefings.item_too_long", max=ITEM_BODY_MAX)
        kind = item.get("kind") if item.get("kind") in ITEM_KINDS else "text"
        out.append({"kind": kind, "title": title, "body": body})
    return out


def create_briefing(session: Session, current: CurrentUser | None, *, title: str, start: date, end: date,
                    lang: str = DEFAULT_LANGUAGE) -> Briefing:
    """A new issue for the period, its items proposed from what happened then."""
    require_role(current, *STAFF_ROLES)
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise ValidationFailed("briefings.title_required")
    items = propose(session, current, start=start, end=end, lang=lang)
    row = Briefing(title=title, period_start=start, period_end=end, items=items, created_by=current.id)
    session.add(row)
    session.flush()
    audit.record(session, action="briefing_created", actor_id=current.id, actor_name=current.username,
                 entity="briefing", entity_id=row.id, after={"title": title, "items": len(items)}, detail=title)
    return row


def update_briefing(session: Session, current: CurrentUser | None, briefing_id: int, expected_version: int, *,
                    title: str, items: list[dict]) -> dict:
    """Save the edited and ordered items (a stale edit is refused)."""
    require_role(current, *STAFF_ROLES)
    row = briefing(session, current, briefing_id)
    title, items = (title or "").strip(), clean_items(items)
    if not title or len(title) > TITLE_MAX:
        raise ValidationFailed("briefings.title_required")
    if not items:
        raise ValidationFailed("briefings.items_required")
    diff = {k: (getattr(row, k), v) for k, v in (("title", title), ("items", items)) if getattr(row, k) != v}
    if not diff:
        return {}
    update_versioned(session, Briefing, briefing_id, expected_version, {**{k: v[1] for k, v in diff.items()},
                                                                        "updated_at": utcnow()})
    audit.record(session, action="briefing_updated", actor_id=current.id, actor_name=current.username,
                 entity="briefing", entity_id=briefing_id, after={"title": title, "items": len(items)}, detail=title)
    return diff


def briefing(session: Session, current: CurrentUser | None, briefing_id: int) -> Briefing:
    require_role(current, *STAFF_ROLES)
    row = session.get(Briefing, briefing_id)
    if row is None:
        raise NotFound("briefings.not_found")
    return row


def briefing_list(session: Session, current: CurrentUser | None) -> pd.DataFrame:
    require_role(current, *STAFF_ROLES)
    rows = session.exec(select(Briefing).order_by(Briefing.period_end.desc(), Briefing.id.desc())).all()
    return pd.DataFrame([{"id": b.id, "title": b.title, "period_start": b.period_start, "period_end": b.period_end,
                          "items": len(b.items or []), "published": b.message_id is not None} for b in rows],
                        columns=["id", "title", "period_start", "period_end", "items", "published"])


def photos(session: Session, current: CurrentUser | None, briefing_id: int) -> list[tuple[str, bytes]]:
    """The issue's photos (name, bytes), in the order they were added."""
    briefing(session, current, briefing_id)
    listing = attachments.listing(session, "briefing", briefing_id)
    return [attachments.content(session, current, int(i))[0::2] for i in listing["id"]]


def add_photo(session: Session, current: CurrentUser | None, briefing_id: int, *, filename: str, content: bytes):
    briefing(session, current, briefing_id)
    if attachments.MIME.get(attachments.sniff(content) or "") not in PHOTO_TYPES:
        raise ValidationFailed("briefings.photo_type")
    return attachments.add(session, current, owner_kind="briefing", owner_id=briefing_id, filename=filename,
                           content=content)


def markdown(row: Briefing, lang: str = DEFAULT_LANGUAGE) -> str:
    """The issue as the notice's Markdown."""
    lines = [translate("briefings.period", lang, start=row.period_start.isoformat(), end=row.period_end.isoformat()), ""]
    for n, item in enumerate(row.items or [], start=1):
        lines += [f"### {n}. {item['title']}", "", item["body"], ""]
    return "\n".join(lines).strip()


def publish_briefing(session: Session, current: CurrentUser | None, briefing_id: int, *,
                     lang: str = DEFAULT_LANGUAGE) -> int:
    """Publish the issue to everyone as a notice (集团简报) with its photos attached; publishing
    again edits that notice (its earlier text is kept as a version). Returns the notice's id."""
    row = briefing(session, current, briefing_id)
    if not row.items:
        raise ValidationFailed("briefings.items_required")
    fields = {"category": MessageCategory.BULLETIN, "title": row.title, "body": markdown(row, lang),
              "audience": {"everyone": True}}
    message = session.get(Message, row.message_id) if row.message_id else None
    if message is None:
        message_id = notices.publish(session, current, **fields).id
        for name, content in photos(session, current, briefing_id):
            notices.add_attachment(session, current, message_id, filename=name, content=content)
    else:
        notices.update_message(session, current, message.id, message.version, **fields)
        message_id = message.id
    update_versioned(session, Briefing, briefing_id, row.version, {"message_id": message_id, "updated_at": utcnow()})
    audit.record(session, action="briefing_published", actor_id=current.id, actor_name=current.username,
                 entity="briefing", entity_id=briefing_id, after={"message_id": message_id}, detail=row.title)
    return message_id


attachments.register_owner(
    "briefing", may_attach=lambda session, user, briefing_id: user.role in STAFF_ROLES
    and session.get(Briefing, briefing_id) is not None,
    may_read=lambda session, user, briefing_id: user.role in STAFF_ROLES)

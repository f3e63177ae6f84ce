"""Minutes (会议纪要): kept with the meeting and published as a notice of category 会议纪要 to
the invited units, the council and the office, with each agenda item's decision and the list of
units present; publishing again edits that notice, whose earlier text is kept as a version."""
from __future__ import annotations

from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, translate
from core.meetings.meetings import READERS
from core.meetings.models import AgendaItem, Meeting, MeetingInvitation
from core.messages import notices
from core.models import MemberUnit, Message, MessageCategory
from core.timeutil import to_china, utcnow


def _minutes_body(session: Session, meeting: Meeting, minutes: str, lang: str) -> str:
    """The notice's Markdown: time and place, the minutes, each item's decision, who came."""
    when = to_china(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    place = translate("meetings.online", lang) if meeting.online else meeting.place
    lines = [translate("meetings.minutes_head", lang, when=when, place=place, host=meeting.host or "—"), ""]
    if minutes:
        lines += [minutes, ""]
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                         .order_by(AgendaItem.seq)).all()
    if items:
        lines.append("### " + translate("meetings.minutes_items", lang))
        for item in items:
            decided = f" —— {item.decision}" if item.decision else ""
            lines.append(f"{item.seq}. {item.title}{decided}")
        lines.append("")
    came = session.exec(select(MemberUnit.name).join(MeetingInvitation, MeetingInvitation.member_id == MemberUnit.id)
                        .where(MeetingInvitation.meeting_id == meeting.id, MeetingInvitation.attended)
                        .order_by(MemberUnit.name)).all()
    lines.append("### " + translate("meetings.minutes_attendance", lang, count=len(came)))
    lines.append("、".join(came) if came else translate("meetings.minutes_no_attendance", lang))
    return "\n".join(lines)


def publish_minutes(session: Session, current: CurrentUser | None, meeting_id: int, *, minutes: str,
                    lang: str = DEFAULT_LANGUAGE) -> int:
    """Keep the minutes and publish them as a notice (会议纪要) with the attendance list, to the
    invited units, the council and the office; publishing again edits that notice (its earlier
    text is kept as a version). Returns the notice's id."""
    require_role(current, *STAFF_ROLES)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meetings.not_found")
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationFailed("meetings.minutes_required")
    invited = session.exec(select(MeetingInvitation.member_id)
                           .where(MeetingInvitation.meeting_id == meeting_id)).all()
    fields = {"category": MessageCategory.MINUTES,
              "title": translate("meetings.minutes_title", lang, title=meeting.title)[:200],
              "body": _minutes_body(session, meeting, minutes, lang),
              "audience": {"roles": list(READERS), "member_ids": list(invited)}}
    message = session.get(Message, meeting.minutes_message_id) if meeting.minutes_message_id else None
    if message is None:
        message_id = notices.publish(session, current, **fields).id
    else:
        notices.update_message(session, current, message.id, message.version, **fields)
        message_id = message.id
    update_versioned(session, Meeting, meeting_id, meeting.version,
                     {"minutes": minutes, "minutes_message_id": message_id, "updated_at": utcnow()})
    audit.record(session, action="meeting_minutes_published", actor_id=current.id,
                 actor_name=current.username, entity="meeting", entity_id=meeting_id,
                 after={"message_id": message_id}, detail=meeting.title[:200])
    return message_id

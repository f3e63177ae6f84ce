"""Meetings (会议): kinds, time and place, agenda with decisions, invitations to units' inboxes,
each unit's answer and attendance, files and photos, and the minutes published as a notice.

Who: the secretariat and admins organise; the council reads every meeting; a liaison sees the
meetings its unit is invited to and answers for its unit.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, func, select

from core import attachments, audit
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit, require_role
from core.db import update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, translate
from core.meetings.models import (
    ActionStatus,
    AgendaItem,
    InvitationStatus,
    Meeting,
    MeetingAction,
    MeetingInvitation,
    MeetingKind,
    MeetingStatus,
)
from core.messages import notices
from core.messages.system import send_system
from core.models import MemberUnit, Role, User
from core.timeutil import as_utc, to_china, utcnow

READERS = (Role.COUNCIL, *STAFF_ROLES)  # see every meeting; a liaison sees its unit's invitations
FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "online", "host", "description")
LIST_COLUMNS = ["id", "kind", "title", "starts_at", "ends_at", "place", "online", "status",
                "invited", "confirmed", "declined", "attended", "open_actions", "my_status"]


def check_meeting(values: dict) -> None:
    """Every rule a meeting's fields keep (the first broken one is raised)."""
    if values.get("kind") not in set(MeetingKind):
        raise ValidationFailed("meetings.bad_kind")
    if not (values.get("title") or "").strip():
        raise ValidationFailed("meetings.title_required")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, datetime):
        raise ValidationFailed("meetings.start_required")
    if ends is not None and as_utc(ends) <= as_utc(starts):
        raise ValidationFailed("meetings.ends_before_start")
    if not values.get("online") and not (values.get("place") or "").strip():
        raise ValidationFailed("meetings.place_required")


def _values(kind, title, starts_at, ends_at, place, online, host, description) -> dict:
    return {"kind": kind, "title": (title or "").strip(), "starts_at": as_utc(starts_at) if starts_at else None,
            "ends_at": as_utc(ends_at) if ends_at else None, "place": (place or "").strip(),
            "online": bool(online), "host": (host or "").strip(), "description": (description or "").strip()}


def _get(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meetings.not_found")
    return meeting


def _invitation(session: Session, meeting_id: int, member_id: int | None) -> MeetingInvitation | None:
    if member_id is None:
        return None
    return session.exec(select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting_id,
                                                        MeetingInvitation.member_id == member_id)).first()


def may_see(session: Session, current: CurrentUser, meeting_id: int) -> bool:
    """The council and the office see every meeting; a liaison those its unit is invited to."""
    if current.role in READERS:
        return session.get(Meeting, meeting_id) is not None
    return _invitation(session, meeting_id, current.member_id) is not None


def _require_sees(session: Session, current: CurrentUser | None, meeting_id: int) -> Meeting:
    if current is None:
        raise PermissionDenied("auth.login_required")
    meeting = _get(session, meeting_id)
    if not may_see(session, current, meeting_id):
        raise PermissionDenied("meetings.not_invited")
    return meeting


# ---------------------------------------------------------------- the meeting itself
def create_meeting(session: Session, current: CurrentUser | None, *, kind: str, title: str,
                   starts_at: datetime, ends_at: datetime | None = None, place: str = "",
                   online: bool = False, host: str = "", description: str = "") -> Meeting:
    require_role(current, *STAFF_ROLES)
    values = _values(kind, title, starts_at, ends_at, place, online, host, description)
    check_meeting(values)
    meeting = Meeting(**values, created_by=current.id)
    session.add(meeting)
    session.flush()
    audit.record(session, action="meeting_created", actor_id=current.id, actor_name=current.username,
                 entity="meeting", entity_id=meeting.id, after=audit.snapshot(meeting, FIELDS),
                 detail=meeting.title[:200])
    return meeting


def update_meeting(session: Session, current: CurrentUser | None, meeting_id: int,
                   expected_version: int, *, kind: str, title: str, starts_at: datetime,
                   ends_at: datetime | None = None, place: str = "", online: bool = False,
                   host: str = "", description: str = "", status: str | None = None) -> dict:
    """Save the meeting's fields (a stale edit is refused); returns what changed."""
    require_role(current, *STAFF_ROLES)
    meeting = _get(session, meeting_id)
    values = _values(kind, title, starts_at, ends_at, place, online, host, description)
    check_meeting(values)
    if status is not None:
        if status not in set(MeetingStatus):
            raise ValidationFailed("meetings.bad_status")
        values["status"] = status
    before = {name: getattr(meeting, name) for name in values}
    for name in ("starts_at", "ends_at"):
        before[name] = as_utc(before[name]) if before[name] else None
    diff = {name: (before[name], values[name]) for name in values if before[name] != values[name]}
    if not diff:
        return {}
    update_versioned(session, Meeting, meeting_id, expected_version,
                     {**{name: values[name] for name in diff}, "updated_at": utcnow()})
    audit.record(session, action="meeting_updated", actor_id=current.id, actor_name=current.username,
                 entity="meeting", entity_id=meeting_id, before={k: v[0] for k, v in diff.items()},
                 after={k: v[1] for k, v in diff.items()}, detail=values["title"][:200])
    return diff


def set_slides(session: Session, current: CurrentUser | None, meeting_id: int, slides: list[str]) -> None:
    """Which slides the meeting mode shows for this meeting, in this order."""
    from core.meetings.deck import SLIDES

    require_role(current, *STAFF_ROLES)
    meeting = _get(session, meeting_id)
    chosen = [code for code in dict.fromkeys(slides) if code in SLIDES]
    if not chosen:
        raise ValidationFailed("meetings.slides_required")
    if chosen == list(meeting.slides or []):
        return
    audit.record(session, action="meeting_slides_set", actor_id=current.id, actor_name=current.username,
                 entity="meeting", entity_id=meeting_id, before={"slides": meeting.slides},
                 after={"slides": chosen})
    meeting.slides = chosen
    session.add(meeting)


# ---------------------------------------------------------------- agenda and decisions
def add_agenda_item(session: Session, current: CurrentUser | None, meeting_id: int, *, title: str,
                    presenter: str = "", decision: str = "") -> AgendaItem:
    require_role(current, *STAFF_ROLES)
    _get(session, meeting_id)
    if not (title or "").strip():
        raise ValidationFailed("meetings.item_title_required")
    seq = session.exec(select(func.coalesce(func.max(AgendaItem.seq), 0))
                       .where(AgendaItem.meeting_id == meeting_id)).one() + 1
    item = AgendaItem(meeting_id=meeting_id, seq=seq, title=title.strip(), presenter=(presenter or "").strip(),
                      decision=(decision or "").strip())
    session.add(item)
    session.flush()
    audit.record(session, action="meeting_item_added", actor_id=current.id, actor_name=current.username,
                 entity="meeting", entity_id=meeting_id, after={"seq": seq, "title": item.title})
    return item


def record_decision(session: Session, current: CurrentUser | None, item_id: int,
                    expected_version: int, *, decision: str) -> dict:
    """What the meeting resolved on an agenda item."""
    require_role(current, *STAFF_ROLES)
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("meetings.item_not_found")
    decision = (decision or "").strip()
    if decision == item.decision:
        return {}
    before = item.decision
    update_versioned(session, AgendaItem, item_id, expected_version, {"decision": decision})
    audit.record(session, action="meeting_decision_recorded", actor_id=current.id,
                 actor_name=current.username, entity="meeting", entity_id=item.meeting_id,
                 before={"decision": before}, after={"decision": decision}, detail=item.title[:200])
    return {"decision": (before, decision)}


# ---------------------------------------------------------------- invitations and attendance
def invite(session: Session, current: CurrentUser | None, meeting_id: int, *, member_ids: list[int],
           lang: str = DEFAULT_LANGUAGE) -> int:
    """Invite units (those already invited are left as they are); the new ones find the
    invitation in their inbox. Returns how many were invited now."""
    require_role(current, *STAFF_ROLES)
    meeting = _get(session, meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationFailed("meetings.invite_not_planned")
    wanted = {int(m) for m in member_ids}
    if not wanted:
        raise ValidationFailed("meetings.invite_nobody")
    known = set(session.exec(select(MemberUnit.id).where(MemberUnit.id.in_(wanted))).all())
    if known != wanted:
        raise ValidationFailed("meetings.unknown_unit")
    already = set(session.exec(select(MeetingInvitation.member_id)
                               .where(MeetingInvitation.meeting_id == meeting_id)).all())
    new = sorted(wanted - already)
    for member_id in new:
        session.add(MeetingInvitation(meeting_id=meeting_id, member_id=member_id))
    if not new:
        return 0
    session.flush()
    when = to_china(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    place = translate("meetings.online", lang) if meeting.online else meeting.place
    send_system(session, title=translate("meetings.invite_title", lang, title=meeting.title),
                body=translate("meetings.invite_body", lang, title=meeting.title, when=when, place=place,
                               host=meeting.host or "—"), member_ids=new, sender=current)
    audit.record(session, action="meeting_invited", actor_id=current.id, actor_name=current.username,
                 entity="meeting", entity_id=meeting_id, after={"member_ids": new}, detail=meeting.title[:200])
    return len(new)


def respond(session: Session, current: CurrentUser | None, meeting_id: int, *, member_id: int,
            accept: bool, attendee: str = "", note: str = "") -> MeetingInvitation:
    """A unit's answer to its invitation: its liaison (or the office for it) confirms or declines."""
    require_own_unit(current, member_id)
    meeting = _get(session, meeting_id)
    invitation = _invitation(session, meeting_id, member_id)
    if invitation is None:
        raise PermissionDenied("meetings.not_invited")
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationFailed("meetings.answer_closed")
    before = {"status": invitation.status, "attendee": invitation.attendee}
    invitation.status = InvitationStatus.CONFIRMED if accept else InvitationStatus.DECLINED
    invitation.attendee, invitation.note = (attendee or "").strip()[:200], (note or "").strip()[:500]
    invitation.responded_by, invitation.responded_at = current.id, utcnow()
    session.add(invitation)
    audit.record(session, action="meeting_answered", actor_id=current.id, actor_name=current.username,
                 entity="meeting", entity_id=meeting_id, before=before,
                 after={"member_id": member_id, "status": invitation.status, "attendee": invitation.attendee})
    return invitation


def record_attendance(session: Session, current: CurrentUser | None, meeting_id: int, *,
                      attended_ids: list[int]) -> int:
    """Who came (the others invited did not); the meeting is then held. Returns how many came."""
    require_role(current, *STAFF_ROLES)
    meeting = _get(session, meeting_id)
    came = {int(m) for m in attended_ids}
    rows = session.exec(select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting_id)).all()
    if came - {row.member_id for row in rows}:
        raise ValidationFailed("meetings.attended_not_invited")
    for row in rows:
        row.attended = row.member_id in came
        session.add(row)
    if meeting.status == MeetingStatus.PLANNED:
        update_versioned(session, Meeting, meeting_id, meeting.version,
                         {"status": MeetingStatus.HELD, "updated_at": utcnow()})
    audit.record(session, action="meeting_attendance", actor_id=current.id, actor_name=current.username,
                 entity="meeting", entity_id=meeting_id, after={"attended": sorted(came)},
                 detail=meeting.title[:200])
    return len(came)


# ---------------------------------------------------------------- reading
def meeting_list(session: Session, current: CurrentUser | None, *, year: int | None = None,
                 kind: str | None = None, status: str | None = None, search: str = "") -> pd.DataFrame:
    """Meetings the caller may see, earliest first, with invitation counts and open actions;
    `my_status` is the caller's unit's answer (a liaison)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    query = select(Meeting)
    if current.role not in READERS:
        query = query.join(MeetingInvitation, MeetingInvitation.meeting_id == Meeting.id).where(
            MeetingInvitation.member_id == (current.member_id or -1))
    if kind:
        query = query.where(Meeting.kind == kind)
    if status:
        query = query.where(Meeting.status == status)
    if (search or "").strip():
        term = search.strip()
        query = query.where(sa.or_(Meeting.title.icontains(term, autoescape=True),
                                   Meeting.place.icontains(term, autoescape=True)))
    meetings = [m for m in session.exec(query.order_by(Meeting.starts_at)).all()
                if year is None or to_china(m.starts_at).year == year]
    ids = [m.id for m in meetings]
    counts: dict[int, dict] = {i: {"invited": 0, "confirmed": 0, "declined": 0, "attended": 0} for i in ids}
    mine: dict[int, str] = {}
    if ids:
        for invitation in session.exec(select(MeetingInvitation).where(MeetingInvitation.meeting_id.in_(ids))).all():
            c = counts[invitation.meeting_id]
            c["invited"] += 1
            c["confirmed"] += invitation.status == InvitationStatus.CONFIRMED
            c["declined"] += invitation.status == InvitationStatus.DECLINED
            c["attended"] += bool(invitation.attended)
            if invitation.member_id == current.member_id:
                mine[invitation.meeting_id] = invitation.status
        actions = dict(session.exec(select(MeetingAction.meeting_id, func.count())
                                    .where(MeetingAction.meeting_id.in_(ids),
                                           MeetingAction.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)))
                                    .group_by(MeetingAction.meeting_id)).all())
    else:
        actions = {}
    rows = [{"id": m.id, "kind": m.kind, "title": m.title, "starts_at": m.starts_at, "ends_at": m.ends_at,
             "place": m.place, "online": m.online, "status": m.status, **counts[m.id],
             "open_actions": int(actions.get(m.id, 0)), "my_status": mine.get(m.id, "")} for m in meetings]
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def years(session: Session, current: CurrentUser | None) -> list[int]:
    """The years that have meetings the caller may see, newest first."""
    frame = meeting_list(session, current)
    return sorted({to_china(t).year for t in frame["starts_at"]}, reverse=True)


def meeting(session: Session, current: CurrentUser | None, meeting_id: int) -> dict:
    """One meeting with its agenda, invitations (with units' answers and attendance) and files."""
    row = _require_sees(session, current, meeting_id)
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                         .order_by(AgendaItem.seq)).all()
    invitations = session.exec(
        select(MeetingInvitation, MemberUnit.name, MemberUnit.unit_type, User.display_name)
        .join(MemberUnit, MemberUnit.id == MeetingInvitation.member_id)
        .join(User, User.id == MeetingInvitation.responded_by, isouter=True)
        .where(MeetingInvitation.meeting_id == meeting_id).order_by(MemberUnit.name)).all()
    guests = pd.DataFrame([{"member_id": inv.member_id, "unit": name, "unit_type": unit_type,
                            "status": inv.status, "attendee": inv.attendee, "note": inv.note,
                            "attended": inv.attended, "responded_by": who or "",
                            "responded_at": inv.responded_at} for inv, name, unit_type, who in invitations],
                          columns=["member_id", "unit", "unit_type", "status", "attendee", "note",
                                   "attended", "responded_by", "responded_at"])
    return {"meeting": row, "items": items, "invitations": guests,
            "mine": _invitation(session, meeting_id, current.member_id),
            "files": attachments.listing(session, "meeting", meeting_id)}


def unit_choices(session: Session, current: CurrentUser | None) -> list[tuple[int, str]]:
    """Units to invite: active ones first, by name (the notices' picker)."""
    return notices.unit_choices(session, current)


def pending_answers(session: Session, current: CurrentUser | None) -> pd.DataFrame:
    """The planned meetings the caller's unit has not answered yet (its liaison's home)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    if current.member_id is None:
        return pd.DataFrame(columns=["id", "title", "starts_at"])
    rows = session.exec(select(Meeting.id, Meeting.title, Meeting.starts_at)
                         .join(MeetingInvitation, MeetingInvitation.meeting_id == Meeting.id)
                         .where(MeetingInvitation.member_id == current.member_id,
                                MeetingInvitation.status == InvitationStatus.INVITED,
                                Meeting.status == MeetingStatus.PLANNED, Meeting.starts_at >= utcnow())
                         .order_by(Meeting.starts_at)).all()
    return pd.DataFrame(rows, columns=["id", "title", "starts_at"])


# ---------------------------------------------------------------- files and photos
def add_file(session: Session, current: CurrentUser | None, meeting_id: int, *, filename: str,
             content: bytes):
    """A file or photo of the meeting (the office's), checked like every attachment."""
    require_role(current, *STAFF_ROLES)
    _get(session, meeting_id)
    return attachments.add(session, current, owner_kind="meeting", owner_id=meeting_id,
                           filename=filename, content=content)


attachments.register_owner(
    "meeting", may_attach=lambda session, user, meeting_id: user.role in STAFF_ROLES
    and session.get(Meeting, meeting_id) is not None, may_read=may_see)

"""Resolutions become follow-ups (督办事项): an action from a meeting (and one of its agenda
items) with an owner — a person of the secretariat office or a member unit — a due date and a
status; it may move a plan milestone, and closing it can mark that milestone done.

Open actions show on their owner's home (the office person's account, the unit's liaison) and
in the list; overdue means past its due date (China's today) and not closed.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.meetings.meetings import READERS
from core.meetings.models import ActionStatus, AgendaItem, Meeting, MeetingAction
from core.models import MemberUnit, Milestone, MilestoneStatus, Role, StaffMember
from core.plan import tracking
from core.timeutil import china_today, utcnow

OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
COLUMNS = ["id", "meeting_id", "meeting", "meeting_at", "item", "title", "owner_staff_id",
           "owner_member_id", "owner", "due_on", "status", "overdue", "milestone_id", "milestone",
           "note", "closed_on", "version"]


def _check(session: Session, *, title: str, owner_staff_id: int | None, owner_member_id: int | None,
           milestone_id: int | None) -> None:
    if not (title or "").strip():
        raise ValidationFailed("meetings.action_title_required")
    if (owner_staff_id is None) == (owner_member_id is None):
        raise ValidationFailed("meetings.action_one_owner")
    if owner_staff_id is not None:
        staff = session.get(StaffMember, owner_staff_id)
        if staff is None or not staff.active:
            raise ValidationFailed("plan.owner_not_staff")
    if owner_member_id is not None and session.get(MemberUnit, owner_member_id) is None:
        raise ValidationFailed("meetings.unknown_unit")
    if milestone_id is not None and session.get(Milestone, milestone_id) is None:
        raise ValidationFailed("plan.milestone_not_found")


def add_action(session: Session, current: CurrentUser | None, meeting_id: int, *, title: str,
               owner_staff_id: int | None = None, owner_member_id: int | None = None,
               due_on: date | None = None, agenda_item_id: int | None = None,
               milestone_id: int | None = None) -> MeetingAction:
    require_role(current, *STAFF_ROLES)
    if session.get(Meeting, meeting_id) is None:
        raise NotFound("meetings.not_found")
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting_id:
            raise ValidationFailed("meetings.item_not_found")
    _check(session, title=title, owner_staff_id=owner_staff_id, owner_member_id=owner_member_id,
           milestone_id=milestone_id)
    action = MeetingAction(meeting_id=meeting_id, agenda_item_id=agenda_item_id, title=title.strip(),
                           owner_staff_id=owner_staff_id, owner_member_id=owner_member_id, due_on=due_on,
                           milestone_id=milestone_id)
    session.add(action)
    session.flush()
    audit.record(session, action="meeting_action_added", actor_id=current.id, actor_name=current.username,
                 entity="meeting_action", entity_id=action.id,
                 after=audit.snapshot(action, ("meeting_id", "title", "owner_staff_id", "owner_member_id",
                                               "due_on", "milestone_id")), detail=action.title[:200])
    return action


def _may_update(current: CurrentUser, action: MeetingAction) -> bool:
    return current.role in STAFF_ROLES or (
        current.role == Role.MEMBER and action.owner_member_id is not None
        and action.owner_member_id == current.member_id)


def update_action(session: Session, current: CurrentUser | None, action_id: int, expected_version: int, *,
                  status: str, note: str = "", due_on: date | None = None,
                  close_milestone: bool = False) -> dict:
    """Move an action on (open → in progress → done, or cancelled) with a note. The office
    updates any action; a liaison its unit's. Closing with `close_milestone` marks the linked
    milestone done (the office only, through the plan's own update, which keeps its history)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    action = session.get(MeetingAction, action_id)
    if action is None:
        raise NotFound("meetings.action_not_found")
    if not _may_update(current, action):
        raise PermissionDenied("meetings.not_your_action")
    if status not in set(ActionStatus):
        raise ValidationFailed("meetings.bad_action_status")
    values = {"status": status, "note": (note or "").strip()[:2000],
              "due_on": due_on if current.role in STAFF_ROLES and due_on is not None else action.due_on}
    values["closed_on"] = (action.closed_on or china_today()) if status == ActionStatus.DONE else None
    diff = {k: (getattr(action, k), v) for k, v in values.items() if getattr(action, k) != v}
    if close_milestone:
        if status != ActionStatus.DONE or action.milestone_id is None:
            raise ValidationFailed("meetings.milestone_needs_done")
        require_role(current, *STAFF_ROLES)
    if not diff and not close_milestone:
        return {}
    if diff:
        update_versioned(session, MeetingAction, action_id, expected_version,
                         {**{k: v[1] for k, v in diff.items()}, "updated_at": utcnow()})
        audit.record(session, action="meeting_action_updated", actor_id=current.id,
                     actor_name=current.username, entity="meeting_action", entity_id=action_id,
                     before={k: v[0] for k, v in diff.items()}, after={k: v[1] for k, v in diff.items()},
                     detail=action.title[:200])
    if close_milestone:
        milestone = session.get(Milestone, action.milestone_id)
        if milestone.status != MilestoneStatus.DONE:
            tracking.update_milestone(session, current, milestone.id, milestone.version,
                                      {"status": MilestoneStatus.DONE, "percent": 100},
                                      comment=action.title[:300])
            diff["milestone"] = (milestone.id, MilestoneStatus.DONE)
    return diff


def action_list(session: Session, current: CurrentUser | None, *, status: str | None = None,
                meeting_id: int | None = None, owner_staff_id: int | None = None,
                owner_member_id: int | None = None, overdue_only: bool = False) -> pd.DataFrame:
    """Actions the caller may see: every one for the council and the office, a liaison its unit's.
    `status` "unfinished" means open or in progress."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    query = (select(MeetingAction, Meeting.title, Meeting.starts_at, AgendaItem.title, StaffMember.name,
                    MemberUnit.name, Milestone.title)
             .join(Meeting, Meeting.id == MeetingAction.meeting_id)
             .join(AgendaItem, AgendaItem.id == MeetingAction.agenda_item_id, isouter=True)
             .join(StaffMember, StaffMember.id == MeetingAction.owner_staff_id, isouter=True)
             .join(MemberUnit, MemberUnit.id == MeetingAction.owner_member_id, isouter=True)
             .join(Milestone, Milestone.id == MeetingAction.milestone_id, isouter=True))
    if current.role not in READERS:
        query = query.where(MeetingAction.owner_member_id == (current.member_id or -1))
    if status == "unfinished":
        query = query.where(MeetingAction.status.in_(OPEN))
    elif status:
        query = query.where(MeetingAction.status == status)
    if meeting_id is not None:
        query = query.where(MeetingAction.meeting_id == meeting_id)
    if owner_staff_id is not None:
        query = query.where(MeetingAction.owner_staff_id == owner_staff_id)
    if owner_member_id is not None:
        query = query.where(MeetingAction.owner_member_id == owner_member_id)
    today = china_today()
    rows = []
    for a, meeting, at, item, staff, unit, milestone in session.exec(
            query.order_by(MeetingAction.due_on.is_(None), MeetingAction.due_on, MeetingAction.id)).all():
        overdue = a.status in OPEN and a.due_on is not None and a.due_on < today
        if overdue_only and not overdue:
            continue
        rows.append({"id": a.id, "meeting_id": a.meeting_id, "meeting": meeting, "meeting_at": at,
                     "item": item or "", "title": a.title, "owner_staff_id": a.owner_staff_id,
                     "owner_member_id": a.owner_member_id, "owner": staff or unit or "", "due_on": a.due_on,
                     "status": a.status, "overdue": overdue, "milestone_id": a.milestone_id,
                     "milestone": milestone or "", "note": a.note, "closed_on": a.closed_on,
                     "version": a.version})
    return pd.DataFrame(rows, columns=COLUMNS)


def owner_of(session: Session, current: CurrentUser | None) -> dict:
    """The caller as an owner of actions: its unit (a liaison) or its office record (staff);
    an account that owns none gets a filter matching nothing."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    if current.role == Role.MEMBER:
        return {"owner_member_id": current.member_id or -1}
    return {"owner_staff_id": tracking.staff_id_of(session, current.id) or -1}


def my_open_actions(session: Session, current: CurrentUser | None) -> pd.DataFrame:
    """The open actions the caller owns: as an office person (their staff record), or as their
    unit's liaison — for the home page's work queue."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    return action_list(session, current, status="unfinished", **owner_of(session, current))


def milestone_choices(session: Session, current: CurrentUser | None) -> list[tuple[int, str]]:
    """The current plan's open milestones an action may be linked to, numbered 1.1.2."""
    require_role(current, *STAFF_ROLES)
    plan = tracking.current_plan(session)
    if plan is None:
        return []
    frame = tracking.milestones(session, plan.id, as_of=china_today())
    frame = frame[~frame["status"].isin(tracking.CLOSED)]
    return [(int(r.id), f"{r.area_seq}.{r.task_seq}.{r.seq} {r.title}") for r in frame.itertuples()]


def staff_choices(session: Session, current: CurrentUser | None) -> list[tuple[int, str]]:
    require_role(current, *STAFF_ROLES)
    return [(int(i), name) for i, name in tracking.owners(session)]


def latest_council_actions(session: Session, current: CurrentUser | None) -> tuple[Meeting | None, pd.DataFrame]:
    """The last council meeting held and its open actions (the meeting mode's last slide)."""
    require_role(current, *READERS)
    last = session.exec(select(Meeting).where(Meeting.kind.in_(("council", "standing_council")),
                                              Meeting.status == "held")
                        .order_by(Meeting.starts_at.desc())).first()
    if last is None:
        return None, pd.DataFrame(columns=COLUMNS)
    return last, action_list(session, current, status="unfinished", meeting_id=last.id)

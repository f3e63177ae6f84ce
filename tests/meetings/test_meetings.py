"""Meetings, invitations, attendance, minutes and follow-ups on an in-memory database."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from core.auth import acting_as
from core.errors import PermissionDenied, ValidationFailed
from core.meetings import actions, meetings, minutes as minutes_service
from core.meetings.models import InvitationStatus, MeetingStatus
from core.messages import inbox
from core.models import Message, MessageCategory, Milestone, MilestoneHistory, Plan, PlanArea, PlanTask, StaffMember
from core.timeutil import CHINA_TZ, china_today
from tests.conftest import make_member, make_user


def _when(days: int = 7) -> datetime:
    return datetime.combine(china_today() + timedelta(days=days), datetime.min.time(), CHINA_TZ).replace(hour=9)


@pytest.fixture
def people(session):
    office = acting_as(make_user(session, role="secretariat"))
    unit, other = make_member(session), make_member(session)
    liaison = acting_as(make_user(session, role="member", member_id=unit.id))
    stranger = acting_as(make_user(session, role="member", member_id=other.id))
    council = acting_as(make_user(session, role="council"))
    return {"office": office, "unit": unit, "other": other, "liaison": liaison, "stranger": stranger,
            "council": council}


def _meeting(session, office, **fields):
    values = {"kind": "council", "title": "理事会会议", "starts_at": _when(), "place": "第一会议室", "host": "理事长"}
    values.update(fields)
    return meetings.create_meeting(session, office, **values)


def test_a_meeting_needs_a_place_or_online_and_an_end_after_its_start(session, people):
    with pytest.raises(ValidationFailed) as error:
        _meeting(session, people["office"], place="")
    assert error.value.key == "meetings.place_required"
    assert _meeting(session, people["office"], place="", online=True).online
    with pytest.raises(ValidationFailed) as error:
        _meeting(session, people["office"], ends_at=_when() - timedelta(hours=1))
    assert error.value.key == "meetings.ends_before_start"


def test_only_the_office_creates_meetings(session, people):
    for who in ("liaison", "council"):
        with pytest.raises(PermissionDenied):
            _meeting(session, people[who])


def test_invited_units_find_the_invitation_in_their_inbox_and_answer_it(session, people):
    office, liaison = people["office"], people["liaison"]
    meeting = _meeting(session, office)
    assert meetings.invite(session, office, meeting.id, member_ids=[people["unit"].id]) == 1
    assert meetings.invite(session, office, meeting.id, member_ids=[people["unit"].id]) == 0  # once
    titles = list(inbox.inbox(session, liaison).rows["title"])
    assert titles == ["会议邀请：理事会会议"]
    assert inbox.inbox(session, people["stranger"]).total == 0
    assert list(meetings.pending_answers(session, liaison)["id"]) == [meeting.id]
    meetings.respond(session, liaison, meeting.id, member_id=people["unit"].id, accept=True, attendee="张三")
    assert meetings.pending_answers(session, liaison).empty
    guests = meetings.meeting(session, liaison, meeting.id)["invitations"]
    assert list(guests["status"]) == [InvitationStatus.CONFIRMED] and list(guests["attendee"]) == ["张三"]


def test_a_liaison_neither_sees_nor_answers_for_a_meeting_it_is_not_invited_to(session, people):
    meeting = _meeting(session, people["office"])
    meetings.invite(session, people["office"], meeting.id, member_ids=[people["unit"].id])
    with pytest.raises(PermissionDenied):
        meetings.meeting(session, people["stranger"], meeting.id)
    with pytest.raises(PermissionDenied):
        meetings.respond(session, people["stranger"], meeting.id, member_id=people["unit"].id, accept=True)
    with pytest.raises(PermissionDenied):
        meetings.respond(session, people["stranger"], meeting.id, member_id=people["other"].id, accept=True)
    assert meetings.meeting_list(session, people["stranger"]).empty
    assert len(meetings.meeting_list(session, people["council"])) == 1


def test_attendance_marks_the_meeting_held_and_closes_answers(session, people):
    office = people["office"]
    meeting = _meeting(session, office)
    meetings.invite(session, office, meeting.id, member_ids=[people["unit"].id, people["other"].id])
    assert meetings.record_attendance(session, office, meeting.id, attended_ids=[people["unit"].id]) == 1
    detail = meetings.meeting(session, office, meeting.id)
    assert detail["meeting"].status == MeetingStatus.HELD
    assert dict(zip(detail["invitations"]["member_id"], detail["invitations"]["attended"])) == {
        people["unit"].id: True, people["other"].id: False}
    with pytest.raises(ValidationFailed):
        meetings.respond(session, people["liaison"], meeting.id, member_id=people["unit"].id, accept=False)
    with pytest.raises(ValidationFailed):
        meetings.record_attendance(session, office, meeting.id, attended_ids=[make_member(session).id])


def test_minutes_become_one_notice_with_decisions_and_attendance(session, people):
    office = people["office"]
    meeting = _meeting(session, office)
    item = meetings.add_agenda_item(session, office, meeting.id, title="年度工作要点")
    meetings.record_decision(session, office, item.id, item.version, decision="原则通过")
    meetings.invite(session, office, meeting.id, member_ids=[people["unit"].id])
    meetings.record_attendance(session, office, meeting.id, attended_ids=[people["unit"].id])
    first = minutes_service.publish_minutes(session, office, meeting.id, minutes="会议纪要正文")
    again = minutes_service.publish_minutes(session, office, meeting.id, minutes="会议纪要正文（修订）")
    assert first == again
    notices = session.exec(select(Message).where(Message.category == MessageCategory.MINUTES)).all()
    assert len(notices) == 1
    body = notices[0].body
    assert "修订" in body and "1. 年度工作要点 —— 原则通过" in body and people["unit"].name in body
    assert first in set(inbox.inbox(session, people["liaison"], category="minutes").rows["id"])
    assert inbox.inbox(session, people["stranger"], category="minutes").total == 0


def _milestone(session) -> Milestone:
    plan = Plan(code="P", title="方案", start_year=2025, end_year=2027, is_current=True)
    session.add(plan)
    session.flush()
    area = PlanArea(plan_id=plan.id, seq=1, title="领域")
    session.add(area)
    session.flush()
    task = PlanTask(area_id=area.id, seq=1, title="任务")
    session.add(task)
    session.flush()
    milestone = Milestone(task_id=task.id, seq=1, title="里程碑", planned_start=date(2025, 1, 1),
                          planned_due=date(2027, 12, 31), status="in_progress", percent=40)
    session.add(milestone)
    session.flush()
    return milestone


def test_an_action_has_one_owner_and_shows_on_that_owners_home(session, people):
    office = people["office"]
    meeting = _meeting(session, office)
    staff = StaffMember(name="王主任", position="director", duty_area="leadership", user_id=office.id)
    session.add(staff)
    session.flush()
    with pytest.raises(ValidationFailed) as error:
        actions.add_action(session, office, meeting.id, title="x", owner_staff_id=staff.id,
                           owner_member_id=people["unit"].id)
    assert error.value.key == "meetings.action_one_owner"
    late = actions.add_action(session, office, meeting.id, title="补报数据", owner_staff_id=staff.id,
                              due_on=china_today() - timedelta(days=1))
    actions.add_action(session, office, meeting.id, title="确认台账", owner_member_id=people["unit"].id)
    mine = actions.my_open_actions(session, office)
    assert list(mine["id"]) == [late.id] and bool(mine["overdue"].iloc[0])
    assert list(actions.my_open_actions(session, people["liaison"])["title"]) == ["确认台账"]
    assert actions.my_open_actions(session, people["stranger"]).empty
    assert len(actions.action_list(session, people["council"])) == 2
    assert list(actions.action_list(session, people["liaison"])["title"]) == ["确认台账"]


def test_a_liaison_moves_its_units_action_but_not_anothers(session, people):
    office = people["office"]
    meeting = _meeting(session, office)
    action = actions.add_action(session, office, meeting.id, title="确认台账", owner_member_id=people["unit"].id)
    with pytest.raises(PermissionDenied):
        actions.update_action(session, people["stranger"], action.id, action.version, status="done")
    diff = actions.update_action(session, people["liaison"], action.id, action.version, status="done", note="已确认")
    assert diff["status"] == ("open", "done")
    assert actions.action_list(session, office, status="unfinished").empty


def test_closing_a_linked_action_completes_its_milestone_with_history(session, people):
    office = people["office"]
    milestone = _milestone(session)
    meeting = _meeting(session, office)
    action = actions.add_action(session, office, meeting.id, title="印发工作要点", owner_member_id=people["unit"].id,
                                milestone_id=milestone.id)
    with pytest.raises(PermissionDenied):  # a liaison closes its action, not the plan's milestone
        actions.update_action(session, people["liaison"], action.id, action.version, status="done",
                              close_milestone=True)
    actions.update_action(session, office, action.id, action.version, status="done", close_milestone=True)
    session.refresh(milestone)
    assert milestone.status == "done" and milestone.percent == 100
    history = session.exec(select(MilestoneHistory).where(MilestoneHistory.milestone_id == milestone.id)).all()
    assert [h.comment for h in history] == ["印发工作要点"]


def test_a_stale_action_edit_is_refused(session, people):
    from core.db import StaleEditError

    office = people["office"]
    action = actions.add_action(session, office, _meeting(session, office).id, title="x",
                                owner_member_id=people["unit"].id)
    version = action.version
    actions.update_action(session, office, action.id, version, status="in_progress")
    with pytest.raises(StaleEditError):
        actions.update_action(session, office, action.id, version, status="done")


def test_invitations_minutes_and_search_hold_on_postgresql(pg_engine):
    """The inbox's audience rule, the text search and the JSON slides, on PostgreSQL."""
    from sqlmodel import Session

    with Session(pg_engine, expire_on_commit=False) as session:
        office = acting_as(make_user(session, role="secretariat"))
        unit, other = make_member(session), make_member(session)
        liaison = acting_as(make_user(session, role="member", member_id=unit.id))
        stranger = acting_as(make_user(session, role="member", member_id=other.id))
        meeting = _meeting(session, office, title="100%_理事会")
        meetings.invite(session, office, meeting.id, member_ids=[unit.id])
        meetings.set_slides(session, office, meeting.id, ["actions", "glance"])
        meetings.record_attendance(session, office, meeting.id, attended_ids=[unit.id])
        notice_id = minutes_service.publish_minutes(session, office, meeting.id, minutes="纪要")
        session.commit()
        assert set(inbox.inbox(session, liaison).rows["id"]) >= {notice_id}
        assert notice_id not in set(inbox.inbox(session, stranger).rows["id"])
        assert list(meetings.meeting_list(session, office, search="0%_")["id"]) == [meeting.id]
        assert meetings.meeting_list(session, office, search="0%x").empty
        session.expire_all()
        assert session.get(type(meeting), meeting.id).slides == ["actions", "glance"]


def test_a_meetings_files_are_read_by_the_invited_and_the_council_only(session, people):
    from core import attachments
    from core.meetings.briefing_files import logo_png

    office = people["office"]
    meeting = _meeting(session, office)
    meetings.invite(session, office, meeting.id, member_ids=[people["unit"].id])
    photo = meetings.add_file(session, office, meeting.id, filename="会场.png", content=logo_png(64))
    for who in ("liaison", "council"):
        assert attachments.content(session, people[who], photo.id)[0] == "会场.png"
    with pytest.raises(PermissionDenied):
        attachments.content(session, people["stranger"], photo.id)
    with pytest.raises(PermissionDenied):
        meetings.add_file(session, people["liaison"], meeting.id, filename="x.png", content=logo_png(64))

"""The meetings pages under AppTest: each role that may open them, and the main actions driven
through their widgets (create, answer, attendance and minutes, follow-ups, the home queue)."""
from __future__ import annotations

from sqlmodel import select

from core import nav
from core.i18n import translate
from core.meetings.models import Meeting, MeetingAction, MeetingInvitation
from core.models import MemberUnit, Message, MessageCategory, User
from tests.pages_support import app_as, button, session_scope

PAGES = [p for p in nav.PAGES if p.section == "nav.section.meetings"]



def test_the_secretariat_creates_a_meeting_through_the_form(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "meeting_manage")
    at.text_input(key="meeting_new_title").set_value("专题研讨：产教融合")
    at.text_input(key="meeting_new_place").set_value("报告厅")
    button(at, "meeting_manage.create").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert session.exec(select(Meeting).where(Meeting.title == "专题研讨：产教融合")).one().place == "报告厅"


def test_a_missing_place_is_said_and_nothing_is_created(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "meeting_manage")
    at.text_input(key="meeting_new_title").set_value("无地点的会议")
    button(at, "meeting_manage.create").click().run()
    assert [e.value for e in at.error] == [translate("meetings.place_required")]
    with session_scope(demo_db_url) as session:
        assert session.exec(select(Meeting).where(Meeting.title == "无地点的会议")).first() is None


def test_the_liaison_sees_its_invitation_on_home_and_confirms_it(demo_db_url):
    at = app_as(demo_db_url, "member", "home")
    assert any(link.label == translate("home.todo_invitations", count=1) for link in at.get("page_link"))
    at.switch_page("../app_pages/meetings/meetings.py").run()  # opens on the newest: the coming forum
    forms = [t for t in at.text_input if t.label == translate("meetings.attendee")]
    forms[0].set_value("李四")
    button(at, "meetings.confirm").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        member_id = session.exec(select(User.member_id).where(User.username == "demo-member")).one()
        answered = session.exec(select(MeetingInvitation).where(MeetingInvitation.member_id == member_id,
                                                                MeetingInvitation.attendee == "李四")).one()
        assert answered.status == "confirmed"


def test_minutes_are_published_as_a_notice_in_one_click(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "meeting_manage")
    minutes = next(t for t in at.text_area if t.label == translate("meetings.minutes"))
    minutes.set_value("会议决定：一、……；二、……")
    button(at, "meeting_manage.publish_minutes").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        chosen = session.get(Meeting, at.session_state["meeting_manage_pick"])
        notice = session.get(Message, chosen.minutes_message_id)
        assert notice.category == MessageCategory.MINUTES and "会议决定" in notice.body


def test_the_liaison_closes_its_units_follow_up(demo_db_url):
    at = app_as(demo_db_url, "member", "meeting_actions")
    assert at.dataframe and len(at.dataframe[0].value) == 1
    at.selectbox[-1].set_value("done")
    at.text_area[0].set_value("争议条目已与企业核对确认")
    button(at, "common.save").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.exec(select(MeetingAction).where(MeetingAction.note == "争议条目已与企业核对确认")).one()
        assert row.status == "done" and row.closed_on is not None


def test_the_meeting_mode_renders_the_deck(demo_db_url):
    at = app_as(demo_db_url, "council", "meeting_mode")
    assert not at.exception
    frames = [e for e in at.get("iframe")]
    assert len(frames) == 1
    html = frames[0].proto.srcdoc
    assert html.count('class="slide"') == 6 and "上次理事会督办事项" in html


def test_the_office_invites_records_attendance_and_assigns_a_follow_up_on_the_page(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "meeting_manage")
    meeting_id = at.session_state["meeting_manage_pick"]  # opens on the next meeting: the forum
    with session_scope(demo_db_url) as session:
        invited = set(session.exec(select(MeetingInvitation.member_id)
                                   .where(MeetingInvitation.meeting_id == meeting_id)).all())
        unit = session.exec(select(MemberUnit.id).where(MemberUnit.status == "active",
                                                        MemberUnit.id.not_in(invited))).first()
    next(m for m in at.multiselect if m.label == translate("meeting_manage.invite_units")).set_value([unit])
    button(at, "meeting_manage.invite").click().run()
    assert not at.exception and not at.error
    next(m for m in at.multiselect if m.label == translate("meeting_manage.attended_units")).set_value([unit])
    button(at, "meeting_manage.record_attendance").click().run()
    assert not at.exception and not at.error
    next(t for t in at.text_input if t.label == translate("actions.col_title")).set_value("整理论坛成果汇编")
    next(s for s in at.selectbox if s.label == translate("actions.owner_unit")).set_value(unit)
    button(at, "actions.add").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert session.get(Meeting, meeting_id).status == "held"
        came = session.exec(select(MeetingInvitation.member_id).where(MeetingInvitation.meeting_id == meeting_id,
                                                                      MeetingInvitation.attended == True)).all()
        assert came == [unit]
        action = session.exec(select(MeetingAction).where(MeetingAction.title == "整理论坛成果汇编")).one()
        assert (action.meeting_id, action.owner_member_id) == (meeting_id, unit)
        sent = session.exec(select(Message).where(Message.category == MessageCategory.SYSTEM)
                            .order_by(Message.id.desc())).first()
        assert sent.title.startswith("会议邀请") and sent.audience["member_ids"] == [unit]


def test_the_secretariats_home_lists_its_open_follow_ups(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "home")
    links = [link.label for link in at.get("page_link")]
    assert translate("home.todo_actions", count=2, overdue=1) in links, links

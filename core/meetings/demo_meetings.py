"""The demo group's meetings (called by core/demo.py), written through the services as the demo
secretariat, so they carry the same invitations, audit and notices a real meeting would.

The case study's: the second council's first meeting (2018-06), the secretariat office's three
meetings of 2019 (the mobilisation and work plan, the logo competition, the platform seminar);
and around the demo's day: a council meeting held three weeks ago whose follow-ups
are partly open (one overdue, one owned by the demo liaison's unit, one linked to a milestone),
and a forum in ten days with invitations answered, declined and still waiting; two briefings.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, func, select

from core.auth import acting_as
from core.meetings import actions, meetings, minutes as minutes_service
from core.meetings.models import ActionStatus
from core.models import (
    CouncilTerm,
    MemberStatus,
    MemberUnit,
    Message,
    MessageCategory,
    Milestone,
    MilestoneStatus,
    StaffMember,
    User,
)
from core.timeutil import CHINA_TZ

LEAD_PLACE = "山东劳动职业技术学院 行政楼第一会议室"


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_TZ)


def _backdate(session, since_id: int, *, invitation: date, notice: date) -> None:
    """The messages a demo meeting sent carry its dates, not the day the demo was loaded: the
    invitation ten days before, the minutes two days after."""
    for message in session.exec(select(Message).where(Message.id > since_id)).all():
        at = _at(invitation if message.category == MessageCategory.SYSTEM else notice).astimezone(UTC)
        message.publish_at = message.created_at = message.updated_at = at
        session.add(message)
    session.flush()


def _last_message(session) -> int:
    return session.exec(select(func.coalesce(func.max(Message.id), 0))).one()


def _meeting(session, me, today, *, kind, title, day, place, host, items, invited, came=(), answers=None,
             minutes="", end_hour=11):
    since = _last_message(session)
    row = meetings.create_meeting(session, me, kind=kind, title=title, starts_at=_at(day),
                                  ends_at=_at(day, end_hour), place=place, host=host)
    agenda = [meetings.add_agenda_item(session, me, row.id, title=t, presenter=p, decision=d)
              for t, p, d in items]
    meetings.invite(session, me, row.id, member_ids=[u.id for u in invited])
    for unit, accept, attendee in (answers or []):
        meetings.respond(session, me, row.id, member_id=unit.id, accept=accept, attendee=attendee)
    if came:
        meetings.record_attendance(session, me, row.id, attended_ids=[u.id for u in came])
    if minutes:
        minutes_service.publish_minutes(session, me, row.id, minutes=minutes)
    if day < today:  # a past meeting's messages are as old as it
        _backdate(session, since, invitation=day - timedelta(days=10), notice=day + timedelta(days=2))
    return row, agenda


def build(session: Session, *, today: date) -> int:
    """Write the demo meetings around `today` (the demo's day); returns how many."""
    secretariat = session.exec(select(User).where(User.username == "demo-secretariat")).one()
    liaison = session.exec(select(User).where(User.username == "demo-member")).one()
    me = acting_as(secretariat)
    units = session.exec(select(MemberUnit).where(MemberUnit.status == MemberStatus.ACTIVE)
                         .order_by(MemberUnit.id)).all()
    lead = session.get(MemberUnit, liaison.member_id)
    others = [u for u in units if u.id != lead.id]
    office = session.exec(select(StaffMember).where(StaffMember.active).order_by(StaffMember.sort_order)).all()
    director = next((s for s in office if s.user_id == secretariat.id), office[0])
    staff = [s for s in office if s.id != director.id] or office
    open_milestone = session.exec(select(Milestone).where(Milestone.status.in_(
        (MilestoneStatus.IN_PROGRESS, MilestoneStatus.NOT_STARTED))).order_by(Milestone.id)).first()

    _meeting(session, me, today, kind="council", title="山东省机械行业职业培训教育集团第二届一次理事会会议",
             day=date(2018, 6, 22), place=LEAD_PLACE, host="理事长", end_hour=12,
             items=[("审议集团第一届理事会工作报告", "秘书长", "审议通过。"),
                    ("审议修订《集团章程》", "秘书长", "审议通过修订后的《集团章程》。"),
                    ("选举产生集团第二届理事会领导机构", "理事长", "选举产生理事长、副理事长、常务理事和秘书长。")],
             invited=[lead, *others[:40]], came=[lead, *others[:34]],
             minutes="会议听取并审议了第一届理事会工作报告，审议通过修订后的《集团章程》，选举产生了集团新一届领导机构。")
    mobilise, items = _meeting(
        session, me, today, kind="office", title="骨干职教集团建设动员会暨2019年集团秘书处工作部署会",
        day=date(2019, 6, 12), place=LEAD_PLACE, host="秘书处办公室主任",
        items=[("解读《骨干职教集团建设实施方案》", "秘书处办公室主任", "按实施方案的“施工图”推进三年建设。"),
               ("明确秘书处办公室人员职责和分工", "秘书处办公室主任", "分工到人，2019 年任务细化到可操作层面。")],
        invited=[lead, *others[:12]], came=[lead, *others[:11]],
        minutes="秘书处办公室第一次会议：对骨干职教集团建设进行全方位动员，部署 2019 年工作。")
    actions.add_action(session, me, mobilise.id, title="印发 2019 年集团工作任务分解表", owner_staff_id=director.id,
                       due_on=date(2019, 6, 30), agenda_item_id=items[1].id)
    logo, items = _meeting(
        session, me, today, kind="office", title="秘书处办公室第二次会议（集团标识评选）",
        day=date(2019, 9, 18), place=LEAD_PLACE, host="秘书处办公室主任",
        items=[("评选集团标识设计方案", "宣传工作人员",
                "孟昕、吴凯琪的设计方案胜出；标识以天蓝色和海蓝色为基准色，释义进一步完善后对外发布。")],
        invited=[lead], came=[lead], minutes="会议对二十余个标识设计方案进行了评选和修改。")
    actions.add_action(session, me, logo.id, title="完善集团标识释义并面向社会发布", owner_staff_id=staff[0].id,
                       due_on=date(2019, 10, 31), agenda_item_id=items[0].id)
    seminar, items = _meeting(
        session, me, today, kind="seminar", title="职教集团智慧管理服务平台功能研讨会",
        day=date(2019, 11, 20), place=LEAD_PLACE, host="秘书处办公室主任",
        items=[("细化平台功能，添加个性化模块", "信息化工作人员", "增加会议管理、活动简报和会议模式。")],
        invited=[lead, *others[:6]], came=[lead, *others[:5]], minutes="会议进一步细化了平台的功能模块。")
    actions.add_action(session, me, seminar.id, title="平台个性化模块需求说明书定稿", owner_staff_id=staff[1 % len(staff)].id,
                       due_on=date(2019, 12, 31), agenda_item_id=items[0].id)
    for row in actions.action_list(session, me).itertuples():  # the 2019 follow-ups were all done
        actions.update_action(session, me, int(row.id), int(row.version), status=ActionStatus.DONE, note="已完成")

    held = today - timedelta(days=21)
    term = session.exec(select(CouncilTerm).where(CouncilTerm.ended_on.is_(None))
                        .order_by(CouncilTerm.number.desc())).first()
    council, items = _meeting(
        session, me, today, kind="council", title=f"集团{term.name if term else '理事会'} {held.year} 年度工作会议",
        day=held, place=LEAD_PLACE, host="理事长", end_hour=12,
        items=[(f"{held.year} 年集团工作总结", "秘书长", "审议通过。"),
               (f"{held.year + 1} 年集团工作要点", "秘书长", "原则通过，由秘书处细化后印发。"),
               ("成员单位数据报送与台账确认情况通报", "秘书处办公室主任", "未按时报送的单位限期补报；台账争议由秘书处协调。")],
        invited=[lead, *others[:30]], came=[lead, *others[:24]],
        answers=[(u, True, "") for u in others[:26]],
        minutes="会议总结了本年度集团工作，讨论了下一年度工作要点，通报了数据报送与台账确认情况。")
    first = actions.add_action(session, me, council.id, title=f"印发 {held.year + 1} 年集团工作要点",
                               owner_staff_id=director.id, due_on=today + timedelta(days=10),
                               agenda_item_id=items[1].id, milestone_id=open_milestone.id if open_milestone else None)
    actions.add_action(session, me, council.id, title="督促未按时报送的单位完成年度数据补报",
                       owner_staff_id=director.id, due_on=today - timedelta(days=4), agenda_item_id=items[2].id)
    actions.add_action(session, me, council.id, title="牵头单位确认订单班台账中的争议条目",
                       owner_member_id=lead.id, due_on=today + timedelta(days=20), agenda_item_id=items[2].id)
    done = actions.add_action(session, me, council.id, title="会议纪要印发各成员单位",
                              owner_staff_id=staff[0].id, due_on=held + timedelta(days=7), agenda_item_id=items[0].id)
    session.flush()
    actions.update_action(session, me, done.id, done.version, status=ActionStatus.DONE, note="已通过平台发布")
    actions.update_action(session, me, first.id, first.version, status=ActionStatus.IN_PROGRESS, note="初稿已完成，征求意见中")

    forum_day = today + timedelta(days=10)
    invited = [lead, *others[:35]]
    _meeting(session, me, today, kind="event", title=f"{forum_day.year} 年机械行业产教融合论坛暨校企合作项目推介会",
             day=forum_day, place="济南 山东省机械行业职业培训教育集团 报告厅", host="秘书长", end_hour=17,
             items=[("产教融合典型案例交流", "成员院校代表", ""), ("校企合作项目推介", "成员企业代表", "")],
             invited=invited,
             answers=[*((u, True, "") for u in others[:18]), *((u, False, "") for u in others[18:22])])
    # Two issues of the briefing: the case study's 2019 no. 3 (published) and this quarter's draft.
    from core.meetings import briefings

    since = _last_message(session)
    old = briefings.create_briefing(session, me, title="集团活动简报 2019年第3期", start=date(2019, 7, 1),
                                    end=date(2019, 9, 30))
    briefings.publish_briefing(session, me, old.id)
    _backdate(session, since, invitation=date(2019, 10, 10), notice=date(2019, 10, 10))
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    briefings.create_briefing(session, me, title=f"集团活动简报 {today.year}年第{(today.month - 1) // 3 + 1}期",
                              start=quarter, end=today)
    return 6

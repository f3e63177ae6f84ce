"""The demo group's shared resources (called by core/demo.py): offers that fit the case study
(the lead school's training centre and skills-master studio, the companies' internship and job
posts, the partner schools' courses and textbooks), a year of finished uses in 2025–2026 (and one declined), and
around the demo's day a request waiting for the demo liaison's answer, one of its own waiting
for an owner, and one where the owner proposed other dates."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from core.auth import acting_as
from core.models import MemberStatus, MemberUnit, User
from core.resources import catalogue, requests
from core.resources.models import RequestStatus, ResourceRequest

# (kind, title, capacity, conditions, description)
LEAD_OFFERS = [
    ("training_base", "智能制造公共实训中心", 40, "提前两周预约；自带劳保用品",
     "数控车铣、工业机器人、PLC 工位 40 个，面向集团成员单位师生和企业职工开放。"),
    ("master", "王振华技能大师工作室（数控加工）", 10, "每期不超过 10 人",
     "国家级技能大师领衔，开展数控加工技艺传承与青年教师带徒。"),
    ("course", "《工业机器人应用编程》在线课程", 500, "成员单位免费使用", "省级精品在线开放课程，含 48 个微课视频。"),
]
SCHOOL_OFFERS = [
    ("lab", "电工电子实验室", 30, "工作日开放", "维修电工、电子装配实训，可承接中级工鉴定。"),
    ("textbook", "《汽车维修基础》校企合作教材", 200, "按成本价提供", "活页式教材，配套实训工单。"),
    ("training_base", "现代物流实训基地", 25, "需提交安全承诺书", "仓储、分拣、配送全流程仿真实训。"),
]
COMPANY_OFFERS = [
    ("internship", "数控操作工顶岗实习岗位", 20, "签订三方协议；提供食宿", "每年 3 月、9 月两批接收。"),
    ("job", "设备维护技术员", 8, "大专及以上，持中级工证", "一线设备点检与维护，转正后五险一金。"),
    ("equipment", "五轴加工中心（共享机时）", 2, "需经设备操作培训", "周末共享机时，可用于教学演示与竞赛训练。"),
    ("expert", "企业工程师专家库（智能产线）", 5, "提前一个月预约", "可承担专题讲座、课程开发与竞赛指导。"),
]


def _offer(session, me, unit_id, offers, start) -> list:
    return [catalogue.add_resource(session, me, member_id=unit_id, values={
        "kind": kind, "title": title, "capacity": capacity, "conditions": conditions, "description": text,
        "contact": "联络员 0531-8888 6000", "available_from": start, "available_to": date(start.year + 2, 12, 31)})
        for kind, title, capacity, conditions, text in offers]


def _used(session, resource, requester, *, starts_on, days, quantity, purpose, user_id) -> None:
    """A finished use of 2025–2026, as the request flow leaves it."""
    session.add(ResourceRequest(resource_id=resource.id, requester_member_id=requester, requested_by=user_id,
                                starts_on=starts_on, ends_on=starts_on + timedelta(days=days - 1),
                                quantity=quantity, purpose=purpose, status=RequestStatus.COMPLETED,
                                completed_on=starts_on + timedelta(days=days - 1), used_quantity=quantity))


def build(session: Session, *, today: date) -> int:
    """Write the demo resources around `today`; returns how many offers."""
    secretariat = acting_as(session.exec(select(User).where(User.username == "demo-secretariat")).one())
    liaison_user = session.exec(select(User).where(User.username == "demo-member")).one()
    units = session.exec(select(MemberUnit).where(MemberUnit.status == MemberStatus.ACTIVE)
                         .order_by(MemberUnit.id)).all()
    lead = session.get(MemberUnit, liaison_user.member_id)
    schools = [u for u in units if u.id != lead.id and u.unit_type == "school"][:3]
    companies = [u for u in units if u.unit_type == "enterprise"][:4]
    start = date(today.year - 1, 1, 1)  # offers open since last year (2025 on the demo's day)
    mine = _offer(session, secretariat, lead.id, LEAD_OFFERS, start)
    theirs = [r for school, offer in zip(schools, SCHOOL_OFFERS) for r in _offer(session, secretariat, school.id,
                                                                                [offer], start)]
    firms = [r for firm, offer in zip(companies, COMPANY_OFFERS) for r in _offer(session, secretariat, firm.id,
                                                                                [offer], start)]
    for i, (resource, who) in enumerate([(mine[0], schools[0]), (mine[0], companies[0]), (mine[1], schools[1]),
                                         (theirs[0], lead), (firms[0], lead), (firms[2], schools[2]),
                                         (mine[0], schools[2])]):
        _used(session, resource, who.id, starts_on=today - timedelta(days=600 - 60 * i), days=3 + i % 3,
              quantity=min(resource.capacity, 6 + 3 * i), purpose="教师实践与学生实训", user_id=secretariat.id)
    # a request the owner could not take: the base was booked for the provincial competition
    session.add(ResourceRequest(resource_id=mine[0].id, requester_member_id=companies[1].id, requested_by=secretariat.id,
                                starts_on=today - timedelta(days=200), ends_on=today - timedelta(days=198), quantity=30,
                                purpose="新员工数控操作培训", status=RequestStatus.DECLINED,
                                reply="该周承办省级技能大赛，场地不对外开放"))
    session.flush()
    # Around the demo's day: waiting for the demo liaison, waiting for an owner, a proposal.
    other = acting_as(session.exec(select(User).where(User.username == "demo-secretariat")).one())
    soon = today + timedelta(days=14)
    requests.request(session, other, resource_id=mine[0].id, member_id=schools[1].id, starts_on=soon,
                     ends_on=soon + timedelta(days=2), quantity=20, purpose="机电专业学生数控实训周")
    liaison = acting_as(liaison_user)
    requests.request(session, liaison, resource_id=firms[1].id if len(firms) > 1 else theirs[1].id,
                     member_id=lead.id, starts_on=soon, ends_on=soon, quantity=2, purpose="毕业生专场招聘对接")
    asked = requests.request(session, liaison, resource_id=theirs[2].id if len(theirs) > 2 else theirs[0].id,
                             member_id=lead.id, starts_on=soon + timedelta(days=7), ends_on=soon + timedelta(days=9),
                             quantity=15, purpose="物流专业教师轮训")
    requests.respond(session, secretariat, request_id=asked.id, expected_version=1, decision="propose",
                     reply="该周基地承接技能鉴定，建议顺延一周", proposed_starts_on=soon + timedelta(days=14),
                     proposed_ends_on=soon + timedelta(days=16))
    return len(mine) + len(theirs) + len(firms)

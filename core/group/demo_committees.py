"""The demo group's committees: set up by the second council (2018), one working committee wound
up into another in 2022, so that past years' profiles count differently from today's."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core.auth import acting_as
from core.group import committees
from core.models import MemberStatus, MemberType, MemberUnit, User

# (name, English name, chair unit's type ("lead" for the lead school), established, dissolved, note)
COMMITTEES = (
    ("专业建设委员会", "Programme Development Committee", "lead", date(2018, 6, 15), None,
     "统筹成员院校专业设置、人才培养方案与课程标准的共建共审"),
    ("校企合作委员会", "School-Enterprise Cooperation Committee", MemberType.ENTERPRISE, date(2018, 6, 15), None,
     "推进订单培养、现代学徒制、顶岗实习与共建实训基地"),
    ("社会服务与培训工作委员会", "Social Services and Training Committee", MemberType.SCHOOL,
     date(2019, 3, 20), None, "组织职工培训、技能鉴定与技术服务"),
    ("信息化建设工作委员会", "IT Development Working Committee", MemberType.ASSOCIATION, date(2019, 3, 20),
     date(2022, 12, 31), "集团信息化平台建成后，其工作并入秘书处"),
)


def build(session: Session, *, today: date) -> int:
    """Write the demo committees (those established after `today` are left out); returns how many."""
    secretariat = acting_as(session.exec(select(User).where(User.username == "demo-secretariat")).one())
    units = session.exec(select(MemberUnit).where(MemberUnit.status == MemberStatus.ACTIVE)
                         .order_by(MemberUnit.id)).all()
    written = 0
    for name, name_en, chair_type, established, dissolved, note in COMMITTEES:
        if established > today:
            continue
        chair = next(u for u in units if (u.is_lead if chair_type == "lead"
                                          else u.unit_type == chair_type and not u.is_lead))
        row = committees.add(session, secretariat, name=name, name_en=name_en, chair_member_id=chair.id,
                             established_on=established, note=note)
        if dissolved is not None and dissolved <= today:
            committees.dissolve(session, secretariat, committee_id=row.id, expected_version=row.version,
                                dissolved_on=dissolved)
        written += 1
    return written

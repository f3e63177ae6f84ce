"""The demo's assessment: last complete year's scheme published (scores frozen, a notice sent,
one adjustment with its reason), and the year being reported as a draft computed live."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core import auth
from core.assessment import awards, schemes, scores
from core.assessment.models import AwardNomination, AwardSubject, PassRule
from core.demo_plan import DemoCalendar
from core.models import Role, User


def build(session: Session, *, today: date) -> int:
    """Write the demo schemes; returns how many units the published one scored."""
    office = session.exec(select(User).where(User.role == Role.SECRETARIAT).order_by(User.id)).first()
    if office is None:
        return 0
    me = auth.acting_as(office)
    year = DemoCalendar(today).reporting_year
    last = schemes.create_scheme(session, me, year=year - 1, title=f"{year - 1}年度成员单位工作考核")
    first = scores.results(session, me, last.id)
    if not first.empty:
        host = first.sort_values("total").iloc[len(first) // 2]
        schemes.set_adjustment(session, me, last.id, member_id=int(host["member_id"]), points=5,
                               reason="承办全省机械行业职业院校技能大赛，经秘书处办公室会议研究加分")
    scored = schemes.publish(session, me, last.id, last.version)
    schemes.create_scheme(session, me, year=year, title=f"{year}年度成员单位工作考核")
    _awards(session, me, year - 1)
    return scored


def _awards(session: Session, me, year: int) -> None:
    """优秀成员单位 nominated from the ranking, voted and published (certificates ready);
    优秀联络员 with the demo liaison's own nomination waiting for the council's vote."""
    council = [auth.acting_as(u) for u in session.exec(select(User).where(User.role == Role.COUNCIL)).all()]
    liaison = session.exec(select(User).where(User.username == "demo-member")).first()
    best = awards.create_category(session, me, year=year, name="优秀成员单位", name_en="Outstanding member unit",
                                  quota=3, pass_rule=PassRule.MAJORITY)
    awards.nominate_from_ranking(session, me, category_id=best.id)
    for row in session.exec(select(AwardNomination).where(AwardNomination.category_id == best.id)).all():
        awards.review(session, me, row.id, accept=True)
        for member in council:
            awards.vote(session, member, row.id, approve=True, comment="同意")
        if council:
            awards.close_vote(session, me, row.id)
    if council:
        awards.publish(session, me, best.id)
    people = awards.create_category(session, me, year=year, name="优秀联络员", name_en="Outstanding liaison",
                                    subject=AwardSubject.PERSON, quota=2, pass_rule=PassRule.TWO_THIRDS)
    if liaison is not None and liaison.member_id is not None:
        mine = awards.nominate(session, auth.acting_as(liaison), category_id=people.id, member_id=liaison.member_id,
                               person_name=liaison.display_name,
                               statement="全年按时报送数据，及时确认合作台账，组织本单位参加集团各项活动。",
                               evidence="年度数据按时报送；台账确认记录；会议出席记录")
        awards.review(session, me, mine.id, accept=True, note="材料齐全，提交理事会表决")

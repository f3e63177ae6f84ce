"""The demo's assessment: last complete year's scheme published (scores frozen, a notice sent,
one adjustment with its reason), and the year being reported as a draft computed live."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core import auth
from core.assessment import schemes, scores
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
    return scored

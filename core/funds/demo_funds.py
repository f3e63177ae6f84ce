"""The demo group's funds (called by core/demo.py): this year's budget by source and use, the fee
schedule by member type, most units' fees paid (some still owing, one payment entered twice and
voided), income from the lead unit, the province's project funds and a member enterprise's
sponsorship, and expenses — the earlier ones approved, the platform's upkeep above the threshold
waiting for the secretariat director (the demo-director account)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from core.auth import acting_as
from core.funds import corrections, funds
from core.funds.models import FeePayment
from core.i18n import translate
from core.models import MemberStatus, MemberUnit, Message, ReadReceipt, User
from core.timeutil import CHINA_TZ

RATES = {"school": 300_000, "enterprise": 500_000, "association": 100_000, "research": 200_000,
         "government": 0, "other": 100_000}  # fen a year
BUDGET = {"membership_fee": 18_000_000, "lead_allocation": 30_000_000, "government": 50_000_000,
          "sponsorship": 10_000_000, "meetings": 12_000_000, "training": 40_000_000, "competitions": 25_000_000,
          "platform": 20_000_000, "publicity": 5_000_000}
EXPENSES = [("meetings", 1_865_000, "第三届理事会第二次会议会务费"), ("training", 4_250_000, "“双师型”教师暑期培训"),
            ("competitions", 2_980_050, "集团职业技能大赛场地与耗材"), ("publicity", 320_000, "集团宣传册印制"),
            ("platform", 12_000_000, "管理平台年度运维")]
# (source, fen, month, day, payer): the lead unit's allocation in two instalments, the province's
# funds for a provincial backbone group (认定 by 山东省教育厅 in 2019), an enterprise's sponsorship.
INCOME = [("lead_allocation", 15_000_000, 2, 20, "{lead}：集团年度工作经费（上半年）"),
          ("government", 30_000_000, 5, 15, "山东省教育厅：省级骨干职业教育集团建设项目资金（第一批）"),
          ("sponsorship", 6_000_000, 6, 10, "{firm}：赞助集团职业技能大赛"),
          ("lead_allocation", 15_000_000, 8, 20, "{lead}：集团年度工作经费（下半年）")]


def build(session: Session, *, today: date) -> int:
    me = acting_as(session.exec(select(User).where(User.username == "demo-secretariat")).one())
    director = acting_as(session.exec(select(User).where(User.username == "demo-director")).one())
    year = today.year
    for member_type, amount in RATES.items():
        funds.set_fee_rate(session, me, year=year, member_type=member_type, amount_fen=amount)
    for category, amount in BUDGET.items():
        funds.set_budget(session, me, year=year, category=category, amount_fen=amount)
    units = session.exec(select(MemberUnit).where(MemberUnit.status == MemberStatus.ACTIVE).order_by(MemberUnit.id)).all()
    for i, unit in enumerate(units):
        due = RATES.get(unit.unit_type, 0)
        if due and i % 7 != 3:  # about one unit in seven still owes
            funds.record_payment(session, me, member_id=unit.id, year=year, amount_fen=due,
                                 paid_on=date(year, 3, 1) + timedelta(days=i * 2), note="银行转账")
    _income(session, me, units, today)
    for i, (category, amount, text) in enumerate(EXPENSES):
        row = funds.record_expense(session, me, spent_on=min(today, date(year, 4, 10) + timedelta(days=40 * i)),
                                   amount_fen=amount, category=category, description=text)
        if i < len(EXPENSES) - 1 and row.status == "pending":  # the director approved it at the time
            funds.approve_expense(session, director, expense_id=row.id, expected_version=row.version)
            _told_at_the_time(session, director.id, row)
    session.flush()
    return len(units)


def _income(session: Session, me, units: list[MemberUnit], today: date) -> None:
    lead = next(u for u in units if u.is_lead)
    firm = next(u for u in units if u.unit_type == "enterprise")
    for source, amount, month, day, payer in INCOME:
        funds.record_income(session, me, received_on=min(today, date(today.year, month, day)), amount_fen=amount,
                            source=source, payer=payer.format(lead=lead.name, firm=firm.name))
    # A transfer keyed in twice, voided with its reason: it stays listed and counts nowhere.
    paid = session.exec(select(FeePayment).where(FeePayment.member_id == lead.id, FeePayment.year == today.year)).first()
    if paid is not None:
        twice = funds.record_payment(session, me, member_id=lead.id, year=today.year, amount_fen=paid.amount_fen,
                                     paid_on=paid.paid_on, note="银行转账", over_ok=True)
        corrections.void(session, me, kind="payment", row_id=twice.id, expected_version=1, reason="重复录入")


def _told_at_the_time(session: Session, director_id: int, row) -> None:
    """The director's notice of an expense approved earlier in the year: dated the day it was
    spent and read then, so the demo's inbox does not ask today about what was settled long ago."""
    when = datetime.combine(row.spent_on, time(10), tzinfo=CHINA_TZ)
    title = translate("funds.msg_pending_title", description=row.description)
    for message in session.exec(select(Message).where(Message.title == title)).all():
        message.publish_at = message.created_at = message.updated_at = when
        session.add(message)
        session.add(ReadReceipt(message_id=message.id, user_id=director_id, read_at=when + timedelta(hours=2)))

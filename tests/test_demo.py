"""The demo group follows the case study and is reproducible."""
from __future__ import annotations

from collections import Counter

from sqlmodel import select

from core import auth, credit_code, demo_data
from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from core.models import (
    CouncilSeat,
    CouncilTerm,
    Indicator,
    IndicatorValue,
    MemberUnit,
    Milestone,
    PlanArea,
    PlanTask,
    StaffMember,
)


def _seeded(session, seed=20131018):
    seed_demo(session, seed=seed, rounds=4)
    return session


def test_sixty_four_units_mostly_enterprises_led_by_the_college(session):
    units = _seeded(session).exec(select(MemberUnit)).all()
    types = Counter(unit.unit_type for unit in units)
    assert len(units) == 64
    assert types["enterprise"] > 32 and set(types) == {"government", "association", "school",
                                                       "enterprise", "research", "other"}
    lead = [unit for unit in units if unit.is_lead]
    assert [unit.name for unit in lead] == ["山东劳动职业技术学院"]
    assert all(unit.is_demo for unit in units)


def test_every_credit_code_is_valid_and_unique(session):
    codes = _seeded(session).exec(select(MemberUnit.credit_code)).all()
    assert all(credit_code.is_valid(code) for code in codes) and len(set(codes)) == 64


def test_same_seed_gives_the_same_group(engine, session):
    first = _seeded(session).exec(select(MemberUnit.name, MemberUnit.credit_code)).all()
    from sqlmodel import Session, SQLModel

    from core import db
    other = db.make_engine("sqlite://")
    SQLModel.metadata.create_all(other)
    with Session(other) as second_session:
        second = _seeded(second_session).exec(select(MemberUnit.name, MemberUnit.credit_code)).all()
    assert first == second


def test_plan_has_the_case_study_areas_and_tasks(session):
    _seeded(session)
    areas = session.exec(select(PlanArea.title).order_by(PlanArea.seq)).all()
    tasks = session.exec(select(PlanTask.title)).all()
    assert areas == [area for area, _ in demo_data.PLAN]
    assert "设立第二届理事会秘书处办公室" in session.exec(select(Milestone.title)).all()
    assert {"完善集团组织机构", "挖掘产学研合作深度", "提升服务区域经济发展能力"} <= set(tasks)


def test_second_council_and_secretariat_office(session):
    _seeded(session)
    second = session.exec(select(CouncilTerm).where(CouncilTerm.number == 2)).one()
    roles = Counter(session.exec(select(CouncilSeat.seat_role)
                                 .where(CouncilSeat.term_id == second.id)).all())
    assert second.started_on.isoformat() == "2018-06-15"
    assert roles["chair"] == 1 and roles["vice_chair"] >= 3 and roles["standing_director"] >= 5
    staff = session.exec(select(StaffMember.position)).all()
    assert staff.count("director") == 1 and len(staff) == 11


def test_indicator_values_keep_the_cross_field_rules(session):
    _seeded(session)
    codes = {i.id: i.code for i in session.exec(select(Indicator))}
    values = {(v.member_id, v.year, codes[v.indicator_id]): v.value
              for v in session.exec(select(IndicatorValue))}
    years = {year for _, year, _ in values}
    assert years == {2019, 2020, 2021}
    for (member, year, code), value in values.items():
        assert value >= 0
        if code == "S04":
            assert value <= values[member, year, "S03"]
        if code == "S06":
            assert value <= values[member, year, "S05"]


def test_demo_accounts_log_in_with_the_demo_password(session):
    _seeded(session)
    for username, _, role in DEMO_ACCOUNTS:
        user = auth.authenticate(session, username, DEMO_PASSWORD).user
        assert user is not None and user.role == role
    member = auth.authenticate(session, "demo-member", DEMO_PASSWORD).user
    assert session.get(MemberUnit, member.member_id).is_lead

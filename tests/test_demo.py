"""The demo group follows the case study, is reproducible, and looks alive on the day it is shown:
the 2019-2021 plan is history, the next phase is under way, this year's reporting is open."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from core import auth, credit_code, db, demo_data
from core.auth import acting_as
from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from core.demo_plan import DemoCalendar
from core.indicators import catalogue, review, years
from core.models import (
    CouncilSeat,
    CouncilTerm,
    Indicator,
    IndicatorValue,
    MemberUnit,
    Message,
    Milestone,
    Plan,
    PlanArea,
    PlanTask,
    ReportingWindow,
    StaffMember,
    Submission,
    User,
)
from core.plan import tracking
from core.settings import reporting_year
from core.timeutil import china_today


@pytest.fixture(scope="module")
def demo():
    """The demo as loaded today (read by every test of this module, written once)."""
    engine = db.make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        seed_demo(session, rounds=4)
        session.commit()
        yield session
    engine.dispose()


def _as(session, role):
    return acting_as(session.exec(select(User).where(User.role == role)).first())


def test_sixty_four_units_mostly_enterprises_led_by_the_college(demo):
    units = demo.exec(select(MemberUnit)).all()
    types = Counter(unit.unit_type for unit in units)
    assert len(units) == 64
    assert types["enterprise"] > 32 and set(types) == {"government", "association", "school",
                                                       "enterprise", "research", "other"}
    assert [unit.name for unit in units if unit.is_lead] == ["山东劳动职业技术学院"]
    assert all(unit.is_demo for unit in units)
    codes = [unit.credit_code for unit in units]
    assert all(credit_code.is_valid(code) for code in codes) and len(set(codes)) == 64


def test_same_seed_and_day_give_the_same_group():
    def group(day):
        engine = db.make_engine("sqlite://")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            seed_demo(session, rounds=4, today=day)
            rows = session.exec(select(MemberUnit.name, MemberUnit.credit_code)).all()
            plans = session.exec(select(Milestone.planned_due, Milestone.status)).all()
        engine.dispose()
        return rows, plans

    assert group(date(2026, 12, 4)) == group(date(2026, 12, 4))


def test_the_case_study_plan_is_history_and_the_next_phase_is_current(demo):
    today = china_today()
    past, now = (demo.exec(select(Plan).where(Plan.code == code)).one()
                 for code in ("2019-2021", f"{today.year - 1}-{today.year + 1}"))
    assert not past.is_current and now.is_current and tracking.current_plan(demo).id == now.id
    assert "国家级示范性" in now.title
    areas = demo.exec(select(PlanArea.title).where(PlanArea.plan_id == past.id).order_by(PlanArea.seq)).all()
    assert areas == [area for area, _ in demo_data.PLAN]
    assert {"完善集团组织机构", "挖掘产学研合作深度"} <= set(demo.exec(select(PlanTask.title)).all())
    # History reads as finished: nothing of 2019-2021 is overdue today.
    closed = tracking.milestones(demo, past.id, as_of=today)
    assert not closed["overdue"].any() and set(closed["status"]) <= {"done", "cancelled"}


def test_the_current_plan_has_done_overdue_and_due_soon_milestones_as_of_today(demo):
    today = china_today()
    frame = tracking.milestones(demo, tracking.current_plan(demo).id, as_of=today)
    assert (frame["status"] == "done").sum() >= 5 and frame["overdue"].sum() >= 2
    soon = frame[(frame["planned_due"] >= today) & (frame["planned_due"] <= today + timedelta(days=30))
                 & (frame["status"] != "done")]
    assert len(soon) >= 2 and (frame["status"] == "not_started").sum() >= 3
    assert (frame.loc[frame["status"] == "done", "actual_done_on"] < today).all()


def test_this_years_reporting_is_open_and_under_way(demo):
    today, year = china_today(), DemoCalendar(china_today()).reporting_year
    assert reporting_year(demo) == year and year in (today.year, today.year - 1)
    window = demo.exec(select(ReportingWindow).where(ReportingWindow.year == year)).one()
    assert window.opens_on <= today <= window.deadline
    assert catalogue.reporting_years(demo)[0] == year
    statuses = Counter(demo.exec(select(Submission.status).where(Submission.year == year)).all())
    assert statuses["approved"] >= 2 and statuses["submitted"] >= 2 and statuses["draft"] >= 1
    # The year is in progress by the one rule; the last is complete (the analysis opens on it).
    secretariat = _as(demo, "secretariat")
    assert years.year_state(demo, secretariat, year).in_progress
    assert years.default_year(demo, secretariat) == year - 1
    values = set(demo.exec(select(IndicatorValue.year).distinct()).all())
    assert values == set(range(2019, year + 1))


def test_every_demo_account_has_something_to_do_on_first_login(demo):
    year = reporting_year(demo)
    secretariat, member = _as(demo, "secretariat"), _as(demo, "member")
    assert not review.queue(demo, secretariat, year=year).empty  # reports to review
    mine = demo.exec(select(Submission).where(Submission.member_id == member.member_id,
                                              Submission.year == year)).one()
    assert mine.status == "draft"  # the liaison's report to finish and submit
    recent = demo.exec(select(Message).where(Message.publish_at >= db_time(china_today() - timedelta(days=90)))).all()
    assert len(recent) >= 4 and any(str(year) in m.title for m in recent)  # notices of recent months


def db_time(day):
    return datetime.combine(day, time(0), tzinfo=UTC)


def test_dates_follow_the_day_the_demo_is_loaded():
    engine = db.make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        seed_demo(session, rounds=4, today=date(2030, 2, 10))
        assert reporting_year(session) == 2029
        window = session.exec(select(ReportingWindow).where(ReportingWindow.year == 2029)).one()
        assert window.opens_on <= date(2030, 2, 10) <= window.deadline
        plan = tracking.current_plan(session)
        assert (plan.start_year, plan.end_year) == (2029, 2031)
        frame = tracking.milestones(session, plan.id, as_of=date(2030, 2, 10))
        assert frame["overdue"].sum() >= 2 and (frame["status"] == "done").any()
    engine.dispose()


def test_councils_and_secretariat_office(demo):
    terms = {t.number: t for t in demo.exec(select(CouncilTerm)).all()}
    assert terms[2].started_on.isoformat() == "2018-06-15" and terms[2].ended_on is not None
    assert terms[3].ended_on is None  # the current council
    roles = Counter(demo.exec(select(CouncilSeat.seat_role).where(CouncilSeat.term_id == terms[3].id)).all())
    assert roles["chair"] == 1 and roles["vice_chair"] >= 3 and roles["standing_director"] >= 5
    staff = demo.exec(select(StaffMember.position)).all()
    assert staff.count("director") == 1 and len(staff) == 11
    assert "设立第二届理事会秘书处办公室" in demo.exec(select(Milestone.title)).all()


def test_indicator_values_keep_the_cross_field_rules(demo):
    codes = {i.id: i.code for i in demo.exec(select(Indicator))}
    values = {(v.member_id, v.year, codes[v.indicator_id]): v.value for v in demo.exec(select(IndicatorValue))}
    for (member, year, code), value in values.items():
        assert value >= 0
        for part, whole in (("S04", "S03"), ("S06", "S05")):
            if code == part and (member, year, whole) in values:
                assert value <= values[member, year, whole]


def test_demo_accounts_log_in_with_the_demo_password(demo):
    for username, _, role in DEMO_ACCOUNTS:
        user = auth.authenticate(demo, username, DEMO_PASSWORD).user
        assert user is not None and user.role == role
    member = auth.authenticate(demo, "demo-member", DEMO_PASSWORD).user
    assert demo.get(MemberUnit, member.member_id).is_lead


def _bilingual_columns():
    """Every (table, Chinese column, English column) in the schema: `x_en` beside `x_zh` or `x`,
    found by walking the models, so a bilingual column added later is covered too."""
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_en"):
                base = column.name[:-3]
                zh = f"{base}_zh" if f"{base}_zh" in table.columns else base
                assert zh in table.columns, f"{table.name}.{column.name} has no Chinese column"
                yield table, table.columns[zh], column


def test_every_bilingual_name_of_the_demo_is_filled_in_both_languages(demo):
    checked = set()
    for table, zh, en in _bilingual_columns():
        rows = demo.execute(sa.select(zh, en)).all()
        one_sided = [(a, b) for a, b in rows if bool((a or "").strip()) != bool((b or "").strip())]
        assert not one_sided, f"{table.name}.{en.name}: {one_sided[:3]}"
        if rows:
            checked.add(table.name)
    assert {"plan", "plan_area", "plan_task", "milestone", "council_term", "indicator"} <= checked
    past = demo.exec(select(Plan).where(Plan.is_current.is_(False))).one()
    assert past.title_en.endswith("(2019-2021)")

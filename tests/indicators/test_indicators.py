"""Indicators in core: catalogue and formulas, entry checks, workflow, permissions, analysis."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlmodel import select

from core.auth import acting_as
from core.db import StaleEditError
from core.errors import PermissionDenied, ValidationFailed
from core.indicators import analysis, catalogue as indicators, completeness, entry, review
from core.models import (
    AuditLog,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Message,
    ReportingWindow,
    Submission,
    User,
    ValueStatus,
)
from tests.conftest import make_indicator, make_member, make_user


@pytest.fixture
def school_setup(session):
    """A school with S03/S04 (part ≤ whole) and S01, its liaison and a secretariat user."""
    school = make_member(session, unit_type="school", joined_on=date(2015, 1, 1))
    codes = {code: make_indicator(session, code) for code in ("S01", "S03", "S04")}
    liaison = acting_as(make_user(session, role="member", member_id=school.id))
    staff = acting_as(make_user(session, role="secretariat"))
    return school, codes, liaison, staff


def values_of(codes, **numbers):
    return {codes[code].id: (value, "") for code, value in numbers.items()}


# ---------------------------------------------------------------- formulas
def test_formula_evaluates_and_division_by_zero_is_empty():
    assert indicators.evaluate("S06 / S05 * 100", {"S06": 30, "S05": 120}) == 25
    assert indicators.evaluate("S06 / S05 * 100", {"S06": 30, "S05": 0}) is None
    assert indicators.evaluate("S06 / S05", {"S06": 30}) is None


def test_formula_with_code_outside_arithmetic_is_refused():
    with pytest.raises(ValidationFailed) as error:
        indicators.formula_codes("__import__('os').system('x')")
    assert error.value.key == "indicator.formula_syntax"


def test_formula_referring_to_itself_is_refused_when_saved(session, school_setup):
    staff = school_setup[3]
    with pytest.raises(ValidationFailed) as error:
        indicators.save_indicator(session, staff, values={
            "code": "D09", "name_zh": "派生", "name_en": "Derived", "formula": "D09 + S01"})
    assert error.value.key == "indicator.formula_cycle"


def test_formula_cycle_through_another_derived_indicator_is_refused(session, school_setup):
    staff = school_setup[3]
    make_indicator(session, "D01", formula="D02 * 2")
    with pytest.raises(ValidationFailed) as error:
        indicators.save_indicator(session, staff, values={
            "code": "D02", "name_zh": "派生", "name_en": "Derived", "formula": "D01 / S01"})
    assert error.value.key == "indicator.formula_cycle"


def test_formula_with_unknown_code_is_refused(session, school_setup):
    with pytest.raises(ValidationFailed) as error:
        indicators.save_indicator(session, school_setup[3], values={
            "code": "D03", "name_zh": "派生", "name_en": "Derived", "formula": "S01 / X99"})
    assert error.value.key == "indicator.formula_unknown" and "X99" in error.value.params["codes"]


def test_new_indicator_is_saved_and_audited(session, school_setup):
    new_id = indicators.save_indicator(session, school_setup[3], values={
        "code": "s20", "name_zh": "新指标", "name_en": "New", "reporter_types": ["school"],
        "min_value": 0, "max_value": 10})
    assert session.get(Indicator, new_id).code == "S20"
    assert session.exec(select(AuditLog).where(AuditLog.action == "indicator_added")).first()


def test_indicator_problems_are_reported_together(session, school_setup):
    with pytest.raises(ValidationFailed) as error:
        indicators.save_indicator(session, school_setup[3], values={
            "code": "bad code", "name_zh": "", "name_en": "", "reporter_types": ["school"],
            "min_value": 5, "max_value": 1})
    keys = [error.value.key, *[key for key, _ in error.value.more]]
    assert {"indicator.bad_code", "indicator.name_required", "indicator.min_above_max"} <= set(keys)


def test_liaison_cannot_change_the_catalogue(session, school_setup):
    with pytest.raises(PermissionDenied):
        indicators.save_indicator(session, school_setup[2], values={"code": "S30"})


def test_targets_are_set_changed_and_removed(session, school_setup):
    staff, s01 = school_setup[3], school_setup[1]["S01"]
    assert indicators.set_targets(session, staff, changes={(s01.id, 2021): (None, 100.0)}) == 1
    assert indicators.set_targets(session, staff, changes={(s01.id, 2021): (100.0, 100.0)}) == 0
    indicators.set_targets(session, staff, changes={(s01.id, 2021): (100.0, None)})
    assert session.exec(select(IndicatorTarget)).all() == []


def test_a_target_changed_by_someone_else_refuses_the_save(session, school_setup):
    staff, s01 = school_setup[3], school_setup[1]["S01"]
    indicators.set_targets(session, staff, changes={(s01.id, 2021): (None, 100.0)})
    with pytest.raises(StaleEditError):  # this editor still showed the empty cell
        indicators.set_targets(session, staff, changes={(s01.id, 2021): (None, 120.0)})
    assert session.exec(select(IndicatorTarget.target_value)).one() == 100


def test_reporting_window_is_versioned_and_ends_after_its_year(session, school_setup):
    staff = school_setup[3]
    with pytest.raises(ValidationFailed) as error:
        indicators.set_window(session, staff, year=2021, opens_on=date(2021, 6, 1), deadline=date(2021, 12, 1))
    assert error.value.key == "indicator.deadline_in_year"
    indicators.set_window(session, staff, year=2021, opens_on=date(2022, 1, 5), deadline=date(2022, 3, 31))
    with pytest.raises(StaleEditError):  # a second editor that opened the form before the first saved
        indicators.set_window(session, staff, year=2021, opens_on=date(2022, 1, 1), deadline=date(2022, 4, 30))
    indicators.set_window(session, staff, year=2021, opens_on=date(2022, 1, 1), deadline=date(2022, 4, 30),
                          expected_version=1)
    assert indicators.window(session, 2021).deadline == date(2022, 4, 30)


def test_submitting_before_the_window_opens_is_refused_but_a_draft_is_kept(session, school_setup):
    school, codes, liaison, _ = school_setup
    session.add(ReportingWindow(year=2099, opens_on=date(2100, 1, 1), deadline=date(2100, 3, 31)))
    numbers = values_of(codes, S01=1, S03=10, S04=5)
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2099, expected_version=0, submit=True, values=numbers)
    assert error.value.key == "indicator.window_not_open"
    assert entry.save(session, liaison, member_id=school.id, year=2099, expected_version=0,
                      values=numbers) == ValueStatus.DRAFT


def test_reporting_window_deadline_before_opening_is_refused(session, school_setup):
    with pytest.raises(ValidationFailed):
        indicators.set_window(session, school_setup[3], year=2021, opens_on=date(2022, 3, 1),
                              deadline=date(2022, 1, 1))


def test_unit_reports_only_its_types_indicators(session, school_setup):
    make_indicator(session, "E01", reporters=("enterprise",))
    school = school_setup[0]
    assert [i.code for i in indicators.reported_for(session, school.id)] == ["S01", "S03", "S04"]


# ---------------------------------------------------------------- entry checks
def test_non_number_is_refused(session, school_setup):
    school, codes, liaison, _ = school_setup
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
                   values=values_of(codes, S01="很多"))
    assert error.value.key == "indicator.not_a_number"


def test_negative_count_is_refused(session, school_setup):
    school, codes, liaison, _ = school_setup
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
                   values=values_of(codes, S01=-3))
    assert error.value.key == "indicator.negative"


def test_value_above_max_is_refused(session, school_setup):
    school, codes, liaison, _ = school_setup
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
                   values=values_of(codes, S01=5000))
    assert error.value.key == "indicator.above_max"


def test_part_above_whole_is_refused(session, school_setup):
    school, codes, liaison, _ = school_setup
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
                   values=values_of(codes, S01=1, S03=10, S04=11))
    assert error.value.key == "indicator.part_above_whole"


def test_numbers_typed_as_text_are_accepted(session, school_setup):
    school, codes, liaison, _ = school_setup
    entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
               values=values_of(codes, S01="１,２0", S03="10 ", S04="5"))
    stored = {row.indicator_id: row.value for row in session.exec(select(IndicatorValue)).all()}
    assert stored[codes["S01"].id] == 120


def test_big_change_needs_a_comment_to_submit_but_not_to_save(session, school_setup):
    school, codes, liaison, _ = school_setup
    session.add(IndicatorValue(member_id=school.id, indicator_id=codes["S01"].id, year=2020,
                               value=100, status=ValueStatus.APPROVED))
    entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
               values=values_of(codes, S01=300, S03=10, S04=5))
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=1, submit=True,
                   values=values_of(codes, S01=300, S03=10, S04=5))
    assert error.value.key == "indicator.needs_comment"
    explained = {**values_of(codes, S03=10, S04=5), codes["S01"].id: (300, "新开订单班")}
    assert entry.save(session, liaison, member_id=school.id, year=2021, expected_version=1,
                      submit=True, values=explained) == ValueStatus.SUBMITTED


def test_submit_needs_every_value(session, school_setup):
    school, codes, liaison, _ = school_setup
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0, submit=True,
                   values=values_of(codes, S01=1))
    assert error.value.key == "indicator.missing"


def test_member_cannot_enter_another_units_data(session, school_setup):
    other = make_member(session, unit_type="school")
    codes, liaison = school_setup[1], school_setup[2]
    with pytest.raises(PermissionDenied):
        entry.save(session, liaison, member_id=other.id, year=2021, expected_version=0,
                   values=values_of(codes, S01=1))


def test_stale_save_is_refused(session, school_setup):
    school, codes, liaison, staff = school_setup
    entry.save(session, staff, member_id=school.id, year=2021, expected_version=0,
               values=values_of(codes, S01=1))
    with pytest.raises(StaleEditError):
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
                   values=values_of(codes, S01=2))


def _submitted(session, school_setup):
    school, codes, liaison, staff = school_setup
    entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0, submit=True,
               values=values_of(codes, S01=1, S03=10, S04=5))
    return session.exec(select(Submission)).one()


def test_submit_records_on_time_against_the_window(session, school_setup):
    session.add(ReportingWindow(year=2021, opens_on=date(2022, 1, 1), deadline=date(2022, 3, 31)))
    submission = _submitted(session, school_setup)
    assert submission.status == ValueStatus.SUBMITTED and submission.on_time is False


def test_submitted_report_is_locked_for_the_liaison(session, school_setup):
    school, codes, liaison, _ = school_setup
    submission = _submitted(session, school_setup)
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=submission.version,
                   values=values_of(codes, S01=2, S03=10, S04=5))
    assert error.value.key == "indicator.locked_submitted"


# ---------------------------------------------------------------- review
def test_approve_locks_values_and_audits(session, school_setup):
    school, codes, liaison, staff = school_setup
    submission = _submitted(session, school_setup)
    review.approve(session, staff, submission_id=submission.id, expected_version=submission.version)
    session.refresh(submission)
    assert submission.status == ValueStatus.APPROVED
    assert {row.status for row in session.exec(select(IndicatorValue)).all()} == {ValueStatus.APPROVED}
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, staff, member_id=school.id, year=2021, expected_version=submission.version,
                   values=values_of(codes, S01=2))
    assert error.value.key == "indicator.locked_approved"
    assert session.exec(select(AuditLog).where(AuditLog.action == "report_approved")).first()


def test_reject_needs_a_reason_and_tells_the_unit(session, school_setup):
    school, codes, liaison, staff = school_setup
    submission = _submitted(session, school_setup)
    with pytest.raises(ValidationFailed):
        review.reject(session, staff, submission_id=submission.id, expected_version=submission.version,
                      reason="  ")
    review.reject(session, staff, submission_id=submission.id, expected_version=submission.version,
                  reason="S04 请核实")
    session.refresh(submission)
    assert submission.status == ValueStatus.REJECTED and submission.review_reason == "S04 请核实"
    to_units = [m for m in session.exec(select(Message).where(Message.category == "system")).all()
                if m.audience.get("member_ids")]  # the secretariat got its own "submitted" message
    assert [m.audience["member_ids"] for m in to_units] == [[school.id]]
    form = entry.entry_form(session, liaison, member_id=school.id, year=2021)
    assert form.reason == "S04 请核实"
    entry.save(session, liaison, member_id=school.id, year=2021, expected_version=form.version,
               submit=True, values=values_of(codes, S01=1, S03=10, S04=4))
    session.refresh(submission)
    assert submission.status == ValueStatus.SUBMITTED and submission.review_reason == ""


def test_reopen_unlocks_an_approved_report(session, school_setup):
    school, codes, liaison, staff = school_setup
    submission = _submitted(session, school_setup)
    review.approve(session, staff, submission_id=submission.id, expected_version=submission.version)
    session.refresh(submission)
    review.reopen(session, staff, submission_id=submission.id, expected_version=submission.version,
                  reason="补充数据")
    session.refresh(submission)
    entry.save(session, liaison, member_id=school.id, year=2021, expected_version=submission.version,
               values=values_of(codes, S01=2, S03=10, S04=5))


def test_liaison_cannot_approve(session, school_setup):
    submission = _submitted(session, school_setup)
    with pytest.raises(PermissionDenied):
        review.approve(session, school_setup[2], submission_id=submission.id,
                       expected_version=submission.version)


def test_review_detail_flags_large_changes(session, school_setup):
    school, codes, liaison, staff = school_setup
    session.add(IndicatorValue(member_id=school.id, indicator_id=codes["S03"].id, year=2020, value=1))
    entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0, submit=True,
               values={**values_of(codes, S01=1, S04=5), codes["S03"].id: (10, "扩招")})
    frame = review.detail(session, staff, member_id=school.id, year=2021).set_index("code")
    assert frame.loc["S03", "change_pct"] == 900 and frame.loc["S03", "comment"] == "扩招"
    assert [key for key, _ in frame.loc["S03", "flags"]] == ["review.big_change"]
    assert frame.loc["S01", "flags"] == []


# ---------------------------------------------------------------- analysis
@pytest.fixture
def two_schools(session, school_setup):
    school, codes, liaison, staff = school_setup
    other = make_member(session, unit_type="school", city="青岛市", joined_on=date(2016, 1, 1))
    rate = make_indicator(session, "D02", formula="S04 / S03 * 100", aggregation="average")
    for unit, s03, s04, status in ((school, 100, 40, ValueStatus.APPROVED),
                                   (other, 100, 80, ValueStatus.SUBMITTED)):
        for code, value in (("S03", s03), ("S04", s04)):
            session.add(IndicatorValue(member_id=unit.id, indicator_id=codes[code].id, year=2021,
                                       value=value, status=status))
    session.add(IndicatorTarget(indicator_id=codes["S03"].id, year=2021, target_value=200))
    session.flush()
    return school, other, codes, rate, staff


def test_totals_count_only_approved_values(session, two_schools):
    school, other, codes, rate, staff = two_schools
    card = analysis.scorecard(session, staff, year=2021).set_index("code")
    assert card.loc["S03", "value"] == 100 and card.loc["S03", "rag"] == "red"
    pending = analysis.scorecard(session, staff, year=2021, include_pending=True).set_index("code")
    assert pending.loc["S03", "value"] == 200 and pending.loc["S03", "rag"] == "green"


def test_member_cannot_include_pending_values(session, two_schools):
    liaison = acting_as(make_user(session, role="member", member_id=two_schools[0].id))
    card = analysis.scorecard(session, liaison, year=2021, include_pending=True).set_index("code")
    assert card.loc["S03", "value"] == 100


def test_derived_indicator_is_computed_from_totals(session, two_schools):
    staff = two_schools[4]
    card = analysis.scorecard(session, staff, year=2021, include_pending=True).set_index("code")
    assert card.loc["D02", "value"] == pytest.approx(60.0)  # (40 + 80) / (100 + 100)


def test_breakdown_by_city_and_drill_down(session, two_schools):
    school, other, codes, rate, staff = two_schools
    by_city = analysis.breakdown(session, staff, indicator_id=codes["S04"].id, year=2021, by="city",
                                 include_pending=True)
    assert dict(zip(by_city["city"], by_city["value"])) == {"济南市": 40, "青岛市": 80}
    units = analysis.drill(session, staff, indicator_id=rate.id, year=2021, include_pending=True)
    assert dict(zip(units["member_id"], units["value"])) == {school.id: 40.0, other.id: 80.0}


def test_member_cannot_drill_into_units_or_see_another_unit(session, two_schools):
    school, other, codes = two_schools[:3]
    liaison = acting_as(make_user(session, role="member", member_id=school.id))
    with pytest.raises(PermissionDenied):
        analysis.drill(session, liaison, indicator_id=codes["S03"].id, year=2021)
    with pytest.raises(PermissionDenied):
        analysis.unit_values(session, liaison, member_id=other.id)
    assert not analysis.unit_values(session, liaison, member_id=school.id).empty


def test_pivot_groups_by_member_type_in_the_database(session, two_schools):
    staff = two_schools[4]
    frame = analysis.pivot(session, staff, include_pending=True)
    row = frame[(frame["code"] == "S03") & (frame["year"] == 2021)].iloc[0]
    assert row["unit_type"] == "school" and row["value"] == 200


# ---------------------------------------------------------------- completeness and mirror
def test_completeness_counts_expected_reported_and_on_time(session, school_setup):
    school, codes, liaison, staff = school_setup
    make_member(session, unit_type="school", joined_on=date(2015, 1, 1))
    make_member(session, unit_type="government", joined_on=date(2015, 1, 1))  # reports nothing
    make_member(session, unit_type="school", joined_on=date(2023, 1, 1))  # not yet a member
    _submitted(session, school_setup)
    rates = completeness.rates(completeness.matrix(session, staff, [2021])).iloc[0]
    assert (rates["expected"], rates["reported"]) == (2, 1)
    assert rates["reporting_rate"] == 50


def test_reminder_goes_only_to_units_that_have_not_reported(session, school_setup):
    school, codes, liaison, staff = school_setup
    late = make_member(session, unit_type="school", joined_on=date(2015, 1, 1))
    _submitted(session, school_setup)
    assert completeness.remind(session, staff, year=2021, member_ids=[school.id, late.id]) == 1
    to_units = [m for m in session.exec(select(Message).where(Message.category == "system")).all()
                if m.audience.get("member_ids")]
    assert [m.audience["member_ids"] for m in to_units] == [[late.id]]


def test_mirror_check_flags_a_large_gap(session, school_setup):
    school, codes, liaison, staff = school_setup
    firm = make_member(session, unit_type="enterprise", joined_on=date(2015, 1, 1))
    received = make_indicator(session, "E02", reporters=("enterprise",))
    session.add(IndicatorValue(member_id=school.id, indicator_id=codes["S04"].id, year=2021, value=100,
                               status=ValueStatus.APPROVED))
    session.add(IndicatorValue(member_id=firm.id, indicator_id=received.id, year=2021, value=50,
                               status=ValueStatus.APPROVED))
    session.flush()
    row = completeness.mirror(session, staff).iloc[0]
    assert row["flow"] == "mirror.interns" and row["gap_pct"] == 50 and bool(row["flagged"])


# ---------------------------------------------------------------- the same SQL on PostgreSQL
def test_analysis_queries_run_on_both_databases(any_db_url):
    """Window functions, labelled groupings and the covering index on SQLite and PostgreSQL."""
    from core import db
    from core.demo import seed_demo

    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, rounds=4)
    with db.session_scope(engine, write=False) as session:
        staff = acting_as(session.exec(select(User).where(User.role == "secretariat")).first())
        card = analysis.scorecard(session, staff, year=2021, include_pending=True).set_index("code")
        pivot = analysis.pivot(session, staff)
        mirror = completeness.mirror(session, staff)
        rates = completeness.rates(completeness.matrix(session, staff, [2019, 2020, 2021]))
    engine.dispose()
    assert card.loc["G01", "value"] > 50  # the "latest" aggregation, from the window function
    assert card.loc["D01", "value"] > 0 and not pivot.empty
    assert mirror["flagged"].any() and len(rates) == 3


def test_nan_typed_in_the_form_is_not_a_number(session, school_setup):
    school, codes, liaison, _ = school_setup
    with pytest.raises(ValidationFailed) as error:
        entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
                   values=values_of(codes, S01="nan"))
    assert error.value.key == "indicator.not_a_number"


def test_a_derived_indicator_built_on_another_is_computed(session, two_schools):
    school, other, codes, rate, staff = two_schools
    make_indicator(session, "D03", formula="D02 / 100")
    card = analysis.scorecard(session, staff, year=2021, include_pending=True).set_index("code")
    assert card.loc["D03", "value"] == pytest.approx(0.6)
    nested = session.exec(select(Indicator).where(Indicator.code == "D03")).one()
    units = analysis.drill(session, staff, indicator_id=nested.id, year=2021, include_pending=True)
    assert sorted(units["value"]) == [pytest.approx(0.4), pytest.approx(0.8)]
    by_type = analysis.breakdown(session, staff, indicator_id=nested.id, year=2021, by="unit_type",
                                 include_pending=True)
    assert by_type["value"].tolist() == [pytest.approx(0.6)]


def test_average_aggregation_averages_the_units(session, two_schools):
    school, other, codes, rate, staff = two_schools
    codes["S04"].aggregation = "average"
    session.add(codes["S04"])
    session.flush()
    card = analysis.scorecard(session, staff, year=2021, include_pending=True).set_index("code")
    assert card.loc["S04", "value"] == 60  # (40 + 80) / 2


def test_latest_value_is_refused_for_indicators_many_units_report(session, school_setup):
    with pytest.raises(ValidationFailed) as error:
        indicators.save_indicator(session, school_setup[3], values={
            "code": "S40", "name_zh": "设备", "name_en": "Equipment", "reporter_types": ["school"],
            "aggregation": "latest"})
    assert error.value.key == "indicator.latest_group_only"


def test_lower_is_better_at_zero_meets_its_target(session, two_schools):
    school, other, codes, rate, staff = two_schools
    accidents = make_indicator(session, "S50", higher_is_better=False)
    session.add(IndicatorValue(member_id=school.id, indicator_id=accidents.id, year=2021, value=0,
                               status=ValueStatus.APPROVED))
    session.add(IndicatorTarget(indicator_id=accidents.id, year=2021, target_value=3))
    session.flush()
    assert analysis.scorecard(session, staff, year=2021).set_index("code").loc["S50", "rag"] == "green"


def test_review_and_progress_are_refused_to_liaisons_in_core(session, school_setup):
    school, codes, liaison, staff = school_setup
    council = acting_as(make_user(session, role="council"))
    for call in (lambda who: review.queue(session, who),
                 lambda who: review.detail(session, who, member_id=school.id, year=2021),
                 lambda who: completeness.matrix(session, who, [2021]),
                 lambda who: completeness.mirror(session, who)):
        with pytest.raises(PermissionDenied):
            call(liaison)
    assert completeness.matrix(session, council, [2021]) is not None  # the council watches progress
    with pytest.raises(PermissionDenied):
        review.queue(session, council)


def test_fill_map_shows_group_level_indicators_for_the_lead_unit_only(session, school_setup):
    school, codes, liaison, staff = school_setup
    lead = make_member(session, unit_type="school", joined_on=date(2015, 1, 1), is_lead=True)
    members = make_indicator(session, "G01", reporters=("group",), aggregation="latest")
    session.add(IndicatorValue(member_id=lead.id, indicator_id=members.id, year=2021, value=60))
    session.flush()
    fill = completeness.indicator_fill(session, staff, year=2021, unit_type="school")
    assert sorted(fill[fill["code"] == "G01"]["member_id"]) == [lead.id]
    assert fill[(fill["code"] == "G01")]["filled"].tolist() == [True]
    assert sorted(fill[fill["member_id"] == school.id]["code"]) == ["S01", "S03", "S04"]


def test_review_detail_of_a_first_year_has_empty_changes_not_errors(session, school_setup):
    school, codes, liaison, staff = school_setup
    _submitted(session, school_setup)
    frame = review.detail(session, staff, member_id=school.id, year=2021)
    assert frame["change_pct"].isna().all() and frame["change_pct"].round(1).isna().all()


# ---------------------------------------------------------------- small groups (demo data)
def test_a_liaison_never_sees_a_city_of_fewer_than_three_units(demo_db_url):
    from core.models import Indicator
    from tests.pages_support import session_scope, user_for

    liaison, council = user_for(demo_db_url, "member"), user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        s01 = session.exec(select(Indicator).where(Indicator.code == "S01")).one()
        everyone = analysis.breakdown(session, council, indicator_id=s01.id, year=2021, by="city")
        shown = analysis.breakdown(session, liaison, indicator_id=s01.id, year=2021, by="city")
        pivot = analysis.pivot(session, liaison)
    assert (everyone["units"] < analysis.MIN_GROUP_UNITS).any()  # the demo has such cities
    assert (shown["units"] >= analysis.MIN_GROUP_UNITS).all()
    assert shown.attrs["suppressed"] == int((everyone["units"] < analysis.MIN_GROUP_UNITS).sum())
    assert (pd.to_numeric(pivot["units"]) >= analysis.MIN_GROUP_UNITS).all()


def test_no_analysis_answers_without_a_login(session):
    for read in (analysis.totals, analysis.pivot):
        with pytest.raises(PermissionDenied):
            read(session, None)


def test_the_entry_checks_read_last_year_only_for_the_units_own_people(session):
    liaison = acting_as(make_user(session, role="member"))
    other = make_member(session, unit_type="school")
    with pytest.raises(PermissionDenied):
        entry.problems_for(session, liaison, member_id=other.id, year=2021, values={})


def test_a_draft_save_that_changes_nothing_says_so(session, school_setup):
    school, codes, liaison, _ = school_setup
    numbers = values_of(codes, S01=10, S03=5, S04=3)
    assert entry.save(session, liaison, member_id=school.id, year=2021, expected_version=0,
                      values=numbers) == "draft"
    assert entry.save(session, liaison, member_id=school.id, year=2021, expected_version=1,
                      values=numbers) == {}



def test_each_step_of_the_reporting_cycle_reaches_the_other_side(session, school_setup):
    """Window opened → units; submitted → the secretariat; approved → the unit."""
    school, codes, liaison, staff = school_setup
    indicators.set_window(session, staff, year=2030, opens_on=date(2031, 1, 1), deadline=date(2031, 3, 31))
    submission = _submitted(session, school_setup)
    review.approve(session, staff, submission_id=submission.id, expected_version=submission.version)
    sent = session.exec(select(Message).where(Message.category == "system").order_by(Message.id)).all()
    audiences = [(m.audience.get("member_ids"), m.audience.get("roles")) for m in sent]
    assert audiences[0][0] == [school.id]                       # the window, to the units reporting
    assert audiences[1][1] == ["admin", "secretariat"]         # a submission, to the reviewers
    assert audiences[-1][0] == [school.id] and "2021" in sent[-1].title  # the approval, to the unit

"""Indicators through their pages (AppTest): analysis, entry, review, progress, catalogue."""
from __future__ import annotations

import pytest
from sqlmodel import delete, select

from core.demo_plan import DemoCalendar
from core.i18n import translate
from core.models import Indicator, IndicatorTarget, IndicatorValue, MemberUnit, Message, Submission
from core.timeutil import china_today
from tests.pages_support import app_as, button, session_scope, user_for

NOW = DemoCalendar(china_today()).reporting_year  # the demo's year being reported (window open)

VIEWS = ("scorecard", "trend", "breakdown", "pivot", "unit")


@pytest.mark.parametrize("role", ["council", "secretariat", "member", "admin"])
def test_analysis_shows_every_view_for_every_role(demo_db_url, role):
    at = app_as(demo_db_url, role, "indicators")
    assert not at.exception
    assert [m.label for m in at.metric][:3] == [translate(f"indicators.rag_{c}") for c in ("green", "amber", "red")]
    charts = len(at.get("vega_lite_chart"))
    assert charts == 1 and len(at.dataframe) == 1  # the target bullets and the scorecard table
    for view in VIEWS[1:]:
        at.segmented_control(key="indicators_view").set_value(view).run()
        assert not at.exception, (role, view, at.exception)
        shown = len(at.get("vega_lite_chart")) + len(at.dataframe)
        assert shown >= 1, (role, view)  # every view draws its chart or table


def test_member_sees_only_approved_totals_and_its_own_unit(demo_db_url):
    at = app_as(demo_db_url, "member", "indicators")
    assert at.toggle(key="indicators_pending").disabled
    at.segmented_control(key="indicators_view").set_value("unit").run()
    assert at.selectbox(key="indicators_unit_pick").options == [translate("indicators.my_unit")]
    at.segmented_control(key="indicators_view").set_value("pivot").run()
    assert translate("indicators.drill_title") not in [s.value for s in at.subheader]


def test_pending_switch_changes_the_totals_for_the_council(demo_db_url):
    at = app_as(demo_db_url, "council", "indicators")
    at.selectbox(key="indicators_year").set_value(NOW).run()  # in progress: reports wait for review
    approved = at.dataframe[0].value.iloc[0, 2]
    at.toggle(key="indicators_pending").set_value(True).run()
    assert not at.exception and at.dataframe[0].value.iloc[0, 2] != approved


def test_drill_down_lists_units_for_the_secretariat(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicators")
    at.segmented_control(key="indicators_view").set_value("pivot").run()
    at.selectbox(key="indicators_drill_type").set_value("school").run()
    units = at.dataframe[-1].value
    assert not at.exception and len(units) > 5
    assert set(units[translate("indicators.col_type")]) == {translate("member_type.school")}


def _lead(url):
    with session_scope(url) as session:
        lead = session.exec(select(MemberUnit).where(MemberUnit.is_lead)).one()
        session.exec(delete(IndicatorValue).where(IndicatorValue.member_id == lead.id, IndicatorValue.year == NOW))
        session.exec(delete(Submission).where(Submission.member_id == lead.id, Submission.year == NOW))
        last = {code: value for code, value in session.exec(
            select(Indicator.code, IndicatorValue.value).join(Indicator)
            .where(IndicatorValue.member_id == lead.id, IndicatorValue.year == NOW - 1)).all()}
    return lead.id, last


def _fill(at, last, **override):
    for widget in at.number_input:
        widget.set_value(override.get(widget.label, last.get(widget.label, 1.0)))
    return at.run()


def test_liaison_fills_saves_and_submits_its_year(demo_db_url):
    lead_id, last = _lead(demo_db_url)
    at = app_as(demo_db_url, "member", "indicator_entry")
    assert not at.exception and len(at.number_input) == 16  # 13 school + 3 group-level indicators
    _fill(at, last)
    button(at, "indicator_entry.save_draft").click().run()
    assert [t.value for t in at.toast] == [translate("indicator_entry.saved")]
    button(at, "indicator_entry.submit").click().run()
    assert translate("indicator_entry.confirm_submit", year=NOW)[:10] in " ".join(w.value for w in at.warning)
    at.button(key="indicator_entry_submit_confirm").click().run()  # it asks once
    assert not at.exception
    with session_scope(demo_db_url) as session:
        submission = session.exec(select(Submission).where(Submission.member_id == lead_id,
                                                           Submission.year == NOW)).one()
    assert submission.status == "submitted" and submission.on_time is True  # the window is open
    assert all(widget.disabled for widget in at.number_input)  # locked while under review


def test_entry_shows_problems_as_you_type_and_holds_the_save(demo_db_url):
    _, last = _lead(demo_db_url)
    at = app_as(demo_db_url, "member", "indicator_entry")
    _fill(at, last, S01=-5, S04=last["S03"] + 10)
    errors = [e.value for e in at.error]
    assert translate("indicator.negative", code="S01") in errors
    assert translate("indicator.part_above_whole", part="S04", whole="S03", code="S04") in errors
    assert at.button(key="indicator_entry_save").disabled
    assert at.button(key="indicator_entry_submit").disabled


def test_secretariat_enters_data_for_a_unit(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicator_entry")
    units = at.selectbox(key="indicator_entry_unit").options
    assert not at.exception and len(units) > 40
    # the years with a reporting window (and the reporting year), not every year before them
    assert at.selectbox(key="indicator_entry_year").options == [str(y) for y in range(NOW, 2018, -1)]


def _submitted_queue(url):
    with session_scope(url) as session:
        return session.exec(select(Submission).where(Submission.status == "submitted")  # newest first
                            .order_by(Submission.submitted_at.desc(), Submission.id.desc())).all()


def test_review_send_back_needs_a_reason_then_tells_the_unit(demo_db_url):
    first = _submitted_queue(demo_db_url)[0]
    at = app_as(demo_db_url, "secretariat", "indicator_review")
    assert not at.exception and at.selectbox(key="indicator_review_pick").value == first.id
    button(at, "indicator_review.reject").click().run()
    assert [e.value for e in at.error] == [translate("indicator.reason_required")]
    at.text_area(key=f"indicator_review_reason_{first.id}").set_value("S04 与企业接收数不一致").run()
    button(at, "indicator_review.reject").click().run()
    assert [t.value for t in at.toast] == [translate("indicator_review.rejected")]
    with session_scope(demo_db_url) as session:
        assert session.get(Submission, first.id).status == "rejected"
        message = session.exec(select(Message).where(Message.category == "system").order_by(Message.id.desc())).first()
    assert message.audience["member_ids"] == [first.member_id]
    assert "S04 与企业接收数不一致" in message.body


def test_review_approves_and_reopens(demo_db_url):
    first = _submitted_queue(demo_db_url)[0]
    at = app_as(demo_db_url, "secretariat", "indicator_review")
    button(at, "indicator_review.approve").click().run()
    at.button(key="indicator_review_approve_confirm").click().run()  # it asks once
    assert [t.value for t in at.toast] == [translate("indicator_review.approved")]
    at.segmented_control(key="indicator_review_status").set_value("approved").run()
    at.selectbox(key="indicator_review_pick").set_value(first.id).run()
    at.text_area(key=f"indicator_review_reopen_{first.id}").set_value("补充 S11").run()
    button(at, "indicator_review.reopen").click().run()
    with session_scope(demo_db_url) as session:
        assert session.get(Submission, first.id).status == "rejected"


def test_mirror_check_flags_the_demo_gap(demo_db_url):
    at = app_as(demo_db_url, "admin", "indicator_review")
    at.segmented_control(key="indicator_review_status").set_value("mirror").run()
    assert not at.exception and any("2020" in w.value for w in at.warning)


def test_progress_reminds_units_that_have_not_submitted(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicator_completeness")
    assert not at.exception and len(at.metric) == 4
    with session_scope(demo_db_url) as session:
        reported = set(session.exec(select(Submission.member_id).where(
            Submission.year == NOW, Submission.status.in_(["submitted", "approved"]))).all())
    at.button(key="indicator_completeness_remind").click().run()
    assert not at.exception and at.toast
    with session_scope(demo_db_url) as session:
        message = session.exec(select(Message).where(Message.category == "system").order_by(Message.id.desc())).first()
    reminded = set(message.audience["member_ids"])
    assert reminded and not reminded & reported  # only units that have not submitted
    assert [t.value for t in at.toast] == [translate("indicator_completeness.reminded", count=len(reminded))]


def test_council_sees_progress_without_the_reminder(demo_db_url):
    at = app_as(demo_db_url, "council", "indicator_completeness")
    assert not at.exception and not [b for b in at.button if b.key == "indicator_completeness_remind"]


def test_catalogue_refuses_a_formula_cycle_and_saves_a_new_indicator(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicator_catalogue")
    assert not at.exception
    at.text_input(key="form_indicator_0_0_code").set_value("D09")
    at.text_input(key="form_indicator_0_0_name_zh").set_value("循环")
    at.text_input(key="form_indicator_0_0_name_en").set_value("Cycle")
    at.text_input(key="form_indicator_0_0_formula").set_value("D09 / S05")
    button(at, "common.save").click().run()
    assert [e.value for e in at.error] == [translate("indicator.formula_cycle", code="D09")]
    at.text_input(key="form_indicator_0_0_formula").set_value("S02 / S01 * 100")
    button(at, "common.save").click().run()
    assert [t.value for t in at.toast] == [translate("indicator_catalogue.saved")]
    with session_scope(demo_db_url) as session:
        assert session.exec(select(Indicator).where(Indicator.code == "D09")).one().formula == "S02 / S01 * 100"


def test_catalogue_targets_are_edited_in_the_grid(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicator_catalogue")
    at.segmented_control(key="indicator_catalogue_section").set_value("targets").run()
    at.session_state["indicator_catalogue_targets"] = {
        "edited_rows": {0: {"2022": 2500.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="indicator_catalogue_save_targets").click().run()
    assert not at.exception
    with session_scope(demo_db_url) as session:
        s01 = session.exec(select(Indicator).where(Indicator.code == "S01")).one()
        target = session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == s01.id,
                                                            IndicatorTarget.year == 2022)).one()
    assert target.target_value == 2500


def test_catalogue_sets_a_reporting_window(demo_db_url):
    from datetime import date

    from core.models import ReportingWindow

    at = app_as(demo_db_url, "admin", "indicator_catalogue")
    at.segmented_control(key="indicator_catalogue_section").set_value("windows").run()
    new = NOW + 1  # a year without a window yet
    at.number_input(key="indicator_catalogue_window_year").set_value(new).run()
    at.date_input(key=f"form_window_{new}_0_deadline").set_value(date(new + 1, 4, 15))
    button(at, "common.save").click().run()
    assert not at.exception and [t.value for t in at.toast] == [translate("indicator_catalogue.window_saved")]
    with session_scope(demo_db_url) as session:
        window = session.exec(select(ReportingWindow).where(ReportingWindow.year == new)).one()
    assert (window.opens_on, window.deadline) == (date(new + 1, 1, 1), date(new + 1, 4, 15))
    at.number_input(key="indicator_catalogue_window_year").set_value(2021).run()
    assert at.date_input(key="form_window_2021_0_deadline").value == date(2022, 3, 31)  # the saved one


def test_progress_shows_which_indicators_each_unit_filled(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicator_completeness")
    charts_before = len(at.get("vega_lite_chart"))
    at.toggle(key="indicator_completeness_fill").set_value(True).run()
    assert not at.exception and len(at.get("vega_lite_chart")) == charts_before + 1


def test_analysis_says_so_when_no_indicator_is_active(demo_db_url):
    from sqlmodel import update

    with session_scope(demo_db_url) as session:
        session.exec(update(Indicator).values(active=False))
    at = app_as(demo_db_url, "council", "indicators")
    assert not at.exception and [i.value for i in at.info] == [translate("indicators.no_active")]


def test_review_opens_an_approved_report_without_a_previous_year(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicator_review")
    at.segmented_control(key="indicator_review_status").set_value("approved").run()
    with session_scope(demo_db_url) as session:
        first = session.exec(select(Submission).where(Submission.status == "approved", Submission.year == 2019)
                             .order_by(Submission.submitted_at, Submission.id)).first()
    at.selectbox(key="indicator_review_pick").set_value(first.id).run()
    assert not at.exception


def test_the_send_back_reason_stays_in_view_after_a_draft_save(demo_db_url):
    lead_id, last = _lead(demo_db_url)
    staff = user_for(demo_db_url, "secretariat")
    member = user_for(demo_db_url, "member")
    from core.indicators import entry as indicator_entry, review as indicator_review
    with session_scope(demo_db_url) as session:
        form = indicator_entry.entry_form(session, member, member_id=lead_id, year=NOW)
        values = {int(r.indicator_id): (last.get(r.code, 1.0), "") for r in form.rows.itertuples()}
        indicator_entry.save(session, member, member_id=lead_id, year=NOW, expected_version=0, values=values,
                             submit=True)
        submission = session.exec(select(Submission).where(Submission.member_id == lead_id,
                                                           Submission.year == NOW)).one()
        indicator_review.reject(session, staff, submission_id=submission.id,
                                expected_version=submission.version, reason="请核对 S09")
    at = app_as(demo_db_url, "member", "indicator_entry")
    button(at, "indicator_entry.save_draft").click().run()
    assert [t.value for t in at.toast] == [translate("indicator_entry.saved")]
    assert translate("indicator_entry.rejected", reason="请核对 S09") in [w.value for w in at.warning]


def test_indicators_against_target_come_worst_first(demo_db_url):
    at = app_as(demo_db_url, "council", "indicators")
    progress = at.dataframe[0].value[translate("indicators.col_progress")].dropna().tolist()
    assert progress and progress == sorted(progress)


def test_the_review_queue_comes_newest_first(demo_db_url):
    newest = _submitted_queue(demo_db_url)[0]
    at = app_as(demo_db_url, "secretariat", "indicator_review")
    assert at.selectbox(key="indicator_review_pick").value == newest.id


def test_the_scorecard_table_shows_each_figure_with_its_indicators_decimals(demo_db_url):
    """A headcount reads 1,890 (not 1890.0), a rate keeps its one decimal (core.numbers)."""
    import pyarrow as pa

    from core import numbers

    at = app_as(demo_db_url, "council", "indicators")
    table = at.dataframe[0]
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()
    value = translate("indicators.col_value")
    with session_scope(demo_db_url) as session:
        places = {i.code: i.decimals for i in session.exec(select(Indicator)).all()}
    codes = shown[translate("indicators.col_indicator")].str.split(" ").str[0]
    expected = [numbers.text(v, places[c]) for v, c in zip(table.value[value], codes)]
    assert shown[value].tolist() == expected
    assert {0, 1} <= set(places[c] for c in codes) and any("," in text for text in expected)

"""The assessment pages under AppTest for every role that may open them, with their main actions
driven through the widgets: edit a scheme, adjust a score, publish, a liaison's own view."""
from __future__ import annotations

from sqlmodel import select

from core import nav
from core.assessment.models import AssessmentAdjustment, AssessmentScheme
from core.i18n import Text, translate
from core.settings import reporting_year
from tests.pages_support import app_as, button, session_scope, user_for

PAGES = [p for p in nav.PAGES if p.section == "nav.section.assessment"]



def _draft(url):
    with session_scope(url) as session:
        return session.exec(select(AssessmentScheme).where(
            AssessmentScheme.year == reporting_year(session))).one()


def test_the_office_adjusts_a_draft_score_with_a_reason(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "assessment_ranking")
    draft = _draft(demo_db_url)
    at.selectbox(key="assessment_ranking_scheme").set_value(draft.id).run()
    member_id = at.selectbox(key="assessment_ranking_unit").value
    at.number_input(key="assessment_adjust_points").set_value(-3.0)
    at.text_input(key="assessment_adjust_reason").set_value("数据核查发现重复填报")
    button(at, "assessment.adjust_save").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.exec(select(AssessmentAdjustment).where(AssessmentAdjustment.scheme_id == draft.id,
                                                              AssessmentAdjustment.member_id == member_id)).one()
        assert (row.points, row.reason) == (-3.0, "数据核查发现重复填报")


def test_publishing_from_the_ranking_asks_first_then_freezes(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "assessment_ranking")
    draft = _draft(demo_db_url)
    at.selectbox(key="assessment_ranking_scheme").set_value(draft.id).run()
    at.button(key="assessment_publish").click().run()
    at.button(key="assessment_publish_confirm").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert session.get(AssessmentScheme, draft.id).status == "published"


def test_weights_that_do_not_add_up_are_said_and_nothing_is_saved(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "assessment_schemes")
    draft = _draft(demo_db_url)
    at.selectbox(key="assessment_schemes_pick").set_value(draft.id).run()
    at.session_state[f"assessment_criteria_{draft.id}"] = {"edited_rows": {"0": {"weight": 50}},
                                                           "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="assessment_save").click().run()
    assert translate("assessment.weights_not_100", type=Text("member_type.school"), total="120") in " ".join(
        e.value for e in at.error)
    with session_scope(demo_db_url) as session:
        assert session.get(AssessmentScheme, draft.id).criteria[0]["weight"] == 30


def test_the_office_moves_weight_between_criteria_and_saves(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "assessment_schemes")
    draft = _draft(demo_db_url)
    at.selectbox(key="assessment_schemes_pick").set_value(draft.id).run()
    at.session_state[f"assessment_criteria_{draft.id}"] = {
        "edited_rows": {"0": {"weight": 25}, "1": {"weight": 15, "params": "per=25"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="assessment_save").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        criteria = session.get(AssessmentScheme, draft.id).criteria
        assert [(c["weight"], c["params"]) for c in criteria[:2]] == [
            (25, {"on_time": 100, "late": 60, "missing": 0}), (15, {"per": 25})]


def test_the_liaison_sees_its_own_band_and_how_to_improve(demo_db_url):
    at = app_as(demo_db_url, "member", "assessment_mine")
    assert not at.exception and not at.error
    liaison = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        from core.models import MemberUnit
        others = [u.name for u in session.exec(select(MemberUnit).where(MemberUnit.id != liaison.member_id)).all()]
    shown = " ".join(m.value for m in at.markdown) + " ".join(str(d.value) for d in at.dataframe)
    assert not [name for name in others if name in shown]
    assert at.metric[3].label == translate("assessment.band")
    assert at.subheader[0].value == translate("assessment.improve_title")


def test_the_council_votes_on_the_liaisons_nomination_through_the_page(demo_db_url):
    from core.assessment.models import AwardCategory, AwardNomination, AwardVote

    at = app_as(demo_db_url, "council", "awards")
    with session_scope(demo_db_url) as session:
        people = session.exec(select(AwardCategory).where(AwardCategory.name == "优秀联络员")).one()
        waiting = session.exec(select(AwardNomination).where(AwardNomination.category_id == people.id)).one()
    at.selectbox(key="awards_category").set_value(people.id).run()
    at.text_input(key="awards_vote_comment").set_value("联络工作扎实")
    at.button(key="awards_approve").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        vote = session.exec(select(AwardVote).where(AwardVote.nomination_id == waiting.id)).one()
        assert (vote.approve, vote.comment) == (True, "联络工作扎实")


def test_the_liaison_nominates_its_own_person_and_sees_no_other_units_nominations(demo_db_url):
    from core.assessment.models import AwardCategory, AwardNomination

    at = app_as(demo_db_url, "member", "awards")
    with session_scope(demo_db_url) as session:
        best = session.exec(select(AwardCategory).where(AwardCategory.name == "优秀成员单位")).one()
        people = session.exec(select(AwardCategory).where(AwardCategory.name == "优秀联络员")).one()
    at.selectbox(key="awards_category").set_value(people.id).run()
    at.text_input(key="awards_nominate_person").set_value("王五")
    at.text_area(key="awards_nominate_statement").set_value("负责本单位数据报送，全年无差错")
    button(at, "awards.nominate").click().run()
    assert not at.exception and not at.error
    liaison = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        row = session.exec(select(AwardNomination).where(AwardNomination.person_name == "王五")).one()
        assert row.member_id == liaison.member_id
    at.selectbox(key="awards_category").set_value(best.id).run()
    assert list(at.dataframe[0].value.iloc[:, -1]).count("") == 0  # only the published awards are shown


def test_a_units_partners_are_listed_when_it_is_picked(demo_db_url):
    at = app_as(demo_db_url, "council", "network")
    assert not at.exception and not at.error
    picked = at.selectbox(key="network_unit")
    other = picked.options[-1]
    picked.set_value(at.selectbox(key="network_unit").options[-1]).run()
    assert not at.exception and not at.error
    assert other in at.subheader[0].value


def test_the_office_messages_the_quiet_units_from_the_engagement_page(demo_db_url):
    from core.models import Message

    at = app_as(demo_db_url, "secretariat", "engagement")
    assert not at.exception and not at.error
    at.text_input(key="engagement_subject").set_value("邀请贵单位参与集团工作（测试）")
    button(at, "engagement.send").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        sent = session.exec(select(Message).where(Message.title == "邀请贵单位参与集团工作（测试）")).one()
        assert len(sent.audience["member_ids"]) > 0


def test_the_ranking_exports_the_rows_it_shows_and_they_match_the_scores(demo_db_url):
    import io

    import openpyxl

    from core.assessment import scores
    from core.excel import table_export

    at = app_as(demo_db_url, "council", "assessment_ranking")
    assert translate("common.export_excel") in [b.label for b in at.get("download_button")]
    shown = at.dataframe[0].value
    book = openpyxl.load_workbook(io.BytesIO(table_export.shown(shown, "排名")))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    unit, total = header.index(translate("assessment.col_unit")), header.index(translate("assessment.col_total"))
    council = user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        scheme_id = at.selectbox(key="assessment_ranking_scheme").value
        stored = scores.results(session, council, scheme_id).set_index("unit")["total"]
    assert len(rows) - 1 == len(shown) and all(abs(r[total] - stored[r[unit]]) < 0.005 for r in rows[1:])

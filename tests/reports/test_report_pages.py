"""The reports pages under AppTest, for every role that may open them, main actions through widgets."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core import nav
from core.i18n import translate
from core.reports import summary
from core.reports.models import GroupProfile
from tests.pages_support import ACCOUNTS, app_as, button, page_path, session_scope, titles, user_for
from tests.visible_text import blank_words


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_role_opens_its_report_pages_with_nothing_blank(demo_db_url, role):
    at = app_as(demo_db_url, role)
    for page in [p for p in nav.pages_for(role) if p.key.startswith("report_")]:
        at.switch_page(page_path(page.key)).run()
        assert not at.exception and not at.error, (role, page.key)
        assert not blank_words(at), (role, page.key, blank_words(at)[:5])
        if page.key == "report_platform":
            for section in ("edit", "history"):
                at.segmented_control(key="report_platform_section").set_value(section).run()
                assert not at.exception and not at.error and not blank_words(at), (section, blank_words(at)[:5])


@pytest.mark.parametrize("role", ["council", "secretariat"])  # admin: the walk above
def test_summary_shows_the_year_with_its_completeness(demo_db_url, role):
    at = app_as(demo_db_url, role, "report_summary")
    assert not at.exception and not at.error
    assert titles(at) == [translate("page.report_summary")]
    with session_scope(demo_db_url) as session:
        user = user_for(demo_db_url, role)
        year = summary.default_year(session, user)
        data = summary.year_summary(session, user, year=2021)
    assert at.selectbox(key="report_summary_year").value == year  # the last complete year
    at.selectbox(key="report_summary_year").set_value(2021).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate("report_summary.members_total")] == str(data.counts["members"])
    progress_text = " ".join(str(p.proto.text) for p in at.get("progress"))
    assert f"{data.approved}/{data.expected}" in progress_text.replace(" ", "") or f"{data.approved} of" in progress_text


def test_member_sees_its_own_part(demo_db_url):
    at = app_as(demo_db_url, "member", "report_summary")
    assert not at.exception and not at.error
    assert titles(at) == [translate("page.report_summary")]
    assert at.dataframe, "its values beside the group totals"
    assert not at.metric  # nothing of the group's own summary


def test_secretariat_saves_the_year_profile_through_the_form(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "report_profile")
    assert not at.exception and not at.error
    at.selectbox(key="report_profile_year").set_value(2021).run()
    name = [w for w in at.text_input if w.label == translate("report_profile.f_wechat")][0]
    name.set_value("jxzjjt")
    button(at, "report_profile.save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope(demo_db_url) as session:
        row = session.exec(select(GroupProfile).where(GroupProfile.year == 2021)).one()
        assert row.values["wechat"] == "jxzjjt"


def test_a_bad_email_is_named_with_its_field_and_nothing_saved(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "report_profile")
    field = [w for w in at.text_input if w.label == translate("report_profile.f_contact_email")][0]
    field.set_value("not-an-email")
    button(at, "report_profile.save").click().run()
    assert any(translate("report_profile.f_contact_email") in e.value for e in at.error)
    with session_scope(demo_db_url) as session:
        assert all(row.values["contact_email"] != "not-an-email" for row in session.exec(select(GroupProfile)).all())


@pytest.mark.parametrize("role", ["secretariat"])  # admin opens the same page in the walk above
def test_platform_preview_then_submit_keeps_the_workbook(demo_db_url, role):
    from core.reports.models import ReportSubmission

    at = app_as(demo_db_url, role, "report_platform")
    assert not at.exception and not at.error
    at.selectbox(key="report_platform_profile").set_value("provincial").run()
    assert at.dataframe and at.get("download_button")
    at.button(key="report_platform_submit").click().run()
    at.button(key="report_platform_submit_confirm").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        kept = session.exec(select(ReportSubmission).where(ReportSubmission.profile_code == "provincial")).one()
        assert kept.profile_code == "provincial" and kept.content[:2] == b"PK"
    at.segmented_control(key="report_platform_section").set_value("history").run()
    assert at.dataframe and not at.exception


def test_profile_edited_in_the_grid_is_validated_then_saved(demo_db_url):
    from core.reports.models import ExportProfile

    at = app_as(demo_db_url, "secretariat", "report_platform")
    at.segmented_control(key="report_platform_section").set_value("edit").run()
    at.session_state["report_platform_grid_national"] = {
        "edited_rows": {0: {"source": "profile.nickname"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="report_platform_save").click().run()
    assert any("profile.nickname" in e.value for e in at.error)
    at.session_state["report_platform_grid_national"] = {
        "edited_rows": {0: {"label": "集团名称（全称）"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="report_platform_save").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        stored = session.exec(select(ExportProfile).where(ExportProfile.code == "national")).one()
        assert stored.spec["columns"][0]["label"] == "集团名称（全称）"


def test_secretariat_writes_a_chapter_council_reads_it(demo_db_url):
    from core.reports.models import ReportText

    at = app_as(demo_db_url, "secretariat", "report_annual")
    assert not at.exception and not at.error and at.get("download_button")
    at.selectbox(key="report_annual_year").set_value(2021).run()
    at.selectbox(key="report_annual_chapter").set_value("cases").run()
    at.text_area[0].set_value("典型案例：数控技术订单班")
    button(at, "report_annual.save").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert session.exec(select(ReportText).where(ReportText.year == 2021)).one().text == "典型案例：数控技术订单班"
    council = app_as(demo_db_url, "council", "report_annual")
    council.selectbox(key="report_annual_year").set_value(2021).run()
    council.selectbox(key="report_annual_chapter").set_value("cases").run()
    assert council.text_area[0].value == "典型案例：数控技术订单班" and council.text_area[0].disabled

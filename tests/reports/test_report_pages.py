"""The reports pages under AppTest, for every role that may open them, main actions through widgets."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.i18n import translate
from core.reports.models import GroupProfile
from tests.pages_support import app_as, button, session_scope, titles


@pytest.mark.parametrize("role", ["council", "secretariat", "admin"])
def test_summary_shows_the_year_with_its_completeness(demo_db_url, role):
    at = app_as(demo_db_url, role, "report_summary")
    assert not at.exception and not at.error
    assert titles(at) == [translate("page.report_summary")]
    assert at.selectbox(key="report_summary_year").value == 2021  # the last complete year
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate("report_summary.members_total")] == "61"
    progress_text = " ".join(str(p.proto.text) for p in at.get("progress"))
    assert "38/54" in progress_text.replace(" ", "") or "38 of 54" in progress_text


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
        assert session.exec(select(GroupProfile)).all() == []

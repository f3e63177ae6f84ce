"""Names kept in two languages (plan items, council terms): the reader's language, or the
other one marked; entered where people name things; the brand in English; and no "None", "nan"
or "NaT" on any page in English either."""
from __future__ import annotations

import streamlit
from sqlmodel import select

from core import nav
from core.display import EMPTY, bilingual, text
from core.i18n import translate
from core.models import CouncilTerm, PlanArea, User
from core.plan import tracking
from core.timeutil import china_today
from tests.pages_support import ACCOUNTS, app_as, button, page_path, session_scope
from tests.visible_text import blank_words


def _in_english(url: str, role: str) -> None:
    with session_scope(url) as session:
        user = session.exec(select(User).where(User.username == ACCOUNTS[role])).one()
        user.language = "en"
        session.add(user)


def test_a_name_reads_in_the_readers_language_or_the_other_marked():
    assert bilingual("第二届理事会", "2nd Council", "en") == "2nd Council"
    assert bilingual("第二届理事会", "", "en") == "第二届理事会 (zh)"
    assert bilingual("", "2nd Council", "zh") == "2nd Council (en)"
    assert bilingual(None, " ", "en") == EMPTY
    assert [text(v) for v in (None, float("nan"), "", "x", 0)] == [EMPTY, EMPTY, EMPTY, "x", "0"]


def test_plan_items_named_in_english_show_in_english_and_the_rest_marked(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "plan_manage")
    at.text_input(key="plan_manage_area_title").set_value("深化产教融合")
    at.text_input(key="plan_manage_area_title_en").set_value("Deeper industry-education ties")
    button(at, "plan_manage.add").click().run()
    assert not at.exception and [t.value for t in at.toast] == [translate("plan_manage.saved")]
    with session_scope(demo_db_url) as session:
        plan = tracking.current_plan(session)
        added = session.exec(select(PlanArea).where(PlanArea.title == "深化产教融合")).one()
        assert added.title_en == "Deeper industry-education ties"
        unnamed = session.exec(select(PlanArea).where(PlanArea.plan_id == plan.id, PlanArea.title_en == "")).first()
        areas, _ = tracking.tree_options(session, plan.id, "en")
    labels = dict(areas)
    assert labels[added.id].endswith("Deeper industry-education ties")
    if unnamed is not None:  # an area not named in English reads in Chinese, marked
        assert labels[unnamed.id].endswith(f"{unnamed.title} (zh)")


def test_milestones_read_in_english_with_the_chinese_kept_for_editing(demo_db_url):
    with session_scope(demo_db_url) as session:
        plan = tracking.current_plan(session)
        frame = tracking.milestones(session, plan.id, as_of=china_today(), lang="en")
    row = frame.iloc[0]
    assert row["title"] in (row["title_en"], f"{row['title_zh']} (zh)")
    assert not row["title_zh"].endswith("(zh)")


def test_a_council_term_named_in_english_reads_so_on_the_portal(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "council")
    at.text_input(key="council_term_name").set_value("第三届理事会")
    at.text_input(key="council_term_name_en").set_value("3rd Council")
    button(at, "council.start_term").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        term = session.exec(select(CouncilTerm).where(CouncilTerm.ended_on.is_(None))).one()
        assert (term.name, term.name_en) == ("第三届理事会", "3rd Council")
    _in_english(demo_db_url, "council")
    portal = app_as(demo_db_url, "council", "portal")
    assert any("3rd Council" in c.value and "第三届" not in c.value for c in portal.caption)


def test_an_unnamed_term_reads_in_chinese_marked_in_english(demo_db_url):
    with session_scope(demo_db_url) as session:
        term = session.exec(select(CouncilTerm).where(CouncilTerm.ended_on.is_(None))).one()
        term.name_en = ""
        session.add(term)
        name = term.name
    _in_english(demo_db_url, "council")
    portal = app_as(demo_db_url, "council", "portal")
    assert any(f"{name} (zh)" in c.value for c in portal.caption)


def test_the_brand_reads_in_english_in_english(demo_db_url, monkeypatch):
    shown = []
    monkeypatch.setattr(streamlit, "logo", lambda image, **kwargs: shown.append(image))
    app_as(demo_db_url, "member")
    _in_english(demo_db_url, "member")
    app_as(demo_db_url, "member")
    assert shown[0].endswith("logo.svg") and shown[-1].endswith("logo_en.svg")
    with open(shown[-1], encoding="utf-8") as handle:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in handle.read())


def test_every_page_in_english_shows_no_none_nan_or_nat(demo_db_url):
    _in_english(demo_db_url, "admin")
    at = app_as(demo_db_url, "admin")
    for page in nav.pages_for("admin"):
        # Without the last page's widget states: AppTest formats their choices outside the app's
        # run, where the user's language is not known, and would carry Chinese labels across.
        at.switch_page(page_path(page.key))._run()
        assert not at.exception, page.key
        assert page.key == "portal" or at.title[0].value == translate(f"page.{page.key}", "en"), page.key
        assert not blank_words(at), (page.key, blank_words(at)[:5])


def test_a_target_year_without_targets_reads_as_a_dash(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicator_catalogue")
    at.button_group(key="indicator_catalogue_section").set_value("targets").run()
    grid = at.dataframe[0]  # the editable grid of targets by year, a year ahead still empty
    assert grid.value.iloc[:, 2:].isna().any().any() and grid.proto.placeholder == EMPTY
    assert not blank_words(at)


def test_existing_plan_items_and_terms_get_english_names_and_a_stale_rename_is_refused(demo_db_url):
    import pytest

    from core.db import StaleEditError
    from core.plan import names
    from tests.pages_support import user_for

    with session_scope(demo_db_url) as session:
        plan = tracking.current_plan(session)
        area = session.exec(select(PlanArea).where(PlanArea.plan_id == plan.id).order_by(PlanArea.seq)).first()
        area_id, shown = area.id, (area.title, area.title_en)
    at = app_as(demo_db_url, "secretariat", "plan_manage")
    at.selectbox(key="plan_manage_rename_pick").set_value(f"plan_area:{area_id}").run()
    at.text_input(key=f"plan_manage_rename_en_plan_area_{area_id}").set_value("Governance to the national standard")
    [b for b in at.button if b.label == translate("common.save")][0].click().run()
    assert not at.exception and not at.error
    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        assert session.get(PlanArea, area_id).title_en == "Governance to the national standard"
        with pytest.raises(StaleEditError):  # the form showed the names before this rename
            names.rename(session, staff, kind="plan_area", item_id=area_id,
                         title=shown[0], title_en="Other", expected=shown)
    council_page = app_as(demo_db_url, "secretariat", "council")
    with session_scope(demo_db_url) as session:
        term = session.exec(select(CouncilTerm).where(CouncilTerm.ended_on.is_(None))).one()
    council_page.session_state["council_term"] = term.id
    council_page.run()
    council_page.text_input(key=[t.key for t in council_page.text_input
                                 if t.key and t.key.endswith("_name_en") and "form_term" in t.key][0]).set_value("The 3rd Council")
    [b for b in council_page.button if b.proto.form_id == f"council_rename_term_{term.id}"][0].click().run()
    assert [t.value for t in council_page.toast] == [translate("council.saved")]
    with session_scope(demo_db_url) as session:
        assert session.get(CouncilTerm, term.id).name_en == "The 3rd Council"

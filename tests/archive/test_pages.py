"""The archive page under AppTest (tests/test_pages.py opens it for every role): a liaison finds the
rules and its meetings' minutes but not the secretariat's contract nor a platform workbook; the
council reads minutes; the secretariat files a document through the form, sees what is past its
retention and finds the submitted workbooks."""
from __future__ import annotations

from sqlmodel import select

from core.archive.models import ArchiveDocument
from core.i18n import translate
from tests.pages_support import app_as, button, session_scope


def test_a_liaison_finds_the_rules_but_never_a_secretariat_only_document(demo_db_url):
    at = app_as(demo_db_url, "member", "archive")
    at.text_input(key="archive_text").set_value("办法").run()
    assert len(at.dataframe[0].value) == 3
    at.text_input(key="archive_text").set_value("协议").run()
    assert not at.dataframe and not at.exception


def test_the_secretariat_needs_a_file_to_file_a_document(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "archive")
    at.text_input(key="archive_new_title").set_value("2026年度工作总结")
    button(at, "archive.file_it").click().run()
    assert [e.value for e in at.error] == [translate("archive.file_required")]
    with session_scope(demo_db_url) as session:
        assert session.exec(select(ArchiveDocument).where(ArchiveDocument.title == "2026年度工作总结")).first() is None
    at.text_input(key="archive_text").set_value("协议").run()
    assert len(at.dataframe[0].value) == 2  # this year's agreement and an old one past its retention


def _column(at, key: str) -> list:
    return at.dataframe[0].value[translate(f"archive.col_{key}")].tolist()


def test_a_liaison_reads_its_meetings_minutes_but_no_platform_workbook(demo_db_url):
    at = app_as(demo_db_url, "member", "archive")
    assert not [t for t in at.toggle if t.key == "archive_past"]  # the retention review is the office's
    at.selectbox(key="archive_category").set_value("minutes").run()
    assert set(_column(at, "category")) == {translate("archive_category.minutes")}
    assert all(name.endswith(".docx") for name in _column(at, "filename"))
    assert at.get("download_button")  # the chosen minutes download as Word
    at.selectbox(key="archive_category").set_value("submission").run()
    assert not at.dataframe and not at.exception


def test_the_council_reads_minutes_and_the_office_reviews_retention_and_workbooks(demo_db_url):
    council = app_as(demo_db_url, "council", "archive")
    council.selectbox(key="archive_category").set_value("minutes").run()
    assert council.dataframe and not council.exception
    at = app_as(demo_db_url, "secretariat", "archive")
    assert [w.value for w in at.warning] == [translate("archive.past_count", count=1)]
    at.toggle(key="archive_past").set_value(True).run()
    assert _column(at, "title") == ["订单班合作协议（2013级）"]
    assert _column(at, "retention") == [translate("archive.years_n", n=10)]
    assert translate("archive.past_retention") in _column(at, "review_due")[0]
    at.toggle(key="archive_past").set_value(False).run()
    at.selectbox(key="archive_category").set_value("submission").run()
    assert _column(at, "filename") and all(name.endswith(".xlsx") for name in _column(at, "filename"))
    at.selectbox(key="archive_category").set_value("briefing_issue").run()
    assert _column(at, "title") == ["集团活动简报 2019年第3期"] and _column(at, "year") == [2019]

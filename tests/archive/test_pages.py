"""The archive page under AppTest (tests/test_pages.py opens it for every role): a liaison finds the
rules but not the secretariat's contract; the secretariat files a document through the form."""
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
    assert len(at.dataframe[0].value) == 1

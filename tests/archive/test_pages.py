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


def test_the_demo_archives_files_open_in_independent_readers(demo_db_url, tmp_path):
    """Every demo PDF reads back its title (pdftotext), the photo is a real image, Word files open."""
    import io
    import subprocess

    from docx import Document
    from PIL import Image

    from core.models import Attachment

    with session_scope(demo_db_url) as session:
        files = session.exec(select(Attachment.filename, Attachment.content)
                             .where(Attachment.owner_kind.in_(("archive_document", "message")))).all()
    kinds = {name.rsplit(".", 1)[-1] for name, _ in files}
    assert {"pdf", "png", "docx"} <= kinds
    for name, content in files:
        stem, kind = name.rsplit(".", 1)
        if kind == "pdf":
            path = tmp_path / "file.pdf"
            path.write_bytes(content)
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            assert stem.split("（")[0][:4] in text, (name, text)
        elif kind == "png":
            assert Image.open(io.BytesIO(content)).size[0] >= 320
        elif kind == "docx":
            assert stem in "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_two_files_of_one_name_are_told_apart_in_the_picker(demo_db_url):
    from core import auth
    from core.archive import archive
    from core.demo import DEMO_PASSWORD

    with session_scope(demo_db_url) as session:
        office = auth.authenticate(session, "demo-secretariat", DEMO_PASSWORD).user
        for title in ("甲协议", "乙协议"):
            archive.file_document(session, office, title=title, category="contract", year=2026, access="secretariat",
                                  files=[("同名协议.pdf", b"%PDF-1.4 " + title.encode())])
    at = app_as(demo_db_url, "secretariat", "archive")
    at.text_input(key="archive_text").set_value("同名协议").run()
    picker = at.selectbox(key="archive_pick")
    assert len(picker.options) == 2 and len(set(picker.options)) == 2
    assert translate("archive.col_retention") not in app_as(demo_db_url, "member", "archive").dataframe[0].value.columns

"""Briefings: proposed from the period, edited, published as a notice, and as Word and PDF files
reopened by independent readers (python-docx, pdftotext, pdffonts)."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from sqlmodel import select

from core.errors import ValidationFailed
from core.meetings import briefing_files, briefings
from core.meetings.models import Briefing
from core.models import Message, MessageCategory
from tests.pages_support import app_as, session_scope, user_for


def _issue(session, office) -> Briefing:
    return session.exec(select(Briefing).where(Briefing.title == "集团活动简报 2019年第3期")).one()


def test_an_issue_is_proposed_from_its_periods_meetings_and_news(demo_db_url):
    office = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        items = briefings.propose(session, office, start=date(2019, 9, 1), end=date(2019, 9, 30))
        assert items[0]["kind"] == "meeting" and "集团标识" in items[0]["title"]
        assert "孟昕" in items[0]["body"]
        with pytest.raises(ValidationFailed):
            briefings.propose(session, office, start=date(2019, 9, 30), end=date(2019, 9, 1))


def test_edits_are_cleaned_and_an_empty_issue_is_refused(demo_db_url):
    office = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        issue = _issue(session, office)
        with pytest.raises(ValidationFailed):
            briefings.update_briefing(session, office, issue.id, issue.version, title=issue.title,
                                      items=[{"title": "  ", "body": "x"}])
        briefings.update_briefing(session, office, issue.id, issue.version, title=issue.title,
                                  items=[{"kind": "bogus", "title": " 标识发布 ", "body": "正文"}])
        assert issue.items == [{"kind": "text", "title": "标识发布", "body": "正文"}]


def test_the_published_issue_is_a_bulletin_to_everyone(demo_db_url):
    with session_scope(demo_db_url) as session:
        issue = _issue(session, None)
        notice = session.get(Message, issue.message_id)
        assert notice.category == MessageCategory.BULLETIN and notice.audience == {"everyone": True}
        assert all(item["title"] in notice.body for item in issue.items)


def test_word_and_pdf_reopen_with_the_issues_text_and_chinese_fonts(demo_db_url, tmp_path):
    office = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        issue = _issue(session, office)
        briefings.add_photo(session, office, issue.id, filename="会场.png", content=briefing_files.logo_png(300))
        titles = [item["title"] for item in issue.items]
        docx = briefing_files.to_docx(session, office, issue.id)
        pdf = briefing_files.to_pdf(session, office, issue.id)
    document = Document(io.BytesIO(docx))
    text = [p.text for p in document.paragraphs]
    assert issue.title in text and all(any(t in line for line in text) for t in titles)
    assert len(document.inline_shapes) == 2  # the logo and the photo
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    printed = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert issue.title in printed and titles[0] in printed.replace("\n", "")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded


def test_the_office_drafts_edits_and_publishes_an_issue_on_the_page(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "briefings")
    at.text_input(key="briefing_new_title").set_value("集团活动简报 测试期")
    at.date_input(key="briefing_new_start").set_value(date(2019, 6, 1))
    at.date_input(key="briefing_new_end").set_value(date(2019, 6, 30))
    next(b for b in at.button if b.label == "生成简报草稿").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        issue = session.exec(select(Briefing).where(Briefing.title == "集团活动简报 测试期")).one()
        assert issue.items and issue.items[0]["kind"] == "meeting"
    at.selectbox(key="briefings_pick").set_value(issue.id).run()
    at.session_state[f"briefing_items_{issue.id}_{issue.version}"] = {
        "edited_rows": {}, "deleted_rows": [], "added_rows": [{"order": 0, "kind": "text", "title": "编者按", "body": "本期导读"}]}
    at.run()
    next(b for b in at.button if b.label == "保存内容").click().run()
    assert not at.exception and not at.error
    next(b for b in at.button if b.label == "发布为通知").click().run()
    next(b for b in at.button if b.key == f"briefing_publish_{issue.id}_confirm").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        issue = session.get(Briefing, issue.id)
        assert issue.items[0]["title"] == "编者按"
        assert "编者按" in session.get(Message, issue.message_id).body

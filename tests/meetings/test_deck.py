"""The meeting mode's slides agree with the database, and its HTML escapes what people typed."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from core.errors import PermissionDenied, UserFacingError
from core.meetings import actions, deck, deck_html, meetings
from core.meetings.models import Meeting
from core.models import MemberStatus, MemberUnit
from tests.pages_support import session_scope, user_for


def test_the_slides_show_the_databases_figures(demo_db_url):
    council = user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        built = deck.build(session, council)
        slides = {s.code: s.data for s in built.slides}
        assert [s.code for s in built.slides] == list(deck.SLIDES)
        active = session.exec(select(func.count()).select_from(MemberUnit)
                              .where(MemberUnit.status == MemberStatus.ACTIVE)).one()
        assert slides["glance"]["members"] == active == sum(slides["glance"]["by_type"].values())
        last, open_rows = actions.latest_council_actions(session, council)
        assert slides["actions"]["meeting"] == last.title
        assert [a["title"] for a in slides["actions"]["actions"]] == list(open_rows["title"])
        assert any(a["overdue"] for a in slides["actions"]["actions"])  # the demo's overdue follow-up
        assert len(slides["indicators"]["kpis"]) == 6
        html = deck_html.render(built, "zh")
        assert html.count('<section class="slide"') == 6 and "1 / " not in html  # the counter is drawn by the script


def test_a_meeting_keeps_its_slides_and_their_order(demo_db_url):
    office, council = user_for(demo_db_url, "secretariat"), user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        meeting_id = session.exec(select(Meeting.id).order_by(Meeting.id)).first()
        meetings.set_slides(session, office, meeting_id, ["actions", "plan", "nonsense", "plan"])
    with session_scope(demo_db_url) as session:
        assert [s.code for s in deck.build(session, council, meeting_id=meeting_id).slides] == ["actions", "plan"]


def test_typed_text_is_escaped_and_liaisons_get_no_deck(demo_db_url):
    office, liaison = user_for(demo_db_url, "secretariat"), user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        last, rows = actions.latest_council_actions(session, office)
        actions.add_action(session, office, last.id, title="<script>alert(1)</script>",
                           owner_staff_id=int(rows["owner_staff_id"].dropna().iloc[0]))
        html = deck_html.render(deck.build(session, office, slides=["actions"]), "en")
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
        with pytest.raises(PermissionDenied):
            deck.build(session, liaison)


def test_the_pack_reopens_as_six_slides_with_pictures_and_a_one_page_pdf(demo_db_url, tmp_path):
    import io
    import shutil
    import subprocess

    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from core import db
    from core.meetings import commands

    engine = db.make_engine(demo_db_url)
    pptx_file, pdf_file = tmp_path / "pack.pptx", tmp_path / "pack.pdf"
    assert commands.write_pack(engine, file=str(pptx_file))["slides"] == 6
    commands.write_pack(engine, file=str(pdf_file))
    show = Presentation(io.BytesIO(pptx_file.read_bytes()))
    titles = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text)
              for slide in show.slides]
    assert titles[0] == "集团概况" and titles[-1] == "上次理事会督办事项"
    pictures = [sum(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes) for slide in show.slides]
    assert all(n >= 1 for n in pictures) and sum(n >= 2 for n in pictures) >= 5  # logo, and the chart
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    info = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    text = subprocess.run(["pdftotext", str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    assert "集团概况" in text and "上次理事会督办事项" in text
    with pytest.raises(UserFacingError) as error:
        commands.write_pack(engine, file=str(tmp_path / "pack.docx"))
    assert error.value.key == "meetings.pack_suffix"


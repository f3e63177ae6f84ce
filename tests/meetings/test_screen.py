"""A meeting room screen's signed link: valid through the meeting day only, for that meeting only,
and its page shows the public slides without a login and nothing for a bad link."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.auth import acting_as
from core.errors import PermissionDenied
from core.i18n import translate
from core.meetings import meetings, screen
from core.meetings.models import Meeting
from core.timeutil import CHINA_TZ, china_today
from tests.conftest import make_user
from tests.pages_support import ROOT, app_as, session_scope, user_for

KEY = "k" * 48


def _meeting(session, days: int = 3):
    office = acting_as(make_user(session, role="secretariat"))
    day = china_today() + timedelta(days=days)
    starts = datetime.combine(day, datetime.min.time(), CHINA_TZ).replace(hour=22)  # 14:00 UTC: same day in China
    meeting = meetings.create_meeting(session, office, kind="council", title="理事会", starts_at=starts,
                                      place="第一会议室", host="理事长")
    return office, meeting, day


def test_a_token_is_valid_through_the_meeting_day_and_names_its_meeting(session):
    office, meeting, day = _meeting(session)
    token = screen.make_token(session, office, meeting_id=meeting.id, key=KEY)
    assert screen.check_token(token, key=KEY, today=day) == (meeting.id, day)
    assert screen.check_token(token, key=KEY, today=day - timedelta(days=3)) == (meeting.id, day)


def test_the_day_after_the_meeting_the_token_has_expired(session):
    office, meeting, day = _meeting(session)
    token = screen.make_token(session, office, meeting_id=meeting.id, key=KEY)
    with pytest.raises(screen.ScreenLinkError) as error:
        screen.check_token(token, key=KEY, today=day + timedelta(days=1))
    assert error.value.key == "screen.expired" and error.value.params == {"date": day.isoformat()}


@pytest.mark.parametrize("change", ["other_meeting", "later_day", "signature", "other_key", "garbage"])
def test_a_tampered_token_is_refused(session, change):
    office, meeting, day = _meeting(session)
    token = screen.make_token(session, office, meeting_id=meeting.id, key=KEY)
    raw_id, raw_day, signature = token.split(".")
    key = KEY
    if change == "other_meeting":
        token = f"{int(raw_id) + 1}.{raw_day}.{signature}"
    elif change == "later_day":
        token = f"{raw_id}.{int(raw_day) + 1}.{signature}"
    elif change == "signature":
        token = f"{raw_id}.{raw_day}.{signature[:-2]}AA"
    elif change == "other_key":
        key = "x" * 48
    else:
        token = "../../etc/passwd"
    with pytest.raises(screen.ScreenLinkError) as error:
        screen.check_token(token, key=key, today=day)
    assert error.value.key == "screen.bad_link"


def test_only_those_who_run_the_meeting_mode_hand_out_a_link(session):
    _, meeting, _ = _meeting(session)
    with pytest.raises(PermissionDenied):
        screen.make_token(session, None, meeting_id=meeting.id, key=KEY)
    liaison = acting_as(make_user(session, role="member"))
    with pytest.raises(PermissionDenied):
        screen.make_token(session, liaison, meeting_id=meeting.id, key=KEY)


def _screen(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages/meetings/screen.py"), default_timeout=30)
    at.query_params["t"] = token
    return at.run()


def test_the_screen_shows_the_public_slides_without_login(demo_db_url):
    with session_scope(demo_db_url) as session:
        meeting = session.exec(select(Meeting).order_by(Meeting.starts_at.desc())).first()
        meeting.slides = ["actions", "plan", "glance"]  # follow-ups name owners: never on the screen
        meeting.starts_at, meeting.ends_at = datetime.now(CHINA_TZ) + timedelta(days=1), None  # a fresh copy per test
        session.add(meeting)
        session.commit()
        token = screen.make_token(session, user_for(demo_db_url, "secretariat"), meeting_id=meeting.id)
    at = _screen(token)
    assert not at.exception and not at.error
    html = at.get("iframe")[0].proto.srcdoc
    assert html.count('class="slide"') == 2 and 'data-code="plan"' in html and 'data-code="actions"' not in html


def test_a_bad_link_shows_why_and_no_slides(demo_db_url):
    at = _screen("1.20991231.forged")
    assert not at.exception
    assert [e.value for e in at.error] == [translate("screen.bad_link")]
    assert not at.get("iframe") and not at.metric and not at.dataframe


def test_the_meeting_page_hands_staff_a_link_that_opens_the_screen(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "meetings")
    links = [c.value for c in at.code if "/meeting_screen?t=" in c.value]
    assert not at.exception and len(links) == 1
    token = links[0].split("?t=")[1]
    meeting_id, _ = screen.check_token(token, today=date(2000, 1, 1))
    assert meeting_id == at.session_state["meetings_open"]
    assert not [c for c in app_as(demo_db_url, "member", "meetings").code if "meeting_screen" in c.value]


@pytest.mark.parametrize(("page_url", "expected"), [
    ("https://jt.example.cn/meetings", "https://jt.example.cn/meeting_screen?t=T"),
    ("https://jt.example.cn/platform/meetings?x=1", "https://jt.example.cn/platform/meeting_screen?t=T"),
    ("http://127.0.0.1:8501/a/b/meetings/", "http://127.0.0.1:8501/a/b/meeting_screen?t=T"),
    ("", "/meeting_screen?t=T"),
])
def test_the_screen_link_keeps_the_path_the_app_is_served_under(page_url, expected):
    assert screen.link(page_url, "T") == expected

"""A meeting room screen's link (会场大屏链接): a read-only URL that shows a meeting's public-safe
slides to whoever opens it, without a login, until the end of the meeting day (China time).

The link carries a token: the meeting's id and the last day it is valid, signed (HMAC-SHA256)
with the app's secret key (the one that signs the re-login cookie). Unlike the downloadable HTML
deck, whose expiry only the screen's own clock enforces, the server checks this one on every
open, so a link forwarded after the meeting shows nothing.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date
from urllib.parse import urlsplit

from sqlmodel import Session

from core.auth import CurrentUser, require_role
from core.config import current_settings
from core.errors import NotFound, UserFacingError
from core.meetings import deck
from core.meetings.meetings import READERS
from core.meetings.models import Meeting
from core.models import Role
from core.timeutil import china_today, to_china

# Signed apart from any other use of the key, so a screen token can never pass for anything else.
PURPOSE = b"meeting-screen"
# The deck's services check their caller; the screen has none, so it reads as the council would.
# Only PUBLIC_SLIDES are built: group totals of approved data, never one unit's unapproved values.
SCREEN_READER = CurrentUser(id=0, username="meeting-screen", display_name="", role=Role.COUNCIL,
                            member_id=None, language="zh", must_change_password=False, auth_at=0.0)


class ScreenLinkError(UserFacingError):
    """The link is not one we made, or its day is over."""


def _key(key: str | None) -> bytes:
    return (key if key is not None else current_settings().cookie_key).encode()


def _signature(meeting_id: int, last_day: date, key: str | None) -> str:
    message = PURPOSE + f"|{meeting_id}|{last_day.isoformat()}".encode()
    digest = hmac.new(_key(key), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def last_day(meeting: Meeting) -> date:
    """The meeting day in China time (its last day when it runs over several)."""
    end = meeting.ends_at if meeting.ends_at and meeting.ends_at > meeting.starts_at else meeting.starts_at
    return to_china(end).date()


def make_token(session: Session, current: CurrentUser | None, *, meeting_id: int, key: str | None = None) -> str:
    """The token of a meeting's screen link; only those who may run the meeting mode hand it out."""
    require_role(current, *READERS)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meetings.not_found")
    day = last_day(meeting)
    return f"{meeting_id}.{day:%Y%m%d}.{_signature(meeting_id, day, key)}"


def link(page_url: str, token: str) -> str:
    """The screen's address beside the page the link is handed out on (`page_url`, as the browser
    shows it), so a path prefix the app is served under (a proxy's /platform/, Streamlit's
    server.baseUrlPath) stays in it; a relative address when the page's URL is unknown."""
    parts = urlsplit(page_url or "")
    folder = parts.path.rstrip("/").rsplit("/", 1)[0] if parts.path.strip("/") else ""
    base = f"{parts.scheme}://{parts.netloc}{folder}" if parts.netloc else folder
    return f"{base}/meeting_screen?t={token}"


def check_token(token: str, *, key: str | None = None, today: date | None = None) -> tuple[int, date]:
    """(meeting id, last valid day) of a token we signed whose day is not over; ScreenLinkError otherwise."""
    try:
        raw_id, raw_day, signature = str(token or "").strip().split(".")
        meeting_id = int(raw_id)
        day = date(int(raw_day[:4]), int(raw_day[4:6]), int(raw_day[6:8]))
        if len(raw_day) != 8:
            raise ValueError(raw_day)
    except ValueError:
        raise ScreenLinkError("screen.bad_link") from None
    if not hmac.compare_digest(signature, _signature(meeting_id, day, key)):
        raise ScreenLinkError("screen.bad_link")
    if (today or china_today()) > day:
        raise ScreenLinkError("screen.expired", date=day.isoformat())
    return meeting_id, day


def screen_deck(session: Session, token: str, *, key: str | None = None,
                today: date | None = None) -> tuple[deck.Deck, date]:
    """The public-safe slides of the token's meeting (in its chosen order), and the last day shown."""
    meeting_id, day = check_token(token, key=key, today=today)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:  # deleted since the link was handed out
        raise ScreenLinkError("screen.bad_link")
    # never empty: build() would fall back to the meeting's own list, follow-ups and all
    public = [c for c in (meeting.slides or deck.DEFAULT_ORDER) if c in deck.PUBLIC_SLIDES] or list(deck.PUBLIC_SLIDES)
    return deck.build(session, SCREEN_READER, meeting_id=meeting_id, slides=public), day

"""The meeting mode in real Chromium: the council opens it from the navigation and moves through
the slides with the keyboard (arrows, Page Down) and the on-screen buttons; no sidebar shows. The
meeting room's file (no server) shows the public slides and only 'expired' after the meeting day."""
from __future__ import annotations

from core.i18n import translate
from core.meetings import deck, deck_html
from tests.browser import BROWSER, TIMEOUT_MS, app_url, browser, log_in, page, wait_heading, wait_idle  # noqa: F401
from tests.pages_support import session_scope, user_for

pytestmark = BROWSER


def test_the_council_presents_and_the_keyboard_moves_the_slides(page, app_url):
    log_in(page, app_url, "demo-council")
    wait_heading(page, translate("page.home"))
    page.locator('[data-testid="stSidebarNav"] a', has_text=translate("page.meeting_mode")).first.click()
    deck = page.frame_locator("iframe").first
    counter = deck.locator("#counter")
    counter.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert counter.inner_text() == "1 / 6"
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert deck.locator("section.slide.active h1").inner_text() == translate("slide.title_glance")
    page.keyboard.press("ArrowRight")  # on the page around the deck: the deck moves
    deck.locator("#counter", has_text="2 / 6").wait_for(timeout=TIMEOUT_MS)
    deck.locator("#counter").click()  # focus inside the deck, as a clicker would after a click
    page.keyboard.press("PageDown")
    deck.locator("#counter", has_text="3 / 6").wait_for(timeout=TIMEOUT_MS)
    page.keyboard.press("PageUp")
    deck.locator("#counter", has_text="2 / 6").wait_for(timeout=TIMEOUT_MS)
    deck.get_by_role("button", name=translate("slide.prev")).click()
    deck.locator("#counter", has_text="1 / 6").wait_for(timeout=TIMEOUT_MS)
    page.keyboard.press("End")
    deck.locator("#counter", has_text="6 / 6").wait_for(timeout=TIMEOUT_MS)
    assert deck.locator("section.slide.active h1").inner_text() == translate("slide.title_actions")


def test_the_meeting_room_file_shows_public_slides_and_expires_after_the_day(demo_db_url, tmp_path, browser):
    council = user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        built = deck.build(session, council, slides=list(deck.PUBLIC_SLIDES))
    assert "actions" not in [s.code for s in built.slides]
    for expires, expired in (("2099-12-31", False), ("2020-01-01", True)):
        path = tmp_path / f"{expires}.html"
        path.write_text(deck_html.render(built, "zh", autoplay=10, expires=expires), encoding="utf-8")
        page = browser.new_page()
        page.goto(path.as_uri())
        text = page.locator("body").inner_text()
        assert ("已过期" in text) == expired and ("集团概况" in text) != expired
        if not expired:
            assert page.locator("#auto").input_value() == "10"
        page.close()

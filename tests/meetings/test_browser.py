"""The meeting mode in real Chromium: the council opens it from the navigation and moves through
the slides with the keyboard (arrows, Page Down) and the on-screen buttons; no sidebar shows."""
from __future__ import annotations

from core.i18n import translate
from tests.browser import BROWSER, TIMEOUT_MS, app_url, browser, log_in, page, wait_heading, wait_idle  # noqa: F401

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

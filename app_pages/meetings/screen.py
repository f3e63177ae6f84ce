"""Meeting room screen (会场大屏): a meeting's public-safe slides for whoever opens its signed
link (`?t=TOKEN`, handed out on the meeting's page), without a login, until the end of the
meeting day. A wrong or expired link shows only why."""
import streamlit as st
import streamlit.components.v1 as components

from core import ui
from core.meetings import deck_html, screen

ui.guard("meeting_screen")
st.title(ui.t("page.meeting_screen"))  # for screen readers and the page's tab; hidden on the screen
try:
    presentation, last_day = ui.read(screen.screen_deck, st.query_params.get("t", ""))
except screen.ScreenLinkError as error:
    ui.show_error(error)
    st.stop()
# As in the meeting mode: no sidebar or toolbar, the deck's frame takes the whole window.
st.html(deck_html.HOST_CSS)
# The frame's own clock also ends the show at midnight if the screen is left running.
components.html(deck_html.render(presentation, ui.lang(), autoplay=20, expires=last_day.isoformat()), height=720)

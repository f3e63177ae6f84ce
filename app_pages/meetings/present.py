"""Meeting mode (会议模式): the group's progress as a full-screen presentation for the projector,
no sidebar, navigated with the arrow keys or a clicker. `?meeting=ID` shows that meeting's
chosen slides in its order; `?year=Y` another reporting year."""
import streamlit as st
import streamlit.components.v1 as components

from core import ui
from core.meetings import deck, deck_html

user = ui.guard("meeting_mode")
st.title(ui.t("page.meeting_mode"))  # for screen readers and the page's tab; hidden on the projector
# The page is the presentation: Streamlit's sidebar, toolbar and margins are hidden and the
# deck's frame takes the whole window, whatever its size.
st.html(deck_html.HOST_CSS)


def _int(name: str) -> int | None:
    value = st.query_params.get(name)
    return int(value) if value and str(value).isdigit() else None


presentation = ui.read(deck.build, user, meeting_id=_int("meeting"), year=_int("year"))
html = deck_html.render(presentation, ui.lang())
components.html(html, height=720)

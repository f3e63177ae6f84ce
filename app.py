"""Entry point: page config, database ready, login resolved, navigation of the role's pages."""
import streamlit as st

from core import ui

st.set_page_config(page_title=ui.t("app.title"), page_icon=ui.LOGO_ICON, layout="wide")
with ui.retry_when_database_unavailable():  # a restarting database: a notice, then again
    ui.start_app().run()

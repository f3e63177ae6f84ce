"""Login (public): the form, lockout messages, and the demo accounts while demo data is loaded."""
import streamlit as st

from core import ui
from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

ui.guard("login")
ui.page_header("login", "login.subtitle")

notice = st.session_state.pop("auth_notice", None)
if notice:
    key, params = (notice, {}) if isinstance(notice, str) else notice
    st.info(ui.t(key, **params), icon=":material/info:")

left, right = st.columns([3, 2], gap="large")
with left:
    with st.form("login_form"):
        username = st.text_input(ui.t("login.username"), key="login_username")
        password = st.text_input(ui.t("login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(ui.t("login.submit"), type="primary",
                                          width="stretch")
    if submitted:
        outcome = ui.login(username, password)
        if outcome.user is None:
            st.error(ui.t(outcome.error_key, **(outcome.params or {})), icon=":material/error:")
        else:
            st.rerun()

with right:
    if ui.platform_settings().get("demo_loaded"):
        st.subheader(ui.t("login.demo_title"))
        st.caption(ui.t("login.demo_hint", password=DEMO_PASSWORD))
        st.dataframe(
            [{ui.t("login.col_username"): name, ui.t("login.col_role"): ui.role_label(role)}
             for name, _, role in DEMO_ACCOUNTS],
            hide_index=True, width="stretch")

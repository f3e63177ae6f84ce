"""My account: who I am, and changing my password (which ends my other sessions)."""
import streamlit as st

from core import ui
from core.errors import UserFacingError
from core.home import overview
from core.safe_text import plain

user = ui.guard("account")
ui.page_header("account")
if user.must_change_password:
    st.warning(ui.t("account.must_change"), icon=":material/password:")

profile, password = st.columns(2, gap="large")
with profile:
    st.subheader(ui.t("account.profile"))
    st.write(ui.t("account.username", username=plain(user.username)))
    st.write(ui.t("account.display_name", name=plain(user.display_name)))
    st.write(ui.t("account.role", role=ui.role_label(user.role)))
    if user.member_id is not None:
        card = ui.read(overview.member_card, user, user.member_id)
        st.write(ui.t("account.unit", unit=plain(card["name"]) if card else "—"))
    st.caption(ui.t("account.language_hint"))

with password:
    st.subheader(ui.t("account.change_password"))
    with st.form("account_password_form", clear_on_submit=True):
        old = st.text_input(ui.t("account.old_password"), type="password")
        new = st.text_input(ui.t("account.new_password"), type="password",
                            help=ui.t("account.password_rules"))
        again = st.text_input(ui.t("account.repeat_password"), type="password")
        submitted = st.form_submit_button(ui.t("account.save_password"), type="primary")
    if submitted:
        if new != again:
            st.error(ui.t("password.mismatch"), icon=":material/error:")
        else:
            try:
                ui.change_password(old, new)
            except UserFacingError as error:
                ui.show_error(error)
            else:
                st.session_state["account_flash"] = "account.password_changed"
                st.rerun()
    ui.show_flash("account_flash")

"""Users and roles (用户管理, admin): accounts, liaison accounts for every unit, resets, unlocks."""
import pandas as pd
import streamlit as st

from core import ui
from core.errors import UserFacingError
from core.excel import table_export
from core.excel.writer import Column, Sheet, write_workbook
from core.group import members
from core.models import Role
from core.system import users

user = ui.guard("users")
ui.page_header("users", "users.subtitle")
ui.show_flash("users_flash")
rounds = ui.settings().bcrypt_rounds

# A generated password is shown once, right after it was made, then forgotten.
secret = st.session_state.pop("users_secret", None)
if secret:
    st.success(ui.t("users.password_once", username=secret[0], password=secret[1]),
               icon=":material/key:")
handout = st.session_state.pop("users_handout", None)
if handout:
    st.success(ui.t("users.liaisons_created", count=len(handout)), icon=":material/group_add:")
    handout_sheet = Sheet(ui.t("users.handout_sheet"), [
        Column("unit", ui.t("members.f_name"), width=36),
        Column("credit_code", ui.t("members.f_credit_code"), width=22),
        Column("username", ui.t("login.username"), width=14),
        Column("password", ui.t("login.password"), width=14)], handout)
    ui.download_workbook(ui.t("users.download_handout"), lambda: write_workbook([handout_sheet]),
                         file_name=ui.t("users.handout_file"), key="users_handout_download")
    st.caption(ui.t("users.handout_hint"))

frame = ui.read(users.listing, user)
cols = st.columns(4)
cols[0].metric(ui.t("users.total"), int(frame["active"].sum()))
cols[1].metric(ui.t("role.member"), int(((frame["role"] == Role.MEMBER) & frame["active"]).sum()))
cols[2].metric(ui.t("users.locked"), int(frame["locked"].sum()))
cols[3].metric(ui.t("users.inactive"), int((~frame["active"]).sum()))
st.dataframe(pd.DataFrame({
    ui.t("login.username"): frame["username"], ui.t("users.name"): frame["display_name"],
    ui.t("login.col_role"): frame["role"].map(ui.role_label), ui.t("users.unit"): frame["unit"],
    ui.t("users.status"): [ui.t("users.state_locked") if locked else
                           ui.t("users.state_active" if active else "users.state_inactive")
                           for active, locked in zip(frame["active"], frame["locked"])],
    ui.t("users.last_login"): frame["last_login_at"].map(lambda v: ui.when(v) if pd.notna(v) else ""),
}), hide_index=True, width="stretch", height=min(38 + 35 * len(frame), 420))
lang = ui.lang()
ui.download_workbook(ui.t("common.export_excel"), lambda: table_export.users(frame, lang),
                     file_name=ui.t("users.export_file"), key="users_export")

units = dict(ui.read(members.options))
roles = list(Role)


def run(fn, *args, secret_for: str | None = None, flash: str = "users.saved", reload=None, **kwargs):
    try:
        result = ui.write(fn, *args, **kwargs)
    except UserFacingError as error:
        ui.show_error(error)
        if reload and error.key == "common.stale_edit":
            ui.forget_edit_version(*reload)
        return
    if secret_for:
        st.session_state["users_secret"] = (secret_for, result)
    elif isinstance(result, list):
        st.session_state["users_handout"] = result
    else:
        st.session_state["users_flash"] = flash
    if reload:
        ui.forget_edit_version(*reload)
    st.rerun()


add_tab, edit_tab, bulk_tab = st.tabs([ui.t("users.add"), ui.t("users.edit"), ui.t("users.bulk")])
with add_tab:
    with st.form("users_add"):
        left, right = st.columns(2)
        username = left.text_input(ui.t("login.username"), key="users_add_username")
        name = right.text_input(ui.t("users.name"), key="users_add_name")
        role = left.selectbox(ui.t("login.col_role"), roles, format_func=ui.role_label, key="users_add_role")
        unit = right.selectbox(ui.t("users.unit"), [None, *units], format_func=lambda i: units.get(i, "—"),
                               key="users_add_unit", help=ui.t("users.unit_help"))
        submitted = st.form_submit_button(ui.t("users.create"), type="primary")
    if submitted:
        run(users.add_user, user, username=username, display_name=name, role=role, member_id=unit,
            rounds=rounds, secret_for=username.strip().lower())

with edit_tab:
    names = dict(zip(frame["id"], frame["username"] + " · " + frame["display_name"]))
    chosen = st.selectbox(ui.t("users.pick"), list(names), format_func=names.get, key="users_pick")
    row = frame[frame["id"] == chosen].iloc[0]
    version = ui.edit_version("user", int(chosen), int(row["version"]))
    k = lambda field: ui.field_key("user", int(chosen), field)
    with st.form(f"users_edit_{chosen}"):
        left, right = st.columns(2)
        name = left.text_input(ui.t("users.name"), row["display_name"], key=k("name"))
        role = right.selectbox(ui.t("login.col_role"), roles, index=roles.index(row["role"]),
                               format_func=ui.role_label, key=k("role"))
        unit_ids = [None, *units]
        current_unit = int(row["member_id"]) if pd.notna(row["member_id"]) else None
        unit = left.selectbox(ui.t("users.unit"), unit_ids, index=unit_ids.index(current_unit)
                              if current_unit in units else 0, format_func=lambda i: units.get(i, "—"),
                              key=k("unit"))
        active = right.checkbox(ui.t("users.active"), bool(row["active"]), key=k("active"))
        saved = st.form_submit_button(ui.t("common.save"), type="primary")
    if saved:
        run(users.update_user, user, int(chosen), version, role=role, member_id=unit,
            display_name=name, active=active, reload=("user", int(chosen)))
    reset_col, unlock_col = st.columns(2)
    if reset_col.button(ui.t("users.reset"), key="users_reset", icon=":material/lock_reset:"):
        run(users.reset_password, user, int(chosen), rounds=rounds, secret_for=row["username"])
    if row["locked"] and unlock_col.button(ui.t("users.unlock"), key="users_unlock", icon=":material/lock_open:"):
        run(users.unlock, user, int(chosen), flash="users.unlocked")

with bulk_tab:
    st.write(ui.t("users.bulk_hint"))
    if st.button(ui.t("users.bulk_create"), type="primary", key="users_bulk"):
        run(users.create_liaison_accounts, user, rounds=rounds)

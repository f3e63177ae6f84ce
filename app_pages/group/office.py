"""Secretariat office (秘书处办公室): director and staff, their duty areas; owners of milestones."""
import pandas as pd
import streamlit as st

from core import ui
from core.auth import STAFF_ROLES
from core.excel import table_export
from core.group import office as staff
from core.models import DutyArea

user = ui.guard("office")
ui.page_header("office", "office.subtitle")
is_staff = user.role in STAFF_ROLES

ui.show_flash("office_flash")

frame = ui.read(staff.office, user, include_inactive=is_staff)
by_duty = frame[frame["active"].astype(bool)]["duty_area"].value_counts()
duties = list(DutyArea)
for start in range(0, len(duties), 4):  # two rows of four: long English labels stay whole
    for column, duty in zip(st.columns(4), duties[start:start + 4]):
        column.metric(ui.t(f"duty_area.{duty}"), int(by_duty.get(duty, 0)))

if frame.empty:
    st.info(ui.t("office.empty"), icon=":material/info:")
else:
    shown = pd.DataFrame({
        ui.t("office.col_name"): frame["name"],
        ui.t("office.col_position"): frame["position"].map(lambda p: ui.t(f"staff_position.{p}")),
        ui.t("office.col_duty"): frame["duty_area"].map(lambda d: ui.t(f"duty_area.{d}")),
        ui.t("office.col_duties"): frame["duties"],
        ui.t("office.col_phone"): frame["phone"],
        ui.t("office.col_email"): frame["email"],
        ui.t("office.col_account"): frame["username"],
        ui.t("office.col_active"): frame["active"].map(lambda a: ui.t("common.yes" if a else "common.no")),
    })
    if not is_staff:  # login names and former staff are the secretariat's business
        shown = shown.drop(columns=[ui.t("office.col_account"), ui.t("office.col_active")])
    st.dataframe(shown, hide_index=True, width="stretch", height=38 + 35 * len(frame))
    lang = ui.lang()
    ui.download_workbook(ui.t("common.export_excel"), lambda: table_export.office(frame, lang),
                         file_name=ui.t("office.export_file"), key="office_export")


def save(fn, *args, reload=None, **kwargs) -> None:
    ui.save_and_rerun(fn, *args, flash_key="office_flash", flash="office.saved", reload=reload,
                      **kwargs)


def staff_form(key: str, row: dict | None) -> dict | None:
    row = row or {"id": "new", "name": "", "position": "staff", "duty_area": "education",
                  "duties": "", "phone": "", "email": "", "user_id": None, "active": True}

    def k(field: str) -> str:
        return ui.field_key("staff", row["id"], field)

    accounts = {None: ui.t("office.no_account"), **dict(ui.read(staff.secretariat_users, user))}
    with st.form(key):
        left, right = st.columns(2)
        values = {
            "name": left.text_input(ui.t("office.col_name"), row["name"], key=k("name")),
            "position": right.selectbox(ui.t("office.col_position"), staff.POSITIONS,
                                        index=staff.POSITIONS.index(row["position"]),
                                        format_func=lambda p: ui.t(f"staff_position.{p}"), key=k("position")),
            "duty_area": left.selectbox(ui.t("office.col_duty"), list(DutyArea),
                                        index=list(DutyArea).index(row["duty_area"]),
                                        format_func=lambda d: ui.t(f"duty_area.{d}"), key=k("duty_area")),
            "user_id": right.selectbox(ui.t("office.col_account"), list(accounts),
                                       index=list(accounts).index(row["user_id"])
                                       if row["user_id"] in accounts else 0, format_func=accounts.get,
                                       key=k("user_id")),
            "phone": left.text_input(ui.t("office.col_phone"), row["phone"], key=k("phone")),
            "email": right.text_input(ui.t("office.col_email"), row["email"], key=k("email")),
            "duties": st.text_area(ui.t("office.col_duties"), row["duties"], key=k("duties")),
            "active": st.checkbox(ui.t("office.col_active"), bool(row["active"]), key=k("active")),
        }
        return values if st.form_submit_button(ui.t("common.save"), type="primary") else None


if is_staff:
    with st.expander(ui.t("office.add"), icon=":material/person_add:"):
        values = staff_form("office_add", None)
        if values is not None:
            save(staff.add, user, values, reload=("staff", "new"))
    if not frame.empty:
        with st.expander(ui.t("office.edit"), icon=":material/edit:"):
            names = dict(zip(frame["id"], frame["name"]))
            staff_id = st.selectbox(ui.t("office.pick"), list(names), format_func=names.get,
                                    key="office_pick")
            row = frame[frame["id"] == staff_id].iloc[0].to_dict()
            row["user_id"] = None if pd.isna(row["user_id"]) else int(row["user_id"])
            row["id"] = int(row["id"])
            version = ui.edit_version("staff", int(staff_id), int(row["version"]))
            values = staff_form(f"office_edit_{staff_id}", row)
            if values is not None:
                save(staff.update, user, int(staff_id), version, values, reload=("staff", int(staff_id)))

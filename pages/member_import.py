"""Member import (成员单位导入): template, upload, dry run, then an all-or-nothing commit."""
import pandas as pd
import streamlit as st

from core import ui
from core.errors import UserFacingError
from core.services import member_exchange

user = ui.guard("member_import")
ui.page_header("member_import", "member_import.subtitle")

st.download_button(ui.t("member_import.template"), member_exchange.template(ui.lang()),
                   file_name=ui.t("member_import.template_file"), icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="member_import_template")

ui.show_flash("member_import_flash")

# A new key after each commit empties the uploader.
upload = st.file_uploader(ui.t("member_import.upload"), type=["xlsx", "xls", "xlsm"],
                          key=f"member_import_file_{st.session_state.get('member_import_round', 0)}",
                          help=ui.t("member_import.upload_help"))
if upload is None:
    st.stop()

content = upload.getvalue()
try:
    plan = ui.read(member_exchange.plan, user, content, upload.name)
except UserFacingError as error:
    ui.show_error(error)
    st.stop()

summary = plan.summary()
cols = st.columns(4)
for column, key in zip(cols, ("add", "change", "unchanged", "rejected")):
    column.metric(ui.t(f"member_import.count_{key}"), summary[key])
st.caption(ui.t("member_import.sheet_found", sheet=plan.sheet))


def label(field: str) -> str:
    return ui.t(f"members.f_{field}")


if plan.adds:
    st.subheader(ui.t("member_import.adds"))
    st.dataframe(pd.DataFrame([{ui.t("excel.col_row"): p.row, label("credit_code"): p.key,
                                label("name"): p.values.get("name", ""),
                                label("unit_type"): ui.t(f"member_type.{p.values['unit_type']}"),
                                label("city"): p.values.get("city", "")} for p in plan.adds]),
                 hide_index=True, width="stretch")
if plan.changes:
    st.subheader(ui.t("member_import.changes"))
    st.dataframe(pd.DataFrame([{ui.t("excel.col_row"): p.row, label("name"): p.label,
                                ui.t("excel.col_field"): label(field),
                                ui.t("excel.col_old"): str(old or ""), ui.t("excel.col_new"): str(new)}
                               for p in plan.changes for field, (old, new) in p.changes.items()]),
                 hide_index=True, width="stretch")
if plan.rejects:
    st.subheader(ui.t("member_import.rejects"))
    st.dataframe(pd.DataFrame([{ui.t("excel.col_sheet"): r.sheet, ui.t("excel.col_row"): r.row,
                                ui.t("excel.col_column"): r.column,
                                ui.t("excel.col_reason"): ui.t(r.key, **r.params)}
                               for r in plan.rejects]), hide_index=True, width="stretch")

if plan.nothing_to_do:
    st.info(ui.t("excel.nothing_to_do", unchanged=len(plan.unchanged)), icon=":material/info:")
    st.stop()

only_valid = False
if plan.rejects:
    st.warning(ui.t("excel.has_rejects", rows=plan.rejected_rows), icon=":material/warning:")
    only_valid = st.checkbox(ui.t("member_import.only_valid"), key="member_import_only_valid")
if st.button(ui.t("member_import.commit"), type="primary", disabled=bool(plan.rejects) and not only_valid,
             key="member_import_commit"):
    try:
        batch = ui.write(lambda session: member_exchange.commit(
            session, user, member_exchange.plan(session, user, content, upload.name),
            only_valid=only_valid))
    except UserFacingError as error:
        ui.show_error(error)
    else:
        st.session_state["member_import_flash"] = ("member_import.done", {
            "added": batch.rows_added, "changed": batch.rows_changed})
        st.session_state["member_import_round"] = st.session_state.get("member_import_round", 0) + 1
        st.rerun()

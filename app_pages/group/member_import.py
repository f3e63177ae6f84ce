"""Member import (成员单位导入): template, upload, dry run, then an all-or-nothing commit."""
import pandas as pd
import streamlit as st

from core import ui
from core.group import member_exchange

user = ui.guard("member_import")
ui.page_header("member_import", "member_import.subtitle")

lang = ui.lang()
ui.download_workbook(ui.t("member_import.template"), lambda: member_exchange.template(lang),
                     file_name=ui.t("member_import.template_file"), key="member_import_template")

ui.show_flash("member_import_flash")

plan, replan = ui.upload_preview("member_import", ui.t("member_import.upload"), member_exchange.plan, user,
                                 help=ui.t("member_import.upload_help"))
if plan is None:
    st.stop()
ui.import_counts(plan)


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
ui.finish_import(
    plan, key="member_import", flash_key="member_import_flash",
    replan=replan,
    commit=lambda session, fresh, only_valid: member_exchange.commit(session, user, fresh, only_valid=only_valid),
    flash=lambda batch: ("member_import.done", {"added": batch.rows_added, "changed": batch.rows_changed}))

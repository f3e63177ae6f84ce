"""Indicator data import (指标数据导入): the secretariat's bulk template / export for a year and
the bulk import of many units' values (long format, or a unit's template), dry run first."""
import pandas as pd
import streamlit as st

from core import ui
from core.errors import UserFacingError
from core.models import MemberType
from core.services import indicator_exchange as exchange

user = ui.guard("indicator_import")
ui.page_header("indicator_import", "indicator_import.subtitle")
ui.show_flash("indicator_import_flash")
lang = ui.lang()

current_year = ui.read(exchange.default_year)
left, right = st.columns([1, 3])
year = left.selectbox(ui.t("indicator_import.year"), list(range(current_year, current_year - 5, -1)),
                      key="indicator_import_year")
types = right.multiselect(ui.t("indicator_import.types"), [code.value for code in MemberType],
                          format_func=lambda code: ui.t(f"member_type.{code}"), key="indicator_import_types")
ui.download_workbook(ui.t("indicator_import.download"),
                     lambda: ui.read(exchange.export_workbook, user, year=year, types=types, lang=lang),
                     file_name=ui.t("indicator_import.file", year=year), key="indicator_import_download")

upload = st.file_uploader(ui.t("indicator_import.upload"), type=["xlsx", "xls", "xlsm"],
                          key=f"indicator_import_file_{ui.upload_round('indicator_import')}",
                          help=ui.t("indicator_import.upload_help"))
if upload is None:
    st.stop()

content = upload.getvalue()
try:
    with ui.import_progress():
        preview = ui.read(exchange.plan, user, content, upload.name)
except UserFacingError as error:
    ui.show_error(error)
    st.stop()

summary = preview.summary()
for column, key in zip(st.columns(4), ("add", "change", "unchanged", "rejected")):
    column.metric(ui.t(f"member_import.count_{key}"), summary[key])
st.caption(ui.t("member_import.sheet_found", sheet=preview.sheet))
heads = {"row": ui.t("excel.col_row"), "unit": ui.t("values_import.col_unit"),
         "year": ui.t("values_import.col_year"), "code": ui.t("values_import.col_code")}
if preview.adds:
    st.subheader(ui.t("values_import.adds"))
    st.dataframe(pd.DataFrame([{heads["row"]: p.row, heads["unit"]: p.label, heads["year"]: p.values["year"],
                                heads["code"]: p.values["code"], ui.t("values_import.col_value"): p.values["value"]}
                               for p in preview.adds]), hide_index=True, width="stretch")
if preview.changes:
    st.subheader(ui.t("values_import.changes"))
    st.dataframe(pd.DataFrame([{heads["row"]: p.row, heads["unit"]: p.label, heads["year"]: p.values["year"],
                                heads["code"]: p.values["code"],
                                ui.t("excel.col_field"): ui.t(f"values_import.f_{name}"),
                                ui.t("excel.col_old"): "" if old is None else str(old), ui.t("excel.col_new"): str(new)}
                               for p in preview.changes for name, (old, new) in p.changes.items()]),
                 hide_index=True, width="stretch")
ui.finish_import(
    preview, key="indicator_import", flash_key="indicator_import_flash",
    commit=lambda session, only_valid: exchange.commit(
        session, user, exchange.plan(session, user, content, upload.name), only_valid=only_valid),
    flash=lambda batch: ("values_import.done", exchange.summary_params(batch)))

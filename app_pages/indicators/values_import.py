"""Indicator data import (指标数据导入): the secretariat's bulk template / export for a year and
the bulk import of many units' values (long format, or a unit's template), dry run first."""
import streamlit as st

from core import ui
from core.indicators import exchange
from core.models import MemberType

user = ui.guard("indicator_import")
ui.page_header("indicator_import", "indicator_import.subtitle")
ui.show_flash("indicator_import_flash")
lang = ui.lang()

current_year = ui.read(exchange.default_year)
left, right = st.columns([1, 3])
year = left.selectbox(ui.t("indicator_import.year"), list(range(current_year, current_year - 5, -1)),
                      key="indicator_import_year")
types = right.multiselect(ui.t("indicator_import.types"), [code.value for code in MemberType],
                          format_func=lambda code: ui.t(f"member_type.{code}"), key="indicator_import_types",
                          placeholder=ui.t("common.choose_all"))
ui.download_workbook(ui.t("indicator_import.download"),
                     lambda: ui.read(exchange.export_workbook, user, year=year, types=types, lang=lang),
                     file_name=ui.t("indicator_import.file", year=year), key="indicator_import_download")


def show(preview, replan) -> None:
    ui.values_preview(preview)
    ui.finish_import(
        preview, key="indicator_import", flash_key="indicator_import_flash",
        replan=replan,
        commit=lambda session, fresh, only_valid: exchange.commit(session, user, fresh, only_valid=only_valid),
        flash=lambda batch: ("values_import.done", exchange.summary_params(batch)))


ui.upload_preview("indicator_import", ui.t("indicator_import.upload"), exchange.plan, user,
                  help=ui.t("indicator_import.upload_help"), show=show)

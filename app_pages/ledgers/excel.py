"""Ledger Excel (台账导入): a template per kind (drop-downs, instructions), and the import of filled
templates, exports and the ledgers units keep themselves, dry run first; near unit names can be
accepted as the registry's and previewed again."""
import pandas as pd
import streamlit as st

from core import ui
from core.ledgers import exchange, ledger_import
from core.ledgers.kinds import CODES
from core.ui import ledgers as ledger_ui

user = ui.guard("ledger_import")
ui.page_header("ledger_import", "ledger_import.subtitle")
ui.show_flash("ledger_import_flash")
lang = ui.lang()

left, right = st.columns([2, 3], vertical_alignment="bottom")
kind = left.selectbox(ui.t("ledger.col_kind"), list(CODES), format_func=ledger_ui.kind_label, key="ledger_import_kind")
with right:
    ui.download_workbook(ui.t("ledger_import.template"),
                         lambda: ui.read(exchange.template, user, kind=kind, lang=lang),
                         file_name=ui.t("ledger_import.template_file", kind=ledger_ui.kind_label(kind).replace("/", "_")),
                         key="ledger_import_template")
st.caption(ui.t("ledger_import.help"))

accepted = st.session_state.setdefault("ledger_import_accepted", {})
preview, replan = ui.upload_preview("ledger_import", ui.t("ledger_import.upload"), ledger_import.plan, user,
                                    help=ui.t("ledger_import.upload_help"), accepted=dict(accepted))
if preview is None:
    st.stop()
ui.import_counts(preview)
if preview.skipped:
    st.caption(ui.t("ledger_import.skipped", rows="、".join(map(str, preview.skipped))))

suggested = ledger_import.suggestions(preview)
if suggested:
    st.subheader(ui.t("ledger_import.suggestions"))
    for written, (name, member_id) in suggested.items():
        text, accept, outside = st.columns([4, 1, 1], vertical_alignment="center")
        text.markdown(ui.t("ledger_import.suggestion", written=written, name=name))
        if accept.button(ui.t("ledger_import.accept"), key=f"ledger_import_accept_{member_id}_{written}"):
            accepted[written] = member_id
            st.rerun()
        if outside.button(ui.t("ledger_import.outside"), key=f"ledger_import_outside_{written}"):
            accepted[written] = None
            st.rerun()
if accepted:
    st.caption(ui.t("ledger_import.accepted", names="、".join(accepted)))


def where(planned) -> dict:
    values = planned.values
    return {ui.t("excel.col_row"): planned.row, ui.t("ledger.col_kind"): ledger_ui.kind_label(values["_kind"]),
            ui.t("ledger.col_title"): values["title"], ui.t("ledger.col_year"): str(values["year"]),
            ui.t("ledger.col_partners"): "、".join(p.name for p in values["_partners"])}


if preview.adds:
    st.subheader(ui.t("ledger_import.adds"))
    st.dataframe(pd.DataFrame([where(p) for p in preview.adds]), hide_index=True, width="stretch")
if preview.changes:
    st.subheader(ui.t("ledger_import.changes"))
    st.dataframe(pd.DataFrame([{**where(p), ui.t("excel.col_field"): field, ui.t("excel.col_old"): str(old or ""),
                                ui.t("excel.col_new"): str(new)}
                               for p in preview.changes for field, (old, new) in p.changes.items()]),
                 hide_index=True, width="stretch")
ui.finish_import(
    preview, key="ledger_import", flash_key="ledger_import_flash", replan=replan,
    commit=lambda session, fresh, only_valid: ledger_import.commit(session, user, fresh, only_valid=only_valid),
    flash=lambda batch: ("ledger_import.done", {"added": batch.rows_added, "changed": batch.rows_changed}))

"""Audit log (审计日志): who changed what, when, before and after. Read only, for everyone here."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from core import ui
from core.excel.writer import Column, Sheet, write_workbook
from core.system import audit_view
from core.timeutil import china_today

user = ui.guard("audit")
ui.page_header("audit", "audit.subtitle")
PAGE_SIZE = 200

options = ui.read(audit_view.choices, user, ui.lang())
f1, f2, f3, f4, f5 = st.columns(5)
filters = audit_view.AuditFilter(
    actor=f1.selectbox(ui.t("audit.actor"), ["", *options["actor_name"]], key="audit_actor",
                       format_func=lambda v: options["actor_labels"].get(v, v) if v else ui.t("common.choose_all")),
    entity=f2.selectbox(ui.t("audit.entity"), ["", *options["entity"]], key="audit_entity",
                        format_func=lambda v: options["entity_labels"].get(v, v) if v else ui.t("common.choose_all")),
    action=f3.selectbox(ui.t("audit.action"), ["", *options["action"]], key="audit_action",
                        format_func=lambda v: ui.t(f"audit_action.{v}") if v else ui.t("common.choose_all")),
    since=f4.date_input(ui.t("audit.since"), china_today() - timedelta(days=3650), key="audit_since"),
    until=f5.date_input(ui.t("audit.until"), china_today(), key="audit_until"),
)
signature = repr(filters)
if st.session_state.get("audit_signature") != signature:  # new filters start at the first page
    st.session_state["audit_signature"], st.session_state["audit_page"] = signature, 0
page_no = st.session_state.get("audit_page", 0)
frame, total = ui.read(audit_view.entries, user, filters, limit=PAGE_SIZE, offset=page_no * PAGE_SIZE,
                       lang=ui.lang())
st.caption(ui.t("audit.count", total=total, first=page_no * PAGE_SIZE + (1 if total else 0),
                last=page_no * PAGE_SIZE + len(frame)))


shown = pd.DataFrame({
    ui.t("home.col_time"): frame["at"].map(ui.when), ui.t("home.col_actor"): frame["actor"],
    ui.t("home.col_action"): frame["action"].map(lambda a: ui.t(f"audit_action.{a}")),
    ui.t("audit.entity"): frame["object"],
    ui.t("audit.before"): frame["before_text"], ui.t("audit.after"): frame["after_text"],
    ui.t("home.col_detail"): frame["detail_text"],
})
# As tall as its rows, up to a screenful: a fixed height draws empty rows under a short page.
st.dataframe(shown, hide_index=True, width="stretch", height=min(520, 38 + 35 * max(len(shown), 1)))
prev_col, next_col, export_col = st.columns([1, 1, 3])
if page_no > 0 and prev_col.button(ui.t("audit.newer"), key="audit_prev"):
    st.session_state["audit_page"] = page_no - 1
    st.rerun()
if (page_no + 1) * PAGE_SIZE < total and next_col.button(ui.t("audit.older"), key="audit_next"):
    st.session_state["audit_page"] = page_no + 1
    st.rerun()
wide = {ui.t("audit.before"), ui.t("audit.after")}
export_sheet = Sheet(ui.t("page.audit"), [Column(name, name, width=24 if name in wide else 16)
                                          for name in shown.columns], shown.to_dict("records"))
with export_col:
    ui.download_workbook(ui.t("audit.export"), lambda: write_workbook([export_sheet]),
                         file_name=ui.t("audit.export_file"), key="audit_export")

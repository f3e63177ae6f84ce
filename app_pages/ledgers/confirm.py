"""Partner confirmation (台账确认): entries naming the liaison's unit as partner (for the secretariat:
entries with a partner outside the group) to confirm, or to dispute with a reason for the author."""
import pandas as pd
import streamlit as st

from core import ui
from core.ledgers import entries, query
from core.ui import ledgers as ledger_ui

user = ui.guard("ledger_confirm")
ui.page_header("ledger_confirm", "ledger_confirm.subtitle")
ui.show_flash("ledger_confirm_flash")

frame = ui.read(query.to_decide, user)
show = st.segmented_control(ui.t("ledger_confirm.show"), ["pending", "all"], default="pending",
                            key="ledger_confirm_show", format_func=lambda s: ui.t(f"ledger_confirm.show_{s}")) or "pending"
if show == "pending":
    frame = frame[frame["confirmation"] == "pending"].reset_index(drop=True)
if frame.empty:
    st.info(ui.t("ledger_confirm.none"), icon=":material/task_alt:")
    st.stop()
table = pd.DataFrame({
    ui.t("ledger.col_kind"): frame["kind"].map(ledger_ui.kind_label), ui.t("ledger.col_title"): frame["title"],
    ui.t("ledger.col_unit"): frame["unit"], ui.t("ledger.col_year"): frame["year"].astype(str),
    ui.t("ledger.col_partner"): frame["partner"],
    ui.t("ledger.col_confirmation"): frame["confirmation"].map(lambda c: ui.t(f"ledger_confirmation.{c}")),
    ui.t("ledger.col_reason"): frame["reason"]})
st.dataframe(table, hide_index=True, width="stretch", key="ledger_confirm_table")
ui.export_table(table, ui.t("page.ledger_confirm"), key="ledger_confirm_export")
labels = {int(r.partner_id): f"{r.title} · {r.unit} · {r.year} · {r.partner}" for r in frame.itertuples()}
picked = st.selectbox(ui.t("ledger_confirm.open"), list(labels), format_func=labels.get, index=None,
                      key="ledger_confirm_pick", placeholder=ui.t("ledger_confirm.pick_hint"))
if picked is None:
    st.stop()
row = frame[frame["partner_id"] == picked].iloc[0]
entry_id, partner_id = int(row["entry_id"]), int(row["partner_id"])
detail = ledger_ui.entry_detail(user, entry_id, key="ledger_confirm_detail")
if detail is None:
    st.stop()
if detail["locked"]:
    st.info(ui.t("ledger.year_locked", year=int(row["year"])), icon=":material/lock:")
    st.stop()
version = ui.edit_version("ledger_decide", entry_id, detail["entry"].version)
st.caption(ui.t("ledger_confirm.as_partner", partner=row["partner"]))
reason = st.text_area(ui.t("ledger_confirm.reason"), key=f"ledger_confirm_reason_{partner_id}",
                      help=ui.t("ledger_confirm.reason_help"), max_chars=1000)
yes, no, _ = st.columns([1, 1, 3])
if yes.button(ui.t("ledger_confirm.confirm"), type="primary", key="ledger_confirm_yes"):
    ui.save_and_rerun(entries.confirm, user, entry_id=entry_id, partner_id=partner_id, expected_version=version,
                      flash_key="ledger_confirm_flash", flash="ledger_confirm.confirmed", reload=("ledger_decide", entry_id))
if no.button(ui.t("ledger_confirm.dispute"), key="ledger_confirm_no"):
    ui.save_and_rerun(entries.dispute, user, entry_id=entry_id, partner_id=partner_id, expected_version=version,
                      reason=reason, flash_key="ledger_confirm_flash", flash="ledger_confirm.disputed",
                      reload=("ledger_decide", entry_id))

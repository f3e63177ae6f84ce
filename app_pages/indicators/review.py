"""Data review (数据审核): submitted reports beside last year with flags; approve, send back, reopen."""
import pandas as pd
import streamlit as st

from core import ui
from core.indicators import catalogue as indicators, completeness, review
from core.models import ValueStatus
from core.safe_text import plain
from core.ui import ledgers as ledger_ui

user = ui.guard("indicator_review")
ui.page_header("indicator_review", "indicator_review.subtitle")
ui.show_flash("indicator_review_flash")
lang = ui.lang()

status = st.segmented_control(ui.t("indicator_review.show"), [ValueStatus.SUBMITTED, ValueStatus.APPROVED,
                                                              ValueStatus.REJECTED, "mirror", "ledger"],
                              default=ValueStatus.SUBMITTED, key="indicator_review_status",
                              format_func=lambda s: ui.t("indicator_review.mirror") if s == "mirror"
                              else ui.t("ledger.reconcile_title") if s == "ledger"
                              else ui.t(f"value_status.{s}")) or ValueStatus.SUBMITTED

if status == "ledger":  # reported values against their ledgers (台账对账), every unit of a year
    st.caption(ui.t("indicator_review.ledger_help"))
    ledger_ui.reconciliation_view(user, key="indicator_review_ledger", years=ui.read(indicators.reporting_years))
    st.stop()

if status == "mirror":
    st.caption(ui.t("indicator_review.mirror_help", pct=ui.platform_settings()["mirror_gap_pct"]))
    frame = ui.read(completeness.mirror, user)
    if frame.empty:
        st.caption(ui.t("indicators.no_values"))
        st.stop()
    flagged = frame[frame["flagged"]]
    waiting = sorted(frame.loc[frame["waiting"], "year"].unique().tolist())
    if waiting:  # a year whose two sides are not both in is no finding (core.indicators.years)
        st.info(ui.t("indicator_review.mirror_waiting_note", years="、".join(map(str, waiting))),
                icon=":material/hourglass_top:")
    if flagged.empty:
        st.success(ui.t("indicator_review.mirror_ok"), icon=":material/check_circle:")
    for row in flagged.itertuples():
        st.warning(ui.t("indicator_review.mirror_flag", flow=ui.t(row.flow), year=row.year,
                        school=f"{row.school_side:,.0f}", enterprise=f"{row.enterprise_side:,.0f}",
                        gap=f"{row.gap_pct:.0f}"), icon=":material/compare_arrows:")
    mirror_table = pd.DataFrame({
        ui.t("indicator_review.col_flow"): frame["flow"].map(ui.t),
        ui.t("indicators.year"): frame["year"].astype(str),
        ui.t("indicator_review.col_school_side"): frame["school_code"] + " " + frame["school_side"].map("{:,.0f}".format),
        ui.t("indicator_review.col_enterprise_side"): frame["enterprise_code"] + " "
        + frame["enterprise_side"].map("{:,.0f}".format),
        ui.t("indicator_review.col_gap"): frame["gap_pct"].round(1),
        ui.t("indicator_review.col_flagged"): [
            "⚠" if f else (ui.t("indicator_review.mirror_waiting") if w else "")
            for f, w in zip(frame["flagged"], frame["waiting"])],
    })
    st.dataframe(mirror_table, hide_index=True, width="stretch")
    ui.export_table(mirror_table, ui.t("indicator_review.mirror"), key="indicator_review_export_mirror")
    st.stop()

queue = ui.read(review.queue, user, status=status)
if queue.empty:
    st.info(ui.t(f"indicator_review.empty_{status}"), icon=":material/inbox:")
    st.stop()
queue_table = pd.DataFrame({
    ui.t("indicators.col_member"): queue["unit"],
    ui.t("indicators.col_type"): queue["unit_type"].map(lambda c: ui.t(f"member_type.{c}")),
    ui.t("indicators.year"): queue["year"].astype(str),
    ui.t("indicator_review.col_submitted"): queue["submitted_at"].map(ui.when),
    ui.t("indicator_review.col_on_time"): queue["on_time"].map(
        lambda v: "" if v is None or pd.isna(v) else ui.t("common.yes" if v else "common.no")),
    ui.t("indicator_review.col_reason"): queue["reason"],
})
st.dataframe(queue_table, hide_index=True, width="stretch", column_config={
    ui.t("indicator_review.col_reason"): st.column_config.TextColumn(width="large")})
ui.export_table(queue_table, ui.t(f"value_status.{status}"), key="indicator_review_export_queue")

labels = {int(r.id): f"{r.unit} · {r.year}" for r in queue.itertuples()}
chosen = st.selectbox(ui.t("indicator_review.pick"), list(labels), format_func=labels.get,
                      key="indicator_review_pick")
row = queue[queue["id"] == chosen].iloc[0]
version = ui.edit_version("review", chosen, int(row["version"]))
detail = ui.read(review.detail, user, member_id=int(row["member_id"]), year=int(row["year"]))
flag_count = sum(len(f) for f in detail["flags"])
if flag_count:  # each flag in full, with the liaison's comment beside it: what the reviewer reads
    lines = [f"- {'；'.join(ui.t(key, **params) for key, params in item.flags)}"
             + (f"  \n  {ui.t('indicator_review.their_comment', comment=plain(item.comment))}" if item.comment else "")
             for item in detail.itertuples() if item.flags]
    st.warning(ui.t("indicator_review.flag_count", count=flag_count) + "\n\n" + "\n".join(lines),
               icon=":material/flag:")
else:
    st.success(ui.t("indicator_review.flag_count", count=0), icon=":material/check_circle:")
ledger_ui.review_differences(user, member_id=int(row["member_id"]), year=int(row["year"]))
detail_table = pd.DataFrame({
    ui.t("indicators.col_indicator"): detail["code"] + " " + detail["name_zh" if lang == "zh" else "name_en"],
    ui.t("indicators.col_unit"): detail["unit_zh" if lang == "zh" else "unit_en"],
    ui.t("indicators.col_value"): detail["value"],
    ui.t("indicators.col_last_year"): detail["last_year"],  # no last year reads "—" (core/ui/tables.py)
    ui.t("indicator_review.col_change"): detail["change_pct"].round(1),
    ui.t("indicator_entry.col_comment"): detail["comment"],
    ui.t("indicator_review.col_flags"): detail["flags"].map(
        lambda flags: "；".join(ui.t(key, **params) for key, params in flags)),
})
flagged = detail["flags"].map(bool).tolist()  # rows with a flag stand out: what the reviewer reads first
figures = [ui.t("indicators.col_value"), ui.t("indicators.col_last_year")]  # each with its indicator's decimals
st.dataframe(ui.formats.by_row(detail_table, detail["decimals"], figures).apply(
    lambda row: ["background-color: #FDECEC" if flagged[row.name] else "" for _ in row], axis=1),
    hide_index=True, width="stretch", column_config={
    ui.t("indicator_entry.col_comment"): st.column_config.TextColumn(width="large"),
    ui.t("indicator_review.col_flags"): st.column_config.TextColumn(width="large")})
ui.export_table(detail_table, labels[chosen][:31], key="indicator_review_export_detail",
                decimals={name: detail["decimals"].tolist() for name in figures})

if status == ValueStatus.SUBMITTED:
    reason = st.text_area(ui.t("indicator_review.reason"), key=f"indicator_review_reason_{chosen}",
                          help=ui.t("indicator_review.reason_help"))
    approve_col, reject_col, _ = st.columns([1, 1, 3])
    if ui.confirm_button(ui.t("indicator_review.approve"), key="indicator_review_approve", where=approve_col,
                         type="primary", message=ui.t("indicator_review.confirm_approve")):
        ui.save_and_rerun(review.approve, user, submission_id=chosen, expected_version=version,
                          flash_key="indicator_review_flash", flash="indicator_review.approved",
                          reload=("review", chosen))
    if reject_col.button(ui.t("indicator_review.reject"), key="indicator_review_reject"):
        ui.save_and_rerun(review.reject, user, submission_id=chosen, expected_version=version, reason=reason,
                          flash_key="indicator_review_flash", flash="indicator_review.rejected",
                          reload=("review", chosen))
elif status == ValueStatus.APPROVED:
    reason = st.text_area(ui.t("indicator_review.reopen_reason"), key=f"indicator_review_reopen_{chosen}")
    if st.button(ui.t("indicator_review.reopen"), key="indicator_review_reopen"):
        ui.save_and_rerun(review.reopen, user, submission_id=chosen, expected_version=version, reason=reason,
                          flash_key="indicator_review_flash", flash="indicator_review.reopened",
                          reload=("review", chosen))

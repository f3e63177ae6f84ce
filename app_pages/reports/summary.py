"""The year's summary (年度数据汇总): for council and secretariat, everything the year's reporting
gathers and how complete it is; for a liaison, what its unit contributed to the totals."""
import pandas as pd
import streamlit as st

from core import ui
from core.ledgers.kinds import KINDS
from core.models import Role
from core.reports import submissions, summary, tables as ui_tables

user = ui.guard("report_summary")
lang = ui.lang()
years = ui.read(summary.years, user)
default = ui.read(summary.default_year, user)
if user.role == Role.MEMBER:
    ui.page_header("report_summary", "report_summary.member_subtitle")
    year = st.selectbox(ui.t("report.year"), years, index=years.index(default), key="report_summary_year")
    if user.member_id is None:
        st.info(ui.t("report_summary.no_unit"))
        st.stop()
    part = ui.read(summary.unit_part, user, year=year, member_id=user.member_id)
    if part["values"].empty:
        st.info(ui.t("report_summary.no_values"))
    else:
        st.dataframe(ui_tables.unit_values(part["values"], lang, ui.t), hide_index=True, width="stretch")
    if not part["ledgers"].empty:
        st.subheader(ui.t("report_summary.sec_ledgers"))
        st.dataframe(ui_tables.unit_ledgers(part["ledgers"], lang, ui.t), hide_index=True, width="stretch")
    st.stop()

ui.page_header("report_summary", "report_summary.subtitle")
year = st.selectbox(ui.t("report.year"), years, index=years.index(default), key="report_summary_year")
data = ui.read(summary.year_summary, user, year=year)

st.subheader(ui.t("report_summary.sec_completeness"))
st.progress(min(1.0, data.complete_pct / 100),
            text=ui.t("report_summary.complete", pct=f"{data.complete_pct:.1f}", approved=data.approved,
                      expected=data.expected))
if data.not_in.empty:
    st.success(ui.t("report_summary.all_in"), icon=":material/task_alt:")
else:
    with st.expander(ui.t("report_summary.not_in") + f"（{len(data.not_in)}）"):
        st.dataframe(pd.DataFrame({
            ui.t("report_summary.col_member"): data.not_in["unit"],
            ui.t("report_summary.col_type"): data.not_in["unit_type"].map(lambda c: ui.t(f"member_type.{c}")),
            ui.t("report_summary.col_status"): data.not_in["status"].map(ui_tables.report_status(ui.t))}),
            hide_index=True, width="stretch")
if not data.ledgers_not_in.empty:
    with st.expander(ui.t("report_summary.ledgers_not_in") + f"（{int(data.ledgers_not_in['count'].sum())}）"):
        st.dataframe(pd.DataFrame({
            ui.t("report_summary.col_kind"): data.ledgers_not_in["kind"].map(lambda k: KINDS[k].label(lang)),
            ui.t("report_summary.col_status"): data.ledgers_not_in["status"].map(lambda s: ui.t(f"ledger_status.{s}")),
            ui.t("report_summary.col_count"): data.ledgers_not_in["count"]}), hide_index=True, width="stretch")
if user.role in (Role.SECRETARIAT, Role.ADMIN):
    since = ui.read(submissions.changed_since_submitted, user, year=year)
    for profile_code, part in since.groupby("profile"):
        st.warning(ui.t("report_summary.changed_since", profile=profile_code, count=len(part)),
                   icon=":material/published_with_changes:")
        st.dataframe(pd.DataFrame({
            ui.t("report_platform.col_sheet"): part["sheet"], ui.t("report_platform.col_row"): part["row"],
            ui.t("report_platform.col_code"): part["code"], ui.t("report_platform.col_label"): part["label"],
            ui.t("report_platform.col_submitted"): part["submitted"].map(ui_tables.cell_text),
            ui.t("report_platform.col_value"): part["now"].map(ui_tables.cell_text)}),
            hide_index=True, width="stretch")

st.subheader(ui.t("report_summary.sec_members"))
a, b, c, d = st.columns(4)
a.metric(ui.t("report_summary.members_total"), data.counts["members"],
         data.counts["members"] - data.last_counts["members"])
b.metric(ui.t("report_summary.joined"), data.counts["joined"])
c.metric(ui.t("report_summary.exited"), data.counts["exited"])
d.metric(ui.t("report_summary.suspended"), data.counts["suspended"])
st.dataframe(ui_tables.member_structure(data, ui.t), hide_index=True, width="stretch")

st.subheader(ui.t("report_summary.sec_council"))
st.dataframe(ui_tables.council(data, ui.t), hide_index=True, width="stretch")

st.subheader(ui.t("report_summary.sec_indicators"))
indicator_table = ui_tables.indicators(data.indicators, lang, ui.t)
st.dataframe(indicator_table, hide_index=True, width="stretch")
ui.export_table(indicator_table, f"{year} {ui.t('report_summary.sec_indicators')}", key="report_summary_export_indicators")

st.subheader(ui.t("report_summary.sec_ledgers"))
ledger_table = ui_tables.ledgers(data.ledgers, lang, ui.t)
st.dataframe(ledger_table, hide_index=True, width="stretch")
ui.export_table(ledger_table, f"{year} {ui.t('report_summary.sec_ledgers')}", key="report_summary_export_ledgers")

st.subheader(ui.t("report_summary.sec_plan"))
if data.plan:
    st.markdown(f"**{data.plan['title']}**")
    st.progress(min(1.0, data.plan["progress"] / 100), text=ui.t("report_summary.plan_progress", **data.plan))
else:
    st.caption(ui.t("report_summary.no_plan"))

st.subheader(ui.t("report_summary.sec_messages"))
held = st.columns(1 + sum(1 for k, v in data.meetings.items() if k != "held" and v))
held[0].metric(ui.t("report_summary.meetings_held"), data.meetings["held"])
for column, (kind, count) in zip(held[1:], [(k, v) for k, v in data.meetings.items() if k != "held" and v]):
    column.metric(ui.t(f"meeting_kind.{kind}"), count)
for column, (kind, count) in zip(st.columns(len(data.messages)), data.messages.items()):
    column.metric(ui.t(f"report_summary.msg_{kind}"), count)

st.subheader(ui.t("report_summary.sec_profile"))
st.dataframe(ui_tables.profile(data.profile, ui.t), hide_index=True, width="stretch")
if user.role in (Role.SECRETARIAT, Role.ADMIN):
    ui.link_to_page("report_profile", ui.t("report_summary.edit_profile"), ":material/edit:")

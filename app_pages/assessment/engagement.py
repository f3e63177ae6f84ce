"""Member engagement (成员活跃度): what each unit did on the platform year by year, who has gone
quiet, and a message to them from the office."""
import altair as alt
import pandas as pd
import streamlit as st

from core import charts, ui
from core.assessment import engagement
from core.indicators import analysis
from core.models import Role
from core.settings import reporting_year

user = ui.guard("engagement")
ui.page_header("engagement", "engagement.subtitle")
ui.show_flash("engagement_flash")

this_year = ui.read(reporting_year)
years = sorted(set(ui.read(analysis.years)) | {this_year})[-5:]
year = st.columns([1, 3])[0].selectbox(ui.t("engagement.year"), sorted(years, reverse=True), key="engagement_year")
frame = ui.read(engagement.activity, user, years=years)
if frame.empty:
    st.info(ui.t("engagement.no_units"), icon=":material/info:")
    st.stop()
now = frame[frame["year"] == year]
labels = {c: ui.t(f"engagement.col_{c}") for c in engagement.COUNTS}
cols = st.columns(len(labels))
for col, (code, label) in zip(cols, labels.items()):
    col.metric(label, int(now[code].sum()), border=True)

st.subheader(ui.t("engagement.map_title"))
order = (frame.groupby("unit")["activity"].sum().sort_values(kind="stable").head(60).index.tolist())
cells = frame[frame["unit"].isin(order)]
heat = alt.Chart(cells).mark_rect(stroke="white").encode(
    x=alt.X("year:O", title=ui.t("engagement.year"), axis=alt.Axis(labelAngle=0)),
    y=alt.Y("unit:N", sort=order, title=None, axis=charts.category_axis()),
    color=alt.Color("activity:Q", title=ui.t("engagement.activity"), scale=alt.Scale(scheme="blues")),
    tooltip=[alt.Tooltip("unit:N", title=ui.t("engagement.unit")), alt.Tooltip("year:O"),
             *[alt.Tooltip(f"{c}:Q", title=label) for c, label in labels.items()]])
st.altair_chart(heat.properties(height=max(240, 22 * len(order))), width="stretch")
st.caption(ui.t("engagement.map_help", shown=len(order)))

silent = engagement.quiet(frame, year=year)
st.subheader(ui.t("engagement.quiet_title", year=year, count=len(silent)))
if silent.empty:
    st.success(ui.t("engagement.nobody_quiet"), icon=":material/check_circle:")
    st.stop()
table = pd.DataFrame({ui.t("engagement.unit"): silent["unit"],
                      ui.t("assessment.unit_type"): silent["unit_type"].map(lambda c: ui.t(f"member_type.{c}")),
                      ui.t("engagement.last_active"): silent["last_active"].map(
                          lambda y: ui.t("engagement.never") if pd.isna(y) else str(int(y)))})
st.dataframe(table, hide_index=True, width="stretch")
ui.export_table(table, ui.t("engagement.quiet_sheet", year=year), key="engagement_export")
if user.role in (Role.SECRETARIAT, Role.ADMIN):
    with st.form("engagement_message"):
        st.markdown(f"**{ui.t('engagement.message_title', count=len(silent))}**")
        title = st.text_input(ui.t("engagement.message_subject"), value=ui.t("engagement.default_subject"),
                              key="engagement_subject")
        body = st.text_area(ui.t("engagement.message_body"), value=ui.t("engagement.default_body", year=year),
                            key="engagement_body")
        if st.form_submit_button(ui.t("engagement.send"), type="primary", icon=":material/send:"):
            ui.save_and_rerun(engagement.message_quiet, user, member_ids=silent["member_id"].tolist(), title=title,
                              body=body, flash_key="engagement_flash",
                              flash=("engagement.sent", {"count": len(silent)}))

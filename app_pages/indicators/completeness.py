"""Reporting progress (填报进度): rates per year, unit × year and unit × indicator maps, reminders."""
import pandas as pd
import streamlit as st

from core import charts, ui
from core.indicators import analysis, completeness
from core.models import Role
from core.settings import reporting_year

user = ui.guard("indicator_completeness")
ui.page_header("indicator_completeness", "indicator_completeness.subtitle")
ui.show_flash("indicator_completeness_flash")

years = sorted(set(ui.read(analysis.years)) | {ui.read(reporting_year)}, reverse=True)
year = st.columns([1, 3])[0].selectbox(ui.t("indicators.year"), years, key="indicator_completeness_year")
shown_years = sorted(y for y in years if year - 4 <= y <= year)
frame = ui.read(completeness.matrix, user, shown_years)
rates = completeness.rates(frame)
this = rates[rates["year"] == year]
if this.empty:
    st.info(ui.t("indicator_completeness.nobody_expected"), icon=":material/info:")
    st.stop()
now = this.iloc[0]
cols = st.columns(4)
cols[0].metric(ui.t("indicator_completeness.expected"), int(now["expected"]), border=True)
cols[1].metric(ui.t("indicator_completeness.reported"), int(now["reported"]), border=True)
cols[2].metric(ui.t("indicator_completeness.reporting_rate"), f"{now['reporting_rate']:.0f}%", border=True)
cols[3].metric(ui.t("indicator_completeness.on_time_rate"), f"{now['on_time_rate']:.0f}%", border=True)
rates_table = pd.DataFrame({
    ui.t("indicators.year"): rates["year"].astype(str),
    ui.t("indicator_completeness.expected"): rates["expected"],
    ui.t("indicator_completeness.reported"): rates["reported"],
    ui.t("value_status.approved"): rates["approved"],
    ui.t("indicator_completeness.on_time"): rates["on_time"],
    ui.t("indicator_completeness.reporting_rate"): rates["reporting_rate"].round(1),
    ui.t("indicator_completeness.on_time_rate"): rates["on_time_rate"].round(1),
})
st.dataframe(rates_table, hide_index=True, width="stretch")
ui.export_table(rates_table, ui.t("page.indicator_completeness"), key="indicator_completeness_export_rates")

missing = ui.read(completeness.not_reported, user, year, frame)  # from the matrix read above
st.subheader(ui.t("indicator_completeness.missing_title", year=year, count=len(missing)))
if missing.empty:
    st.success(ui.t("indicator_completeness.all_reported"), icon=":material/check_circle:")
else:
    missing_table = pd.DataFrame({
        ui.t("indicators.col_member"): missing["unit"],
        ui.t("indicators.col_type"): missing["unit_type"].map(lambda c: ui.t(f"member_type.{c}")),
        ui.t("indicators.col_city"): missing["city"],
        ui.t("indicator_completeness.col_status"): missing["status"].map(
            lambda s: ui.t(f"indicator_completeness.status_{s}")),
    })
    st.dataframe(missing_table, hide_index=True, width="stretch")
    ui.export_table(missing_table, ui.t("indicator_completeness.missing_sheet", year=year),
                    key="indicator_completeness_export_missing")
    if user.role != Role.COUNCIL and st.button(ui.t("indicator_completeness.remind", count=len(missing)),
                                               type="primary", key="indicator_completeness_remind",
                                               icon=":material/notifications:"):
        ui.save_and_rerun(completeness.remind, user, year=year, member_ids=missing["member_id"].tolist(),
                          flash_key="indicator_completeness_flash",
                          flash=("indicator_completeness.reminded", {"count": len(missing)}))

st.subheader(ui.t("indicator_completeness.map_title"))
types = sorted(frame["unit_type"].unique())
unit_type = st.selectbox(ui.t("indicators.pick_type"), types, key="indicator_completeness_type",
                         format_func=lambda c: ui.t(f"member_type.{c}"))
status_labels = {code: ui.t(f"indicator_completeness.status_{code}")
                 for code in ("approved", "submitted", "rejected", "draft", "missing")}
colours = dict(zip(status_labels.values(), ("#2E9E5B", "#3BA7E4", "#F0A202", "#C9D3DD", "#D64545")))
typed = frame[frame["unit_type"] == unit_type]
# The least complete units first, at most 80 rows: the map stays readable for a group of any size.
order = (typed.assign(done=typed["status"].isin(completeness.REPORTED)).groupby("unit")["done"].sum()
         .sort_values(kind="stable").head(80).index.tolist())
cells = typed[typed["unit"].isin(order)].assign(state=lambda f: f["status"].map(status_labels))
st.altair_chart(charts.heatmap(cells, x="year", y="unit", colour="state", colours=colours,
                               x_title=ui.t("indicators.year"), y_title=ui.t("indicators.col_member"),
                               legend_title=ui.t("indicator_completeness.col_status"), sort_y=order),
                width="stretch")
if typed["unit"].nunique() > len(order):
    st.caption(ui.t("indicator_completeness.map_limited", shown=len(order), total=typed["unit"].nunique()))

# Built only when asked for: it reads every value of the year for the chosen type.
if st.toggle(ui.t("indicator_completeness.fill_title", year=year), key="indicator_completeness_fill"):
    fill = ui.read(completeness.indicator_fill, user, year=year, unit_type=unit_type)
    if fill.empty:
        st.caption(ui.t("indicators.no_values"))
    else:
        fill = fill.assign(state=fill["filled"].map({True: ui.t("indicator_completeness.filled"),
                                                     False: ui.t("indicator_completeness.empty")}))
        st.altair_chart(charts.heatmap(fill, x="code", y="unit", colour="state",
                                       colours={ui.t("indicator_completeness.filled"): "#2E9E5B",
                                                ui.t("indicator_completeness.empty"): "#F3C4C4"},
                                       x_title=ui.t("indicators.col_indicator"),
                                       y_title=ui.t("indicators.col_member"),
                                       legend_title=ui.t("indicator_completeness.col_fill")), width="stretch")

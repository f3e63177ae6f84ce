"""Collaboration network (协作网络): units linked by confirmed ledger cooperation, by year and kind;
the isolated and weakly tied; a unit's partners one click away; the figures year over year."""
import pandas as pd
import streamlit as st

from core import charts, ui
from core.assessment import network, views
from core.ledgers import query
from core.ledgers.kinds import KINDS
from core.ui.ledgers import kind_label

user = ui.guard("network")
ui.page_header("network", "network.subtitle")

years = sorted(ui.read(query.years), reverse=True)
cols = st.columns([1, 2])
year = cols[0].selectbox(ui.t("network.year"), [None, *years], key="network_year",
                         format_func=lambda y: ui.t("network.all_years") if y is None else str(y))
kind = cols[1].selectbox(ui.t("network.kind"), [None, *KINDS], key="network_kind",
                         format_func=lambda k: ui.t("network.all_kinds") if k is None else kind_label(k))
net = ui.read(network.network, user, year=year, kind=kind)
if net.nodes.empty:
    st.info(ui.t("network.no_units"))
    st.stop()
type_name = lambda c: ui.t(f"member_type.{c}")
titles = {"unit": ui.t("network.unit"), "partner": ui.t("network.partner"), "entries": ui.t("network.entries"),
          "type": ui.t("assessment.unit_type"), "activity": ui.t("network.activity"),
          "partners": ui.t("network.partners")}
linked = int((net.nodes["partners"] > 0).sum())
m = st.columns(4)
m[0].metric(ui.t("network.members"), len(net.nodes), border=True)
m[1].metric(ui.t("network.linked_pct"), f"{100 * linked / max(1, len(net.nodes)):.0f}%", border=True)
m[2].metric(ui.t("network.edges"), len(net.edges), border=True)
m[3].metric(ui.t("network.isolated"), len(net.isolated), border=True)
event = st.altair_chart(views.network_chart(net.nodes, net.edges, type_label=type_name, titles=titles),
                        width="stretch", on_select="rerun", key="network_chart")
st.caption(ui.t("network.chart_help"))

units = dict(zip(net.nodes["member_id"], net.nodes["unit"]))
clicked = [p.get("member_id") for p in (event.selection.get("unit") or [])] if event else []
if clicked and clicked[0] in units:
    st.session_state["network_unit"] = clicked[0]
ordered = sorted(units, key=lambda i: (-int(net.nodes.set_index("member_id").loc[i, "partners"]), units[i]))
default = user.member_id if user.member_id in units else ordered[0]
if st.session_state.get("network_unit") not in units:
    st.session_state["network_unit"] = default
unit = st.selectbox(ui.t("network.pick_unit"), ordered, key="network_unit", format_func=lambda i: units[i])
mine = ui.read(network.partners, user, unit_id=unit, year=year, kind=kind)
st.subheader(ui.t("network.partners_of", unit=units[unit], count=len(mine)))
if mine.empty:
    st.info(ui.t("network.no_partner"), icon=":material/link_off:")
else:
    st.dataframe(pd.DataFrame({ui.t("network.partner"): mine["unit"],
                               ui.t("assessment.unit_type"): mine["unit_type"].map(type_name),
                               ui.t("network.entries"): mine["entries"]}), hide_index=True, width="stretch")
ui.link_to_page("ledgers", ui.t("network.open_ledgers"), ":material/table_view:")

left, right = st.columns(2)
for column, frame, title in ((left, net.isolated, "network.isolated_title"), (right, net.weak, "network.weak_title")):
    column.subheader(ui.t(title, count=len(frame)))
    shown = pd.DataFrame({ui.t("network.unit"): frame["unit"],
                          ui.t("assessment.unit_type"): frame["unit_type"].map(type_name),
                          ui.t("network.activity"): frame["activity"]})
    column.dataframe(shown, hide_index=True, width="stretch")

st.subheader(ui.t("network.over_years"))
figures = ui.read(network.figures, user, years=sorted(years), kind=kind)
table = pd.DataFrame({ui.t("network.year"): figures["year"].astype(str),
                      ui.t("network.members"): figures["members"],
                      ui.t("network.linked_pct"): figures["linked_pct"].round(1),
                      ui.t("network.school_enterprise"): figures["school_enterprise_pairs"],
                      ui.t("network.edges"): figures["edges"],
                      ui.t("network.density"): figures["density"].round(3)})
st.dataframe(table, hide_index=True, width="stretch")
ui.export_table(table, ui.t("page.network"), key="network_export")
st.altair_chart(charts.growth_line(figures, x="year", y="linked_pct", x_title=ui.t("network.year"),
                                   y_title=ui.t("network.linked_pct")), width="stretch")

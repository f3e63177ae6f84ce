"""What resource sharing amounts to: offers by kind and owner type, requests and the acceptance
rate, the most used resources, units that offer but never use and the reverse."""
import streamlit as st

from core import charts, ui
from core.resources import figures
from core.timeutil import china_today

user = ui.guard("resource_figures")
ui.page_header("resource_figures", "resource_figures.subtitle")

this_year = china_today().year
year = st.selectbox(ui.t("resource_figures.year"), [None, *range(this_year, this_year - 5, -1)], key="rf_year",
                    format_func=lambda y: ui.t("common.choose_all") if y is None else str(y))
data = ui.read(figures.overview, user, year=year)
a, b, c, d = st.columns(4)
a.metric(ui.t("resource_figures.offers"), int(data["by_kind"]["resources"].sum()) if not data["by_kind"].empty else 0)
b.metric(ui.t("resource_figures.requests"), data["requests"])
c.metric(ui.t("resource_figures.accepted"), data["accepted"])
d.metric(ui.t("resource_figures.rate"), "—" if data["acceptance_rate"] is None else f"{data['acceptance_rate']}%",
         help=ui.t("resource_figures.rate_help"))

by_kind = data["by_kind"]
if not by_kind.empty:
    st.subheader(ui.t("resource_figures.by_kind"))
    per_kind = (by_kind.groupby("kind", as_index=False)["resources"].sum()
                .assign(kind=lambda f: f["kind"].map(lambda k: ui.t(f"resource_kind.{k}"))))
    st.altair_chart(charts.bar_counts(per_kind, category="kind", value="resources",
                                      category_title=ui.t("resources.col_kind"),
                                      value_title=ui.t("resource_figures.offers"))
                    .configure_axisX(tickMinStep=1), width="stretch")  # whole resources, no 0.5 ticks
    table = (by_kind.assign(kind=by_kind["kind"].map(lambda k: ui.t(f"resource_kind.{k}")),
                            owner_type=by_kind["owner_type"].map(lambda k: ui.t(f"member_type.{k}")))
             .rename(columns=lambda c: ui.t(f"resource_figures.col_{c}")))
    st.dataframe(table, hide_index=True, width="stretch")
    ui.export_table(table, ui.t("resource_figures.by_kind"), key="rf_export_kind")

st.subheader(ui.t("resource_figures.most_used"))
st.caption(ui.t("resource_figures.used_help"))
if data["most_used"].empty:
    st.caption(ui.t("resource_figures.no_use"))
else:
    st.dataframe(data["most_used"].drop(columns="id").rename(columns=lambda c: ui.t(f"resource_figures.col_{c}")),
                 hide_index=True, width="stretch")
left, right = st.columns(2)
left.markdown(f"**{ui.t('resource_figures.offer_never_use')}**")
left.write("、".join(data["offer_never_use"]) or "—")
right.markdown(f"**{ui.t('resource_figures.use_never_offer')}**")
right.write("、".join(data["use_never_offer"]) or "—")

"""Portal (public): the group's profile, headline figures, members by type, public news."""
import pandas as pd
import streamlit as st

from core import charts, ui
from core.excel import table_export
from core.group import members
from core.home import overview
from core.messages import common

ui.guard("portal")
settings = ui.platform_settings()
lang = ui.lang()

head_logo, head_text = st.columns([1, 7], vertical_alignment="center")
head_logo.image(ui.LOGO_ICON, width=96)
with head_text:
    st.title(settings[f"group_name_{lang}"])
    st.caption(ui.t("portal.tagline"))
if settings.get("demo_loaded"):
    st.info(ui.t("portal.demo_notice"), icon=":material/science:")

head = ui.read(overview.headline, lang)
cols = st.columns(4)
cols[0].metric(ui.t("portal.metric_members"), head.active_members)
cols[1].metric(ui.t("portal.metric_enterprises"), head.members_by_type.get("enterprise", 0))
cols[2].metric(ui.t("portal.metric_schools"), head.members_by_type.get("school", 0))
cols[3].metric(ui.t("portal.metric_projects"), head.cooperation_projects)
ui.member_breakdown(head.by_status)

profile, news = st.columns([3, 2], gap="large")
with profile:
    st.subheader(ui.t("portal.profile"))
    st.write(settings[f"group_profile_{lang}"])
    st.caption(ui.t("portal.facts", founded=head.founded_on, lead=settings[f"lead_unit_{lang}"],
                    term=head.council_term))
with news:
    st.subheader(ui.t("portal.news"))
    notices = ui.read(overview.public_notices)
    if not notices:
        st.caption(ui.t("portal.no_news"))
    for notice in notices:
        with st.expander(f"{ui.when(notice['at'])[:10]}  {common.plain_title(notice['title'])}"):
            st.markdown(common.safe_markdown(notice["body"]))

by_type = pd.DataFrame(
    [{"type": ui.t(f"member_type.{code}"), "count": count}
     for code, count in sorted(head.members_by_type.items(), key=lambda kv: -kv[1])])
growth = ui.read(members.growth)
chart_left, chart_right = st.columns(2, gap="large")
with chart_left:
    st.subheader(ui.t("portal.by_type"))
    if by_type.empty:
        st.caption(ui.t("portal.no_members"))
    else:
        st.altair_chart(charts.bar_counts(by_type, category="type", value="count",
                                          category_title=ui.t("portal.col_type"),
                                          value_title=ui.t("portal.col_count")),
                        width="stretch")
with chart_right:
    st.subheader(ui.t("portal.growth"))
    if not growth.empty:
        st.altair_chart(charts.growth_line(growth, x="year", y="members",
                                           x_title=ui.t("portal.col_year"),
                                           y_title=ui.t("portal.col_members")),
                        width="stretch")

st.subheader(ui.t("portal.member_list"))
members = ui.read(overview.public_members)
if members.empty:
    st.caption(ui.t("portal.no_members"))
else:
    types = [code for code in ("enterprise", "school", "association", "government", "research",
                               "other") if code in set(members["unit_type"])]
    for tab, code in zip(st.tabs([f"{ui.t(f'member_type.{c}')} ({(members['unit_type'] == c).sum()})"
                                  for c in types]), types):
        subset = members[members["unit_type"] == code]
        tab.dataframe(
            pd.DataFrame({ui.t("portal.col_name"): subset["name"], ui.t("portal.col_city"): subset["city"]}),
            hide_index=True, width="stretch")
    shown_members = members
    ui.download_workbook(ui.t("common.export_excel"), lambda: table_export.public_members(shown_members, lang),
                         file_name=ui.t("portal.export_file"), key="portal_export")

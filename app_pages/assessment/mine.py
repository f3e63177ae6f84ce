"""Our assessment (本单位考核): a liaison's own unit, each year: score, breakdown, rank band and
where points were lost, never another unit's figure."""
import pandas as pd
import streamlit as st

from core import charts, ui
from core.assessment import scores, views
from core.display import bilingual
from core.safe_text import plain

user = ui.guard("assessment_mine")
ui.page_header("assessment_mine", "assessment_mine.subtitle")
if user.member_id is None:
    st.info(ui.t("assessment.no_unit"), icon=":material/info:")
    st.stop()
entries = ui.read(scores.unit_scores, user, member_id=user.member_id)
if not entries:
    st.info(ui.t("assessment.not_assessed"), icon=":material/info:")
    st.stop()
by_year = {e["year"]: e for e in entries}
year = st.columns([1, 3])[0].selectbox(ui.t("assessment.year"), list(by_year), key="assessment_mine_year")
entry = by_year[year]
status = entry["status"]
st.markdown(f"**{plain(entry['title'])}** · " + ui.t(f"assessment.status_{status}"))
cols = st.columns(4)
cols[0].metric(ui.t("assessment.col_total"), f"{entry['total']:.2f}", border=True)
cols[1].metric(ui.t("assessment.col_score"), f"{entry['score']:.2f}", border=True)
cols[2].metric(ui.t("assessment.col_adjustment"), f"{entry['adjustment']:+g}", border=True)
cols[3].metric(ui.t("assessment.band"), ui.t(f"assessment.band.{entry['band']}"), border=True)
if entry["adjustment_reason"]:
    st.caption(f"{ui.t('assessment.col_reason')}: {plain(entry['adjustment_reason'])}")
st.dataframe(views.breakdown_table(entry["breakdown"], entry["criteria"], ui.t, ui.lang()), hide_index=True,
             width="stretch")

st.subheader(ui.t("assessment.improve_title"))
lost = scores.to_improve(entry)
if not lost:
    st.success(ui.t("assessment.nothing_to_improve"), icon=":material/check_circle:")
for item in lost:
    name = bilingual(item["name_zh"], item["name_en"], ui.lang())
    st.markdown("- " + ui.t("assessment.improve_line", name=plain(name), points=f"{item['points']:.0f}",
                            lost=f"{item['lost']:.1f}", hint=ui.t(f"assessment.hint.{item['source']}")))

names = {c["code"]: c for c in entry["criteria"]}
code = st.selectbox(ui.t("assessment.rows_behind"), [r["code"] for r in entry["breakdown"]],
                    key="assessment_mine_rows", format_func=lambda c: f"{c} {names[c]['name_zh']}")
behind = ui.read(scores.rows_behind, user, entry["scheme_id"], member_id=user.member_id, code=code)
if behind.empty:
    st.caption(ui.t("assessment.no_rows"))
else:
    st.dataframe(behind.rename(columns={"item": ui.t("assessment.col_item"), "date": ui.t("assessment.col_date"),
                                        "state": ui.t("assessment.col_state")}), hide_index=True, width="stretch")
if len(entries) > 1:
    st.subheader(ui.t("assessment.trend_title"))
    trend = pd.DataFrame([{"year": e["year"], "total": e["total"]} for e in entries]).sort_values("year")
    st.altair_chart(charts.growth_line(trend, x="year", y="total", x_title=ui.t("assessment.year"),
                                       y_title=ui.t("assessment.col_total")), width="stretch")

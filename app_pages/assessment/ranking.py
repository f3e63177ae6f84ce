"""Assessment ranking (考核排名): scores per unit type, distribution, a unit's breakdown with the rows
behind each criterion and its trend; the office adjusts a score with a reason and publishes."""
import pandas as pd
import streamlit as st

from core import charts, ui
from core.assessment import schemes, scores, views
from core.assessment.sources import SOURCES
from core.display import bilingual
from core.models import Role
from core.safe_text import plain

user = ui.guard("assessment_ranking")
ui.page_header("assessment_ranking", "assessment_ranking.subtitle")
ui.show_flash("assessment_ranking_flash")
staff = user.role in (Role.SECRETARIAT, Role.ADMIN)

available = ui.read(schemes.schemes, user)
if not available:
    st.info(ui.t("assessment.no_scheme_staff" if staff else "assessment.no_scheme"), icon=":material/info:")
    if staff:
        ui.link_to_page("assessment_schemes", ui.t("page.assessment_schemes"), ":material/rule_settings:")
    st.stop()
by_id = {s.id: s for s in available}
top = st.columns([1, 2, 2])
scheme_id = top[0].selectbox(ui.t("assessment.year"), list(by_id), key="assessment_ranking_scheme",
                             format_func=lambda i: str(by_id[i].year))
scheme = by_id[scheme_id]
published = scheme.status == "published"
top[1].markdown(f"**{plain(scheme.title)}**  \n{ui.t(f'assessment.status_{scheme.status}')}")
if published:
    st.caption(ui.t("assessment.published_note", when=ui.when(scheme.published_at)))
else:
    st.caption(ui.t("assessment.draft_note"))

frame = ui.read(scores.results, user, scheme_id)
if frame.empty:
    st.info(ui.t("assessment.no_rows"))
    st.stop()
types = sorted(frame["unit_type"].unique())
unit_type = top[2].selectbox(ui.t("assessment.unit_type"), types, key="assessment_ranking_type",
                             format_func=lambda c: ui.t(f"member_type.{c}"))
typed = frame[frame["unit_type"] == unit_type].reset_index(drop=True)
wide = scores.criteria_columns(typed, scheme)
names = {c["code"]: bilingual(c["name_zh"], c["name_en"], ui.lang()) for c in scheme.criteria}
table = pd.DataFrame({
    ui.t("assessment.col_rank"): wide["rank"],
    ui.t("assessment.col_unit"): wide["unit"],
    ui.t("assessment.col_total"): wide["total"],
    ui.t("assessment.col_score"): wide["score"],
    ui.t("assessment.col_adjustment"): wide["adjustment"],
    **{f"{code} {names[code]}": wide[code] for code in names if code in wide},
    ui.t("assessment.col_reason"): wide["adjustment_reason"],
})
st.dataframe(table, hide_index=True, width="stretch",
             column_config={ui.t("assessment.col_total"): ui.formats.number_column(decimals=2),
                            ui.t("assessment.col_score"): ui.formats.number_column(decimals=2)})
ui.export_table(table, f"{scheme.year} {ui.t('assessment.export')} {ui.t(f'member_type.{unit_type}')}",
                key="assessment_ranking_export")

st.subheader(ui.t("assessment.distribution"))
st.altair_chart(charts.bar_counts(views.distribution(typed), category="band", value="units",
                                  category_title=ui.t("assessment.col_total"), value_title=ui.t("assessment.units")),
                width="stretch")

st.subheader(ui.t("assessment.breakdown_title"))
units = dict(zip(typed["member_id"], typed["unit"]))
member_id = st.selectbox(ui.t("assessment.pick_unit"), list(units), key="assessment_ranking_unit",
                         format_func=lambda m: units[m])
row = typed[typed["member_id"] == member_id].iloc[0]
cols = st.columns(4)
cols[0].metric(ui.t("assessment.col_total"), f"{row['total']:.2f}", border=True)
cols[1].metric(ui.t("assessment.col_score"), f"{row['score']:.2f}", border=True)
cols[2].metric(ui.t("assessment.col_adjustment"), f"{row['adjustment']:+g}", border=True)
cols[3].metric(ui.t("assessment.col_rank"), f"{int(row['rank'])} / {int(row['of'])}", border=True)
if row["adjustment_reason"]:
    st.caption(f"{ui.t('assessment.col_reason')}: {plain(row['adjustment_reason'])}")
st.dataframe(views.breakdown_table(row["breakdown"], scheme.criteria, ui.t, ui.lang()), hide_index=True,
             width="stretch")
code = st.selectbox(ui.t("assessment.rows_behind"), [c["code"] for c in scheme.criteria
                                                     if c["code"] in {r["code"] for r in row["breakdown"]}],
                    key="assessment_ranking_rows", format_func=lambda c: f"{c} {names[c]}")
behind = ui.read(scores.rows_behind, user, scheme_id, member_id=member_id, code=code)
if behind.empty:
    st.caption(ui.t("assessment.no_rows"))
else:
    st.dataframe(behind.rename(columns={"item": ui.t("assessment.col_item"), "date": ui.t("assessment.col_date"),
                                        "state": ui.t("assessment.col_state")}), hide_index=True, width="stretch")
source = next(c["source"] for c in scheme.criteria if c["code"] == code)
ui.link_to_page(SOURCES[source].page, ui.t(f"page.{SOURCES[source].page}"), ":material/open_in_new:")

trend = pd.DataFrame([{"year": e["year"], "total": e["total"]}
                      for e in ui.read(scores.unit_scores, user, member_id=member_id)]).sort_values("year")
if len(trend) > 1:
    st.subheader(ui.t("assessment.trend_title"))
    st.altair_chart(charts.growth_line(trend, x="year", y="total", x_title=ui.t("assessment.year"),
                                       y_title=ui.t("assessment.col_total")), width="stretch")

if staff and not published:
    with st.form("assessment_adjust"):
        st.markdown(f"**{ui.t('assessment.adjust_title')}** · {units[member_id]}")
        points = st.number_input(ui.t("assessment.adjust_points"), min_value=-20.0, max_value=20.0,
                                 value=float(row["adjustment"]), step=0.5, key="assessment_adjust_points")
        reason = st.text_input(ui.t("assessment.adjust_reason"), value=row["adjustment_reason"],
                               key="assessment_adjust_reason")
        if st.form_submit_button(ui.t("assessment.adjust_save")):
            ui.save_and_rerun(schemes.set_adjustment, user, scheme_id, member_id=member_id, points=points,
                              reason=reason, flash_key="assessment_ranking_flash", flash="assessment.adjusted")
    if ui.confirm_button(ui.t("assessment.publish"), key="assessment_publish", type="primary",
                         message=ui.t("assessment.publish_confirm"), icon=":material/publish:"):
        ui.save_and_rerun(schemes.publish, user, scheme_id, scheme.version, lang=ui.lang(),
                          flash_key="assessment_ranking_flash",
                          flash=("assessment.published", {"units": len(frame)}))

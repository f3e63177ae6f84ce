"""Assessment schemes (考核方案): each year's criteria, weights and rules, edited as a table and
checked when saved; a new year starts from the previous one."""
import streamlit as st

from core import ui
from core.assessment import rules, schemes, scores
from core.assessment.sources import SOURCES
from core.models import MemberType
from core.settings import reporting_year

user = ui.guard("assessment_schemes")
ui.page_header("assessment_schemes", "assessment_schemes.subtitle")
ui.show_flash("assessment_schemes_flash")

available = ui.read(schemes.schemes, user)
with st.expander(ui.t("assessment.new_scheme"), expanded=not available, icon=":material/add:"), \
        st.form("assessment_new"):
    year = st.number_input(ui.t("assessment.year"), min_value=2000, max_value=2100, step=1,
                           value=int(ui.read(reporting_year)), key="assessment_new_year")
    title = st.text_input(ui.t("assessment.new_title"), key="assessment_new_title")
    if st.form_submit_button(ui.t("assessment.create"), type="primary"):
        ui.save_and_rerun(schemes.create_scheme, user, year=int(year), title=title,
                          flash_key="assessment_schemes_flash", flash="assessment.created")
if not available:
    st.stop()

by_id = {s.id: s for s in available}
scheme_id = st.selectbox(ui.t("assessment.pick_scheme"), list(by_id), key="assessment_schemes_pick",
                         format_func=lambda i: f"{by_id[i].year} · {by_id[i].title} · "
                                               f"{ui.t(f'assessment.status_{by_id[i].status}')}")
scheme = by_id[scheme_id]
frozen = scheme.status == "published"
st.caption(ui.t("assessment.rules_help"))
frame = schemes.criteria_frame(scheme.criteria)
frame["unit_type"] = frame["unit_type"].replace("", "all")
type_options = ["all", *ui.read(scores.unit_types, user, scheme.year)]
column_config = {
    "code": st.column_config.TextColumn(ui.t("assessment.col_code"), required=True, max_chars=10),
    "name_zh": st.column_config.TextColumn(ui.t("assessment.col_name_zh"), required=True),
    "name_en": st.column_config.TextColumn(ui.t("assessment.col_name_en")),
    "source": st.column_config.SelectboxColumn(ui.t("assessment.col_source"), options=list(SOURCES), required=True),
    "rule": st.column_config.SelectboxColumn(ui.t("assessment.col_rule"), options=list(rules.RULES), required=True),
    "params": st.column_config.TextColumn(ui.t("assessment.col_params")),
    "weight": st.column_config.NumberColumn(ui.t("assessment.col_weight"), min_value=0, max_value=100),
    "unit_type": st.column_config.SelectboxColumn(ui.t("assessment.col_unit_type"), options=type_options),
}
if frozen:
    st.info(ui.t("assessment.frozen_note"), icon=":material/lock:")
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
    st.stop()
version = ui.edit_version("assessment_scheme", scheme_id, scheme.version)
title = st.text_input(ui.t("assessment.new_title"), value=scheme.title, key=f"assessment_title_{scheme_id}")
edited = st.data_editor(frame, hide_index=True, width="stretch", num_rows="dynamic", column_config=column_config,
                        key=f"assessment_criteria_{scheme_id}")
legend = " · ".join(f"`{code}` {ui.t(f'assessment.source.{code}')}" for code in SOURCES)
st.caption(f"{ui.t('assessment.col_source')}: {legend}")
st.caption(" · ".join(f"`{c}` {ui.t(f'member_type.{c}')}" for c in MemberType if c in type_options))
if st.button(ui.t("assessment.save"), type="primary", key="assessment_save", icon=":material/save:"):
    try:
        criteria = schemes.criteria_from_frame(edited)
    except Exception as error:
        from core.errors import UserFacingError

        if not isinstance(error, UserFacingError):
            raise
        ui.show_error(error)
    else:
        ui.save_and_rerun(schemes.save_criteria, user, scheme_id, version, title=title, criteria=criteria,
                          flash_key="assessment_schemes_flash", flash="assessment.saved",
                          reload=("assessment_scheme", scheme_id))

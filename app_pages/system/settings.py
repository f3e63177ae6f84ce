"""Settings and health (系统设置, admin): what the portal says, the reporting year, limits."""

from decimal import Decimal

import pandas as pd
import streamlit as st

from core import ui
from core.config import server_upload_limit_mb
from core.home import overview
from core.plan import tracking as plan_service
from core.settings import (
    FUNDS_APPROVAL_RANGE,
    YEAR_COMPLETE_RANGE,
    reporting_deadline,
    settings_version,
    update_settings,
)
from core.system import health
from core.timeutil import china_today

user = ui.guard("settings")
ui.page_header("settings", "settings.subtitle")
ui.show_flash("settings_flash")
values = ui.platform_settings()
# The stamp of the settings when this admin began editing: a save after someone else's is refused.
version = ui.edit_version("settings", 0, ui.read(settings_version))

with st.form("settings_form"):
    left, right = st.columns(2)
    name_zh = left.text_input(ui.t("settings.group_name_zh"), values["group_name_zh"])
    name_en = right.text_input(ui.t("settings.group_name_en"), values["group_name_en"])
    profile_zh = left.text_area(ui.t("settings.group_profile_zh"), values["group_profile_zh"], height=150)
    profile_en = right.text_area(ui.t("settings.group_profile_en"), values["group_profile_en"], height=150)
    year = left.number_input(ui.t("settings.reporting_year"), 2000, 2100,
                             int(values.get("reporting_year") or china_today().year - 1))
    deadline = right.date_input(ui.t("settings.reporting_deadline"),
                                ui.read(reporting_deadline, int(year)))
    pct = left.number_input(ui.t("settings.change_comment_pct"), 1, 1000, int(values["change_comment_pct"]),
                            help=ui.t("settings.change_comment_help"))
    gap = right.number_input(ui.t("settings.mirror_gap_pct"), 1, 100, int(values["mirror_gap_pct"]),
                             help=ui.t("settings.mirror_gap_help"))
    complete = left.number_input(ui.t("settings.year_complete_pct"), *YEAR_COMPLETE_RANGE,
                                 min(max(int(values["year_complete_pct"]), YEAR_COMPLETE_RANGE[0]),
                                     YEAR_COMPLETE_RANGE[1]),
                                 help=ui.t("settings.year_complete_help"))
    # Shown and typed in yuan, stored in fen (integers: money is never a float in the books).
    approval = right.number_input(ui.t("settings.funds_approval_yuan"), FUNDS_APPROVAL_RANGE[0] / 100,
                                  FUNDS_APPROVAL_RANGE[1] / 100,
                                  min(max(int(values["funds_approval_fen"]), FUNDS_APPROVAL_RANGE[0]),
                                      FUNDS_APPROVAL_RANGE[1]) / 100, step=100.0, format="%.2f",
                                  help=ui.t("settings.funds_approval_help"))
    server_limit = server_upload_limit_mb()
    limit = right.number_input(ui.t("settings.upload_limit_mb"), 1, server_limit,
                               min(int(values["upload_limit_mb"]), server_limit),
                               help=ui.t("settings.upload_limit_help", max=server_limit))
    excel_left, excel_mid, excel_right = st.columns(3)
    excel_rows = excel_left.number_input(ui.t("settings.excel_max_rows"), 100, 1_000_000,
                                         int(values["excel_max_rows"]), step=1000,
                                         help=ui.t("settings.excel_max_rows_help"))
    excel_unpacked = excel_mid.number_input(ui.t("settings.excel_max_unpacked_mb"), 10, 2_000,
                                            int(values["excel_max_unpacked_mb"]),
                                            help=ui.t("settings.excel_max_unpacked_help"))
    excel_ratio = excel_right.number_input(ui.t("settings.excel_max_ratio"), 10, 1_000,
                                           int(values["excel_max_ratio"]),
                                           help=ui.t("settings.excel_max_ratio_help"))
    plans = ui.read(plan_service.plans)
    current = ui.read(plan_service.current_plan)
    plan_labels = {p.id: plan_service.plan_choice_label(p, ui.lang()) for p in plans}
    plan_id = st.selectbox(ui.t("settings.current_plan"), list(plan_labels), format_func=plan_labels.get,
                           index=list(plan_labels).index(current.id) if current else 0) if plans else None
    submitted = st.form_submit_button(ui.t("common.save"), type="primary")
if submitted:
    def save_all(session):
        update_settings(session, user, {
            "group_name_zh": name_zh, "group_name_en": name_en, "group_profile_zh": profile_zh,
            "group_profile_en": profile_en, "reporting_year": int(year), "reporting_deadline": deadline,
            "change_comment_pct": int(pct), "mirror_gap_pct": int(gap),
            "year_complete_pct": int(complete),
            "funds_approval_fen": int((Decimal(str(approval)) * 100).quantize(Decimal(1))), "upload_limit_mb": int(limit), "excel_max_rows": int(excel_rows),
            "excel_max_unpacked_mb": int(excel_unpacked), "excel_max_ratio": int(excel_ratio)},
            expected_version=version)
        if plan_id is not None:
            plan_service.set_current(session, user, plan_id)

    ui.save_and_rerun(save_all, flash_key="settings_flash", flash="settings.saved", reload=("settings", 0))

st.subheader(ui.t("settings.health"))
status = health.status(ui.engine())
cols = st.columns(4)
cols[0].metric(ui.t("settings.database"), status["database"])
cols[1].metric(ui.t("settings.size"), f"{(status['size_bytes'] or 0) / 1024 / 1024:.1f} MB")
cols[2].metric(ui.t("settings.schema"), status["revision"] or "—",
               delta=None if status["revision"] == status["head"] else ui.t("settings.schema_behind"))
last = status["last_backup_at"]
cols[3].metric(ui.t("settings.last_backup"), last[:16].replace("T", " ") if last else ui.t("settings.never"))
ui.member_breakdown(ui.read(overview.headline).by_status)
st.dataframe(pd.DataFrame({ui.t("settings.module"): [ui.t(f"settings.count_{k}") for k in status["counts"]],
                           ui.t("settings.rows"): list(status["counts"].values())}),
             hide_index=True, width="stretch")

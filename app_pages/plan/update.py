"""Milestone updates (任务更新): status, percent, dates, owner, evidence, with a comment and history."""
from datetime import date

import pandas as pd
import streamlit as st

from core import attachments, ui
from core.errors import UserFacingError
from core.models import MilestoneStatus
from core.plan import tracking as plan_service
from core.safe_text import plain
from core.timeutil import china_today

user = ui.guard("plan_update")
ui.page_header("plan_update", "plan_update.subtitle")
ui.show_flash("plan_update_flash")

current = ui.read(plan_service.current_plan)
if current is None:
    st.info(ui.t("plan.no_plans"), icon=":material/info:")
    st.stop()
frame = ui.read(plan_service.milestones, current.id, as_of=china_today(), lang=ui.lang())
if frame.empty:
    st.info(ui.t("plan.empty"), icon=":material/info:")
    st.stop()
st.caption(plan_service.plan_title(current, ui.lang()))

# Narrow the picker to a working list (the same lists as the plan page), numbered as everywhere.
working = plan_service.lists(frame, as_of=china_today(), staff_id=ui.read(plan_service.staff_id_of, user.id))
working["blocked"] = frame[frame["status"] == MilestoneStatus.BLOCKED]
narrow = st.segmented_control(ui.t("plan_update.show"), ["all", "overdue", "blocked", "due_soon", "mine"],
                              default="all", key="plan_update_show",
                              format_func=lambda name: ui.t("plan_update.show_all") if name == "all"
                              else f"{ui.t(f'plan.list_{name}')} ({len(working[name])})")
picked = frame if narrow in (None, "all") else working[narrow]
if picked.empty:
    st.info(ui.t("plan.none_match"), icon=":material/info:")
    st.stop()
labels = {int(row.id): f"{row.area_seq}.{row.task_seq}.{row.seq} {row.title} "
          f"({ui.t(f'milestone_status.{row.status}')}, {row.percent}%)" for row in picked.itertuples()}
if st.session_state.get("plan_update_pick") not in labels:
    st.session_state.pop("plan_update_pick", None)
chosen = st.selectbox(ui.t("plan_update.pick"), list(labels), format_func=labels.get,
                      key="plan_update_pick")
row = frame[frame["id"] == chosen].iloc[0]
version = ui.edit_version("milestone", int(chosen), int(row["version"]))
st.markdown(f"**{row['area_seq']}. {row['area']} › {row['task_seq']}. {row['task']}**")

owners = dict(ui.read(plan_service.owners))
indicators = {None: ui.t("plan_update.no_indicator"),
              **{i: f"{code} {name}" for i, code, name in ui.read(plan_service.indicators)}}
statuses = list(MilestoneStatus)


def k(field: str) -> str:
    return ui.field_key("milestone", int(chosen), field)


with st.form(f"plan_update_form_{chosen}"):
    name_zh, name_en = st.columns(2)
    title = name_zh.text_input(ui.t("plan.col_milestone"), row["title_zh"], key=k("title"))
    title_en = name_en.text_input(ui.t("plan_manage.name_en"), row["title_en"], key=k("title_en"),
                                  help=ui.t("plan_manage.name_en_help"))
    left, right = st.columns(2)
    status = left.selectbox(ui.t("plan.col_status"), statuses, index=statuses.index(row["status"]),
                            format_func=lambda s: ui.t(f"milestone_status.{s}"), key=k("status"))
    percent = right.number_input(ui.t("plan.col_percent"), min_value=0, max_value=100,
                                 value=int(row["percent"]), step=5,
                                 help=ui.t("plan_update.percent_help"), key=k("percent"))
    start = left.date_input(ui.t("plan.col_start"), row["planned_start"], min_value=date(2000, 1, 1),
                          key=k("planned_start"))
    due = right.date_input(ui.t("plan.col_due"), row["planned_due"], min_value=date(2000, 1, 1),
                         key=k("planned_due"))
    done_on = left.date_input(ui.t("plan.col_done"), row["actual_done_on"] if pd.notna(row["actual_done_on"]) else None,
                              min_value=date(2000, 1, 1), help=ui.t("plan_update.done_help"),
                              key=k("actual_done_on"))
    owner_ids = [None, *owners]
    owner = right.selectbox(ui.t("plan.col_owner"), owner_ids,
                            index=owner_ids.index(int(row["owner_staff_id"]))
                            if pd.notna(row["owner_staff_id"]) and int(row["owner_staff_id"]) in owners else 0,
                            format_func=lambda i: owners.get(i, "—"), key=k("owner"))
    indicator_ids = list(indicators)
    current_indicator = int(row["indicator_id"]) if pd.notna(row["indicator_id"]) else None
    indicator = left.selectbox(ui.t("plan_update.indicator"), indicator_ids,
                               index=indicator_ids.index(current_indicator) if current_indicator in indicators else 0,
                               format_func=indicators.get, help=ui.t("plan_update.indicator_help"),
                               key=k("indicator"))
    # A target means something only against a linked indicator: shown once one is linked.
    target = right.number_input(ui.t("plan_update.target"), min_value=0.0,
                                value=float(row["target_value"]) if pd.notna(row["target_value"]) else 0.0,
                                key=k("target")) if current_indicator is not None else None
    evidence = st.text_area(ui.t("plan.col_evidence"), row["evidence"] or "", key=k("evidence"))
    comment = st.text_input(ui.t("plan_update.comment"), help=ui.t("plan_update.comment_help"),
                            key=k("comment"))
    submitted = st.form_submit_button(ui.t("common.save"), type="primary")
if submitted:
    ui.save_and_rerun(plan_service.update_milestone, user, int(chosen), version, {
        "title": title, "title_en": title_en, "status": status, "percent": int(percent), "planned_start": start,
        "planned_due": due, "actual_done_on": done_on, "owner_staff_id": owner, "evidence": evidence,
        "indicator_id": indicator, "target_value": target if indicator is not None else None,
    }, comment=comment, flash_key="plan_update_flash", flash="plan_update.saved",
        reload=("milestone", int(chosen)))

def shown(field: str, value) -> str:
    """A history value as a person reads it: labels for codes, names for ids."""
    if value is None or value == "":
        return "—"
    if field == "status":
        return ui.t(f"milestone_status.{value}")
    if field == "owner_staff_id":
        return owners.get(value, str(value))
    if field == "indicator_id":
        return indicators.get(value, str(value))
    return str(value)


files_col, history_col = st.columns([2, 3], gap="large")
with files_col:
    st.subheader(ui.t("plan_update.files"))
    files = ui.read(attachments.listing, "milestone", int(chosen))
    for item in files.itertuples():  # the file's bytes are read only when it is downloaded
        get, drop = st.columns([5, 1], vertical_alignment="center")
        get.download_button(ui.t("plan_update.file_label", name=plain(item.filename), kb=item.size_bytes // 1024 + 1),
                            lambda file_id=int(item.id): ui.read(attachments.content, user, file_id)[2],
                            file_name=item.filename, mime=item.mime_type, key=f"plan_update_file_{item.id}",
                            icon=":material/attach_file:")
        if drop.button(ui.t("plan_update.remove_file"), key=f"plan_update_remove_{item.id}", icon=":material/delete:",
                       help=ui.t("plan_update.remove_file_help", name=item.filename)):
            ui.save_and_rerun(attachments.remove, user, int(item.id), flash_key="plan_update_flash",
                              flash="plan_update.file_removed")
    # One step: a file chosen is attached at once (the uploader then starts empty again).
    upload = st.file_uploader(ui.t("plan_update.upload"), key=f"plan_update_upload_{chosen}_{len(files)}",
                              type=attachments.UPLOAD_EXTENSIONS)
    if upload is not None:
        try:
            ui.write(attachments.add, user, owner_kind="milestone", owner_id=int(chosen),
                     filename=upload.name, content=upload.getvalue())
        except UserFacingError as error:
            ui.show_error(error)
        else:
            st.session_state["plan_update_flash"] = "plan_update.attached"
            st.rerun()
with history_col:
    st.subheader(ui.t("plan_update.history"))
    history = ui.read(plan_service.history, int(chosen))
    if history.empty:
        st.caption(ui.t("plan_update.no_history"))
    for item in history.itertuples():
        changes = "；".join(f"{ui.t(f'plan.field_{name}')}: {shown(name, old)} → {shown(name, new)}"
                           for name, (old, new) in item.changes.items())
        st.markdown(f"**{ui.when(item.at)}** · {item.who}  \n{changes}"
                    + (f"  \n> {item.comment}" if item.comment else ""))

"""Follow-ups (督办事项): the actions decided at meetings, filtered by status, meeting and owner;
the office moves any of them on, a liaison its unit's; closing one can complete its milestone."""
import streamlit as st

from core import ui
from core.auth import STAFF_ROLES
from core.meetings import actions, views
from core.meetings.models import ActionStatus
from core.models import Role
from core.safe_text import plain

user = ui.guard("meeting_actions")
ui.page_header("meeting_actions", "meeting_actions.subtitle")
FLASH = "meeting_actions_flash"
ui.show_flash(FLASH)

left, middle, right = st.columns(3)
status = left.selectbox(ui.t("actions.col_status"), ["unfinished", *ActionStatus, None], key="actions_status",
                        format_func=lambda s: ui.t("common.choose_all") if s is None
                        else ui.t("actions.open_any") if s == "unfinished" else ui.t(f"action_status.{s}"))
overdue = middle.toggle(ui.t("actions.overdue_only"), key="actions_overdue")
mine = right.toggle(ui.t("actions.mine_only"), key="actions_mine", value=user.role == Role.MEMBER,
                    disabled=user.role == Role.MEMBER)
owner = ui.read(actions.owner_of, user) if mine else {}
rows = ui.read(actions.action_list, user, status=status, overdue_only=overdue, **owner)

st.caption(ui.t("actions.count", count=len(rows), overdue=int(rows["overdue"].sum()) if not rows.empty else 0))
if rows.empty:
    st.info(ui.t("actions.none"), icon=":material/task_alt:")
    st.stop()
st.dataframe(views.actions_table(rows, ui.t), hide_index=True, width="stretch")

editable = rows if user.role in STAFF_ROLES else rows[rows["owner_member_id"] == user.member_id] \
    if user.role == Role.MEMBER else rows.iloc[0:0]
if editable.empty:
    st.stop()
st.subheader(ui.t("actions.update"))
labels = {int(r.id): f"{r.title} · {r.owner}" for r in editable.itertuples()}
chosen = st.selectbox(ui.t("actions.pick"), list(labels), format_func=labels.get, key="actions_pick")
row = editable[editable["id"] == chosen].iloc[0]
with st.form(f"action_{chosen}"):
    version = ui.edit_version("action", chosen, int(row["version"]))
    statuses = list(ActionStatus)
    new_status = st.selectbox(ui.t("actions.col_status"), statuses, index=statuses.index(row["status"]),
                              format_func=lambda s: ui.t(f"action_status.{s}"))
    note = st.text_area(ui.t("actions.col_note"), value=row["note"], max_chars=2000)
    close = False
    if user.role in STAFF_ROLES and row["milestone_id"] is not None and row["milestone"]:
        close = st.checkbox(ui.t("actions.close_milestone", milestone=plain(row["milestone"])))
    if st.form_submit_button(ui.t("common.save"), type="primary"):
        ui.save_and_rerun(actions.update_action, user, chosen, version, status=new_status, note=note,
                          close_milestone=close, flash_key=FLASH, flash="actions.saved", reload=("action", chosen))

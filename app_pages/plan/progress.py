"""Plan tracking (三年建设实施方案): progress roll-up, the tree, the timeline, the working lists."""
from datetime import date

import pandas as pd
import streamlit as st

from core import attachments, charts, ui
from core.excel import table_export
from core.models import MilestoneStatus
from core.plan import exchange as plan_exchange, tracking as plan_service
from core.safe_text import plain
from core.timeutil import china_today

user = ui.guard("plan")
ui.page_header("plan", "plan.subtitle")

plans = ui.read(plan_service.plans)
if not plans:
    st.info(ui.t("plan.no_plans"), icon=":material/info:")
    st.stop()
current = ui.read(plan_service.current_plan)
labels = {p.id: plan_service.plan_choice_label(p, ui.lang()) for p in plans}
top_left, top_right = st.columns([3, 1])
plan_id = top_left.selectbox(ui.t("plan.plan"), list(labels), format_func=labels.get,
                             index=list(labels).index(current.id), key="plan_pick")
as_of = top_right.date_input(ui.t("plan.as_of"), china_today(), min_value=date(2000, 1, 1),
                             key="plan_as_of", help=ui.t("plan.as_of_help"))
frame = ui.read(plan_service.milestones, plan_id, as_of=as_of, lang=ui.lang())  # names in the reader's language
if frame.empty:
    st.info(ui.t("plan.empty"), icon=":material/info:")
    st.stop()


RAG_COLOUR = {"green": "green", "amber": "orange", "red": "red"}


def rag_text(code: str) -> str:
    return ui.t(f"rag.{code}") if code else ""


def rag_badge(code: str) -> str:
    """Red/amber/green as a coloured badge, for markdown and expander labels."""
    return f":{RAG_COLOUR[code]}-badge[{ui.t(f'rag.{code}')}]" if code else ""


whole = plan_service.overall(frame)
areas = plan_service.rollup(frame, ["area_seq", "area"])
cols = st.columns(4)
# The gap to where the plan should be by now, said in words (an arrow would read as a drop).
gap = whole.progress - whole.expected
cols[0].metric(ui.t("plan.metric_progress"), f"{whole.progress:.1f}%",
               delta=ui.t("plan.ahead_of_schedule" if gap >= 0 else "plan.behind_schedule",
                          points=f"{abs(gap):.1f}", expected=f"{whole.expected:.0f}"),
               delta_color="normal" if gap >= 0 else "inverse", delta_arrow="off", border=True,
               help=ui.t("plan.metric_progress_help", expected=f"{whole.expected:.0f}"))
cols[1].metric(ui.t("plan.metric_rag"), rag_text(whole.rag), border=True)
cols[2].metric(ui.t("plan.metric_milestones"), whole.milestones, border=True)
cols[3].metric(ui.t("plan.metric_overdue"), whole.overdue, border=True)

area_cols = st.columns(len(areas))
for column, row in zip(area_cols, areas.itertuples()):
    with column.container(border=True):
        st.markdown(f"**{row.area_seq}. {row.area}**")
        st.progress(min(1.0, row.progress / 100), text=ui.t("plan.area_line", progress=f"{row.progress:.1f}",
                                                           expected=f"{row.expected:.0f}"))
        st.markdown(f"{rag_badge(row.rag)} :gray[{ui.t('plan.overdue_count', count=int(row.overdue))}]")

lang = ui.lang()
ui.download_workbook(ui.t("plan.export"),
                     lambda: ui.read(plan_exchange.export_pack, plan_id, as_of=as_of, lang=lang),
                     file_name=ui.t("plan.export_file"), key="plan_export")

tree_tab, gantt_tab, lists_tab = st.tabs([ui.t("plan.tab_tree"), ui.t("plan.tab_gantt"),
                                          ui.t("plan.tab_lists")])


def show_evidence(rows: pd.DataFrame) -> None:
    """What each milestone's evidence says, and its files to download, for every role that
    sees the plan (the council judges progress by it)."""
    for row in rows.itertuples():
        files = evidence_files[evidence_files["owner_id"] == row.id]
        if not row.evidence and files.empty:
            continue
        st.markdown(f"**{row.area_seq}.{row.task_seq}.{row.seq} {plain(row.title)}** · {ui.t('plan.evidence')}")
        if row.evidence:
            st.caption(plain(row.evidence))
        for item in files.itertuples():
            st.download_button(ui.t("plan_update.file_label", name=plain(item.filename), kb=item.size_bytes // 1024 + 1),
                               lambda file_id=int(item.id): ui.read(attachments.content, user, file_id)[2],
                               file_name=item.filename, key=f"plan_evidence_{item.id}", icon=":material/attach_file:")


def milestone_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        ui.t("plan.col_no"): rows["area_seq"].astype(str) + "." + rows["task_seq"].astype(str) + "."
        + rows["seq"].astype(str),  # the numbering used everywhere (1.1.2), not a database id
        ui.t("plan.col_task"): rows["area_seq"].astype(str) + "." + rows["task_seq"].astype(str) + " " + rows["task"],
        ui.t("plan.col_milestone"): rows["title"],
        ui.t("plan.col_owner"): rows["owner"],
        ui.t("plan.col_due"): rows["planned_due"],
        ui.t("plan.col_done"): rows["actual_done_on"],  # a date not reached reads "—" (core/ui/tables.py)
        ui.t("plan.col_status"): rows["status"].map(lambda s: ui.t(f"milestone_status.{s}")),
        ui.t("plan.col_progress"): rows["progress"],
        ui.t("plan.col_rag"): rows["rag"].map(rag_text),
    })


PROGRESS = {ui.t("plan.col_progress"): st.column_config.ProgressColumn(
    ui.t("plan.col_progress"), min_value=0, max_value=100, format="%.0f%%")}

with tree_tab:
    evidence_files = ui.read(attachments.listing_many, "milestone", [int(i) for i in frame["id"]])
    tasks = plan_service.rollup(frame, ["area_seq", "area", "task_seq", "task"])
    for area in areas.itertuples():
        st.markdown(f"#### {area.area_seq}. {area.area} · {area.progress:.1f}%")
        for task in tasks[tasks["area_seq"] == area.area_seq].itertuples():
            rows = frame[(frame["area_seq"] == area.area_seq) & (frame["task_seq"] == task.task_seq)]
            with st.expander(f"{task.area_seq}.{task.task_seq} {task.task} — {task.progress:.1f}% "
                             f"{rag_badge(task.rag)}"):
                st.dataframe(milestone_table(rows), hide_index=True, width="stretch",
                             column_config=PROGRESS)
                show_evidence(rows)

with gantt_tab:
    f1, f2, f3, f4 = st.columns(4)
    area_pick = f1.multiselect(ui.t("plan.col_area"), list(areas["area"]), key="plan_gantt_area", placeholder=ui.t("common.choose_all"))
    owner_pick = f2.multiselect(ui.t("plan.col_owner"), sorted(set(frame["owner"]) - {""}),
                                key="plan_gantt_owner", placeholder=ui.t("common.choose_all"))
    years = sorted({d.year for d in frame["planned_due"]})
    year_pick = f3.multiselect(ui.t("plan.year"), years, key="plan_gantt_year", placeholder=ui.t("common.choose_all"))
    status_pick = f4.multiselect(ui.t("plan.col_status"), list(MilestoneStatus),
                                 format_func=lambda s: ui.t(f"milestone_status.{s}"), key="plan_gantt_status",
                                 placeholder=ui.t("common.choose_all"))
    shown = frame
    if area_pick:
        shown = shown[shown["area"].isin(area_pick)]
    if owner_pick:
        shown = shown[shown["owner"].isin(owner_pick)]
    if year_pick:
        shown = shown[shown["planned_due"].map(lambda d: d.year).isin(year_pick)]
    if status_pick:
        shown = shown[shown["status"].isin(status_pick)]
    if shown.empty:
        st.caption(ui.t("plan.none_match"))
    else:
        state = [("overdue" if row.overdue else row.status) for row in shown.itertuples()]
        data = shown.assign(
            label=shown["area_seq"].astype(str) + "." + shown["task_seq"].astype(str) + "."
            + shown["seq"].astype(str) + " " + shown["title"],
            state=state, status_text=[ui.t(f"plan.state_{s}") for s in state],
            planned_start=pd.to_datetime(shown["planned_start"]),
            planned_due=pd.to_datetime(shown["planned_due"]),
            actual_done_on=pd.to_datetime(shown["actual_done_on"]))
        st.altair_chart(charts.gantt(
            data[["label", "planned_start", "planned_due", "actual_done_on", "state", "owner",
                  "status_text", "progress"]], as_of=as_of,
            labels={key: ui.t(f"plan.state_{key}") for key in charts.GANTT_COLOURS},
            titles={"state": ui.t("plan.col_status"), "milestone": ui.t("plan.col_milestone"),
                    "owner": ui.t("plan.col_owner"), "start": ui.t("plan.col_start"),
                    "due": ui.t("plan.col_due"), "done": ui.t("plan.col_done"),
                    "progress": ui.t("plan.col_progress")}), width="stretch")
        st.caption(ui.t("plan.gantt_hint"))

with lists_tab:
    staff_id = ui.read(plan_service.staff_id_of, user.id)
    working = plan_service.lists(frame, as_of=as_of, staff_id=staff_id)
    names = ["overdue", "due_soon", "recent"] + (["mine"] if staff_id is not None else [])
    shown_lists = {name: working[name] for name in names}
    ui.download_workbook(ui.t("plan.lists_export"), lambda: table_export.plan_lists(shown_lists, lang),
                         file_name=ui.t("plan.lists_export_file"), key="plan_lists_export")
    for name in names:
        rows = working[name]
        st.markdown(f"**{ui.t(f'plan.list_{name}')}** ({len(rows)})")
        if rows.empty:
            st.caption(ui.t("plan.list_empty"))
        else:
            st.dataframe(milestone_table(rows), hide_index=True, width="stretch", column_config=PROGRESS)

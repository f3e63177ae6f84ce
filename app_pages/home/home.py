"""Home (工作台): the group at a glance, with what matters to the caller's role."""

import pandas as pd
import streamlit as st

from core import charts, ui
from core.auth import STAFF_ROLES
from core.funds import funds
from core.home import overview
from core.indicators import years as year_rule
from core.messages import common
from core.models import Role
from core.plan import tracking as plan_service
from core.safe_text import plain
from core.settings import reporting_year
from core.timeutil import china_today

user = ui.guard("home")
ui.page_header("home")
st.caption(ui.t("home.greeting", name=plain(user.display_name), role=ui.role_label(user.role)))

head = ui.read(overview.headline, ui.lang())
plan = ui.read(plan_service.current_plan)
milestones = ui.read(plan_service.milestones, plan.id, as_of=china_today(), lang=ui.lang()) if plan else pd.DataFrame()
areas = plan_service.rollup(milestones, ["area_seq", "area"]) if not milestones.empty else pd.DataFrame()
year = ui.read(reporting_year)
status = ui.read(overview.reporting_status, user, year) if year else None
year_state = ui.read(year_rule.year_state, user, year) if year else None
notices, unread = ui.read(overview.notices_for, user)

cols = st.columns(4)
with cols[0]:
    st.metric(ui.t("home.metric_members"), head.active_members, border=True)
    ui.member_breakdown(head.by_status)
cols[1].metric(ui.t("home.metric_plan"),
               f"{plan_service.overall(milestones).progress:.1f}%" if not areas.empty else "—",
               border=True)
with cols[2]:
    st.metric(ui.t("home.metric_reported", year=year or "—"),
              f"{status['reported']} / {status['expected']}" if status else "—", border=True)
    if year_state is not None and year_state.in_progress:  # the one rule: core.indicators.years
        st.caption(ui.t("years.in_progress_mark", year=year, approved=year_state.approved,
                        expected=year_state.expected))
cols[3].metric(ui.t("home.metric_unread"), unread, border=True)

# The user's work queue: what waits for them, each a link to where it is done.
queue = []
if user.role in STAFF_ROLES and status is not None and status["submitted"]:
    queue.append(("indicator_review", ui.t("home.todo_review", count=status["submitted"], year=year),
                  ":material/fact_check:"))
if user.role == Role.MEMBER and year:
    mine = ui.read(overview.reporting_status, user, year, member_id=user.member_id)
    if not (mine["submitted"] or mine["approved"]):
        queue.append(("indicator_entry", ui.t("home.todo_report", year=year), ":material/edit_note:"))
meeting_work = ui.read(overview.meeting_queue, user)
if meeting_work["actions"]:
    queue.append(("meeting_actions", ui.t("home.todo_actions", count=meeting_work["actions"],
                                          overdue=meeting_work["overdue"]), ":material/task_alt:"))
if meeting_work["invitations"]:
    queue.append(("meetings", ui.t("home.todo_invitations", count=meeting_work["invitations"]), ":material/event:"))
if user.role in STAFF_ROLES and (approvals := ui.read(funds.pending_for_me, user)):
    queue.append(("funds", ui.t("home.todo_expenses", count=approvals), ":material/account_balance_wallet:"))
if unread:
    queue.append(("inbox", ui.t("home.todo_unread", count=unread), ":material/mail:"))
if queue:
    with st.container(border=True):
        st.markdown(f"**{ui.t('home.todo_title')}**")
        for page_key, label, icon in queue:
            ui.link_to_page(page_key, label, icon)

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(ui.t("home.plan_title"))
    if plan is None or areas.empty:
        st.caption(ui.t("home.no_plan"))
    else:
        st.caption(plan_service.plan_title(plan, ui.lang()))
        st.altair_chart(charts.progress_bars(areas, label="area", value="progress",
                                             label_title=ui.t("home.col_area"),
                                             value_title=ui.t("home.col_progress")),
                        width="stretch")
        counts = milestones["status"].value_counts()
        st.caption(" · ".join(f"{ui.t(f'milestone_status.{code}')} {counts[code]}"
                              for code in ("done", "in_progress", "not_started", "blocked",
                                           "cancelled") if counts.get(code, 0)))
with right:
    st.subheader(ui.t("home.notices_title"))
    if not notices:
        st.caption(ui.t("home.no_notices"))
    for notice in notices:
        marker = ":material/push_pin: " if notice["pinned"] else ""
        badge = f" :blue-badge[{ui.t('home.unread')}]" if notice["unread"] else ""
        category = ui.t("message_category." + notice["category"])
        st.markdown(f"{marker}**{common.plain_title(notice['title'])}**{badge}  \n"
                    f":gray[{category} · {ui.when(notice['at'])[:10]}]")
    if notices:
        ui.link_to_page("inbox", ui.t("home.all_messages"), icon=":material/mail:")

# The indicators of the newest complete year: a year still being reported would read as a fall.
summary = ui.read(overview.indicator_summary, user)
if summary is not None and user.role != Role.MEMBER:
    with st.container(border=True):
        title = ui.t("home.indicators_title", year=summary["year"])
        if summary["in_progress"]:
            title += f"（{ui.t('years.short_mark', approved=summary['approved'], expected=summary['expected'])}）"
        st.markdown(f"**{title}**")
        st.caption(" · ".join(f"{ui.t(f'indicators.rag_{code}')} {summary['rag'][code]}"
                              for code in ("green", "amber", "red", "no_data")))
        ui.link_to_page("indicators", ui.t("home.indicators_link"), ":material/monitoring:")

if user.role == Role.MEMBER and user.member_id is not None:
    st.subheader(ui.t("home.my_unit"))
    card = ui.read(overview.member_card, user, user.member_id)
    info, reports = st.columns([2, 3], gap="large")
    with info:
        st.markdown(f"**{plain(card['name'])}**")
        st.write(ui.t("home.unit_line", type=ui.t(f"member_type.{card['unit_type']}"),
                      city=plain(card["city"]), status=ui.t(f"member_status.{card['status']}")))
        st.write(ui.t("home.contact_line", name=plain(card["contact_name"]),
                      phone=plain(card["contact_phone"]), email=plain(card["contact_email"])))
    with reports:
        rows = ui.read(overview.unit_submissions, user, user.member_id)
        if rows.empty:
            st.caption(ui.t("home.no_submissions"))
        else:
            st.dataframe(pd.DataFrame({
                ui.t("home.col_year"): rows["year"].astype(str),
                ui.t("home.col_status"): rows["status"].map(lambda s: ui.t(f"value_status.{s}")),
                ui.t("home.col_on_time"): rows["on_time"].map(
                    lambda v: "" if v is None or pd.isna(v) else ui.t("common.yes" if v else "common.no")),
                ui.t("home.col_reason"): rows["review_reason"],
            }), hide_index=True, width="stretch")
elif status is not None:
    st.subheader(ui.t("home.reporting_title", year=year))
    if year_state is not None and year_state.in_progress:
        st.caption(ui.t("years.in_progress_deadline", approved=year_state.approved,
                        expected=year_state.expected, deadline=year_state.deadline.isoformat()))
    parts = st.columns(5)
    for column, code in zip(parts, ("approved", "submitted", "rejected", "draft")):
        column.metric(ui.t(f"value_status.{code}"), status[code])
    parts[4].metric(ui.t("home.not_reported"),
                    max(0, status["expected"] - status["reported"] - status["rejected"] - status["draft"]))

if user.role == Role.ADMIN:
    st.subheader(ui.t("home.admin_title"))
    accounts = ui.read(overview.account_summary, user)
    a, b, c = st.columns(3)
    a.metric(ui.t("home.metric_users"), accounts["users"])
    b.metric(ui.t("home.metric_liaisons"), accounts["members"])
    c.metric(ui.t("home.metric_locked"), accounts["locked"])
    events = ui.read(overview.recent_audit, user)
    st.dataframe(pd.DataFrame({
        ui.t("home.col_time"): events["at"].map(ui.when),
        ui.t("home.col_actor"): events["actor"],
        ui.t("home.col_action"): events["action"].map(lambda a: ui.t(f"audit_action.{a}")),
        ui.t("home.col_detail"): events["detail"],
    }), hide_index=True, width="stretch")

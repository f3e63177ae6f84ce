"""Organise meetings (会议管理): the secretariat creates a meeting, sets its agenda, invites
units (their inboxes get the invitation), records who came and what was decided, turns decisions
into follow-ups, attaches files and photos, publishes the minutes as a notice in one click, and
chooses the meeting mode's slides."""
from datetime import datetime, time, timedelta

import streamlit as st

from core import attachments, ui
from core.meetings import actions, deck, meetings, minutes as minutes_service
from core.meetings.models import MeetingKind, MeetingStatus
from core.safe_text import plain
from core.timeutil import CHINA_TZ, china_today, to_china

user = ui.guard("meeting_manage")
ui.page_header("meeting_manage", "meeting_manage.subtitle")
FLASH = "meeting_manage_flash"
ui.show_flash(FLASH)
kind_label = lambda c: ui.t(f"meeting_kind.{c}")


def meeting_fields(prefix: str, m=None) -> dict:
    """The meeting's fields as a form shows them; times are China time."""
    local = to_china(m.starts_at) if m else datetime.combine(china_today() + timedelta(days=14), time(9), CHINA_TZ)
    left, right = st.columns(2)
    kinds = list(MeetingKind)
    values = {"kind": left.selectbox(ui.t("meetings.kind"), kinds, index=kinds.index(m.kind) if m else 0,
                                     format_func=kind_label, key=f"{prefix}_kind"),
              "title": right.text_input(ui.t("meetings.col_title"), value=m.title if m else "", max_chars=200,
                                        key=f"{prefix}_title")}
    day = left.date_input(ui.t("meetings.day"), local.date(), key=f"{prefix}_day")
    start = right.time_input(ui.t("meetings.starts"), local.time(), key=f"{prefix}_start")
    end = right.time_input(ui.t("meetings.ends"), to_china(m.ends_at).time() if m and m.ends_at else None,
                           key=f"{prefix}_end")
    values["starts_at"] = datetime.combine(day, start, CHINA_TZ)
    values["ends_at"] = datetime.combine(day, end, CHINA_TZ) if end else None
    values["online"] = left.toggle(ui.t("meetings.online"), value=bool(m and m.online), key=f"{prefix}_online")
    values["place"] = left.text_input(ui.t("meetings.col_place"), value=m.place if m else "", max_chars=200,
                                      key=f"{prefix}_place")
    values["host"] = right.text_input(ui.t("meetings.host"), value=m.host if m else "", max_chars=100,
                                      key=f"{prefix}_host")
    values["description"] = st.text_area(ui.t("meetings.description"), value=m.description if m else "",
                                         max_chars=4000, key=f"{prefix}_description")
    return values


with st.expander(ui.t("meeting_manage.new"), icon=":material/add:"), st.form("meeting_new", clear_on_submit=False):
    values = meeting_fields("meeting_new")
    if st.form_submit_button(ui.t("meeting_manage.create"), type="primary"):
        ui.save_and_rerun(meetings.create_meeting, user, **values, flash_key=FLASH,
                          flash="meeting_manage.created")

frame = ui.read(meetings.meeting_list, user)
if frame.empty:
    st.info(ui.t("meetings.none"), icon=":material/event_busy:")
    st.stop()
labels = {int(r.id): f"{to_china(r.starts_at).strftime('%Y-%m-%d')} · {kind_label(r.kind)} · {r.title}"
          for r in frame.iloc[::-1].itertuples()}
upcoming = [i for i, t in zip(frame["id"], frame["starts_at"]) if to_china(t).date() >= china_today()]
ids = list(labels)
chosen = st.selectbox(ui.t("meetings.open"), ids, format_func=labels.get, key="meeting_manage_pick",
                      index=ids.index(int(upcoming[0])) if upcoming else 0)
detail = ui.read(meetings.meeting, user, chosen)
m = detail["meeting"]
info, agenda, guests, minutes, follow_ups, files, slides = st.tabs(
    [ui.t(f"meeting_manage.tab_{k}") for k in ("info", "agenda", "guests", "minutes", "actions", "files", "slides")])

with info, st.form(f"meeting_edit_{chosen}"):
    version = ui.edit_version("meeting", chosen, m.version)
    values = meeting_fields(f"meeting_edit_{chosen}_{m.version}", m)
    statuses = list(MeetingStatus)
    status = st.selectbox(ui.t("meetings.status"), statuses, index=statuses.index(m.status),
                          format_func=lambda c: ui.t(f"meeting_status.{c}"))
    if st.form_submit_button(ui.t("common.save"), type="primary"):
        ui.save_and_rerun(meetings.update_meeting, user, chosen, version, **values, status=status,
                          flash_key=FLASH, flash="meeting_manage.saved", reload=("meeting", chosen))

with agenda:
    for item in detail["items"]:
        with st.form(f"meeting_item_{item.id}"):
            st.markdown(f"**{item.seq}. {plain(item.title)}**")
            decision = st.text_area(ui.t("meetings.decision"), value=item.decision, max_chars=4000)
            if st.form_submit_button(ui.t("meeting_manage.save_decision")):
                ui.save_and_rerun(meetings.record_decision, user, item.id, item.version, decision=decision,
                                  flash_key=FLASH, flash="meeting_manage.decision_saved")
    with st.form("meeting_item_new", clear_on_submit=True):
        left, right = st.columns([3, 1])
        title = left.text_input(ui.t("meeting_manage.item_title"), max_chars=300)
        presenter = right.text_input(ui.t("meeting_manage.presenter"), max_chars=100)
        if st.form_submit_button(ui.t("meeting_manage.add_item"), icon=":material/add:"):
            ui.save_and_rerun(meetings.add_agenda_item, user, chosen, title=title, presenter=presenter,
                              flash_key=FLASH, flash="meeting_manage.item_added")

with guests:
    invited = detail["invitations"]
    units = dict(ui.read(meetings.unit_choices, user))
    if m.status == MeetingStatus.PLANNED:
        with st.form("meeting_invite"):
            picked = st.multiselect(ui.t("meeting_manage.invite_units"), [u for u in units if u not in set(invited["member_id"])],
                                    format_func=units.get, placeholder=ui.t("common.choose"))
            if st.form_submit_button(ui.t("meeting_manage.invite"), type="primary", icon=":material/send:"):
                ui.save_and_rerun(meetings.invite, user, chosen, member_ids=picked, lang=ui.lang(),
                                  flash_key=FLASH, flash="meeting_manage.invited")
    if not invited.empty:
        names = dict(zip(invited["member_id"].astype(int), invited["unit"]))
        came = [int(i) for i, a in zip(invited["member_id"], invited["attended"]) if a is True]
        with st.form("meeting_attendance"):
            attended = st.multiselect(ui.t("meeting_manage.attended_units"), list(names), default=came,
                                      format_func=names.get, placeholder=ui.t("common.choose"))
            if st.form_submit_button(ui.t("meeting_manage.record_attendance"), icon=":material/how_to_reg:"):
                ui.save_and_rerun(meetings.record_attendance, user, chosen, attended_ids=attended,
                                  flash_key=FLASH, flash="meeting_manage.attendance_saved")
        st.caption(ui.t("meeting_manage.answers_line", confirmed=int((invited["status"] == "confirmed").sum()),
                        declined=int((invited["status"] == "declined").sum()), invited=len(invited)))

with minutes:
    with st.form("meeting_minutes"):
        text = st.text_area(ui.t("meetings.minutes"), value=m.minutes, height=220, max_chars=40000)
        st.caption(ui.t("meeting_manage.minutes_help"))
        if st.form_submit_button(ui.t("meeting_manage.publish_minutes"), type="primary", icon=":material/campaign:"):
            ui.save_and_rerun(minutes_service.publish_minutes, user, chosen, minutes=text, lang=ui.lang(),
                              flash_key=FLASH, flash="meeting_manage.minutes_published")
    if m.minutes_message_id:
        st.caption(ui.t("meeting_manage.minutes_notice", id=m.minutes_message_id))

with follow_ups:
    staff = dict(ui.read(actions.staff_choices, user))
    units = dict(ui.read(meetings.unit_choices, user))
    milestones = dict(ui.read(actions.milestone_choices, user))
    items = {item.id: f"{item.seq}. {item.title}" for item in detail["items"]}
    with st.form("meeting_action_new", clear_on_submit=True):
        title = st.text_input(ui.t("actions.col_title"), max_chars=300)
        left, right = st.columns(2)
        item_id = left.selectbox(ui.t("actions.col_item"), [None, *items], format_func=lambda i: "—" if i is None else items[i])
        due = right.date_input(ui.t("actions.col_due"), china_today() + timedelta(days=30))
        owner_staff = left.selectbox(ui.t("actions.owner_staff"), [None, *staff],
                                     format_func=lambda i: "—" if i is None else staff[i])
        owner_unit = right.selectbox(ui.t("actions.owner_unit"), [None, *units],
                                     format_func=lambda i: "—" if i is None else units[i])
        milestone = st.selectbox(ui.t("actions.col_milestone"), [None, *milestones],
                                 format_func=lambda i: "—" if i is None else milestones[i])
        if st.form_submit_button(ui.t("actions.add"), type="primary", icon=":material/add_task:"):
            ui.save_and_rerun(actions.add_action, user, chosen, title=title, owner_staff_id=owner_staff,
                              owner_member_id=owner_unit, due_on=due, agenda_item_id=item_id,
                              milestone_id=milestone, flash_key=FLASH, flash="actions.added")
    rows = ui.read(actions.action_list, user, meeting_id=chosen)
    if not rows.empty:
        from core.meetings import views
        st.dataframe(views.actions_table(rows, ui.t), hide_index=True, width="stretch")

with files:
    for row in detail["files"].itertuples():
        st.markdown(ui.t("meeting_manage.file_line", name=plain(row.filename), kb=row.size_bytes // 1024))
    upload = st.file_uploader(ui.t("meeting_manage.upload"), type=attachments.UPLOAD_EXTENSIONS,
                              key=f"meeting_upload_{chosen}_{len(detail['files'])}")
    if upload is not None and st.button(ui.t("meeting_manage.attach"), icon=":material/attach_file:"):
        ui.save_and_rerun(meetings.add_file, user, chosen, filename=upload.name, content=upload.getvalue(),
                          flash_key=FLASH, flash="meeting_manage.attached")

with slides:
    current = list(m.slides or deck.DEFAULT_ORDER)
    with st.form("meeting_slides"):
        picked = st.multiselect(ui.t("meeting_manage.slides"), list(deck.SLIDES), default=current,
                                format_func=lambda c: ui.t(f"slide.{c}"), help=ui.t("meeting_manage.slides_help"))
        if st.form_submit_button(ui.t("common.save")):
            ui.save_and_rerun(meetings.set_slides, user, chosen, picked, flash_key=FLASH,
                              flash="meeting_manage.slides_saved")
    st.link_button(ui.t("meeting_manage.present"), f"/meeting_mode?meeting={chosen}", icon=":material/slideshow:")

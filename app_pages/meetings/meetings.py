"""Meetings (会议活动): the year's meetings and events as a list with filters and as a calendar;
one meeting opened with its agenda and decisions, invited units with their answers and
attendance, files and photos, and its follow-ups. A liaison answers its unit's invitations here."""

import pandas as pd
import streamlit as st

from core import attachments, ui
from core.meetings import actions, deck, deck_html, meetings, pack, screen, views
from core.meetings.models import InvitationStatus, MeetingKind, MeetingStatus
from core.models import Role
from core.safe_text import plain
from core.timeutil import china_today, to_china

user = ui.guard("meetings")
ui.page_header("meetings", "meetings.subtitle")
FLASH = "meetings_flash"
ui.show_flash(FLASH)
OPEN_KEY = "meetings_open"

years = ui.read(meetings.years, user) or [china_today().year]
this_year = china_today().year
filters = st.columns([1, 1, 1, 2])
year = filters[0].selectbox(ui.t("meetings.year"), sorted({*years, this_year}, reverse=True), key="meetings_year")
kind = filters[1].selectbox(ui.t("meetings.kind"), [None, *MeetingKind], key="meetings_kind",
                            format_func=lambda c: ui.t("common.choose_all") if c is None else ui.t(f"meeting_kind.{c}"))
status = filters[2].selectbox(ui.t("meetings.status"), [None, *MeetingStatus], key="meetings_status",
                              format_func=lambda c: ui.t("common.choose_all") if c is None else ui.t(f"meeting_status.{c}"))
search = filters[3].text_input(ui.t("meetings.search"), key="meetings_search")
frame = ui.read(meetings.meeting_list, user, year=year, kind=kind, status=status, search=search)

as_list, as_calendar = st.tabs([ui.t("meetings.tab_list"), ui.t("meetings.tab_calendar")])
with as_list:
    if frame.empty:
        st.info(ui.t("meetings.none"), icon=":material/event_busy:")
    else:
        shown = pd.DataFrame({
            ui.t("meetings.col_when"): frame["starts_at"].map(lambda t: to_china(t).strftime("%Y-%m-%d %H:%M")),
            ui.t("meetings.kind"): frame["kind"].map(lambda c: ui.t(f"meeting_kind.{c}")),
            ui.t("meetings.col_title"): frame["title"],
            ui.t("meetings.col_place"): [ui.t("meetings.online") if o else p for o, p in zip(frame["online"], frame["place"])],
            ui.t("meetings.status"): frame["status"].map(lambda c: ui.t(f"meeting_status.{c}")),
            ui.t("meetings.col_answers"): [ui.t("meetings.answers", invited=i, confirmed=c, attended=a)
                                           for i, c, a in zip(frame["invited"], frame["confirmed"], frame["attended"])],
            ui.t("meetings.col_open_actions"): frame["open_actions"],
        })
        if user.role == Role.MEMBER:
            shown[ui.t("meetings.col_mine")] = frame["my_status"].map(lambda c: ui.t(f"invitation_status.{c}") if c else "")
        st.dataframe(shown, hide_index=True, width="stretch")
with as_calendar:
    if frame.empty:
        st.caption(ui.t("meetings.none"))
    else:
        st.altair_chart(views.calendar_chart(frame, year=year, kind_label=lambda c: ui.t(f"meeting_kind.{c}"),
                                             status_label=lambda c: ui.t(f"meeting_status.{c}"),
                                             titles={"month": ui.t("meetings.col_month"), "day": ui.t("meetings.col_day"),
                                                     "kind": ui.t("meetings.kind"), "title": ui.t("meetings.col_title"),
                                                     "status": ui.t("meetings.status")}),
                        width="stretch")
        for month, rows in views.by_month(frame):
            st.markdown(f"**{ui.t('meetings.month', month=month)}**")
            for row in rows.itertuples():
                st.markdown(f"- {to_china(row.starts_at).strftime('%m-%d %H:%M')} · "
                            f"{ui.t(f'meeting_kind.{row.kind}')} · {plain(row.title)}")

if frame.empty:
    st.stop()
labels = {int(r.id): f"{to_china(r.starts_at).strftime('%Y-%m-%d')} {r.title}" for r in frame.itertuples()}
ids = list(labels)
current = st.session_state.get(OPEN_KEY)
chosen = st.selectbox(ui.t("meetings.open"), ids, format_func=labels.get, key="meetings_pick",
                      index=ids.index(current) if current in ids else len(ids) - 1)
st.session_state[OPEN_KEY] = chosen
detail = ui.read(meetings.meeting, user, chosen)
m = detail["meeting"]

with st.container(border=True):
    st.subheader(plain(m.title))
    place = ui.t("meetings.online") if m.online else plain(m.place)
    ends = f" – {to_china(m.ends_at).strftime('%H:%M')}" if m.ends_at else ""
    st.markdown(ui.t("meetings.detail_line", kind=ui.t(f"meeting_kind.{m.kind}"),
                     when=to_china(m.starts_at).strftime("%Y-%m-%d %H:%M") + ends, place=place,
                     host=plain(m.host) or "—", status=ui.t(f"meeting_status.{m.status}")))
    if m.description:
        st.caption(plain(m.description))
    if user.role in meetings.READERS:  # the projector (a new tab), and the same slides on paper
        present, slides_file, summary_file, screen_file = st.columns(4)
        present.link_button(ui.t("meeting_manage.present"), f"/meeting_mode?meeting={chosen}", icon=":material/slideshow:")
        lang, day = ui.lang(), to_china(m.starts_at).strftime("%Y%m%d")
        slides_file.download_button(
            ui.t("meetings.pack_pptx"), lambda: pack.to_pptx(ui.read(deck.build, user, meeting_id=chosen), lang),
            file_name=f"meeting-{day}.pptx", key="meetings_pptx", icon=":material/co_present:",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation")
        summary_file.download_button(
            ui.t("meetings.pack_pdf"), lambda: pack.summary_pdf(ui.read(deck.build, user, meeting_id=chosen), lang),
            file_name=f"meeting-{day}.pdf", key="meetings_summary_pdf", mime="application/pdf",
            icon=":material/picture_as_pdf:")
        public = [c for c in (m.slides or deck.DEFAULT_ORDER) if c in deck.PUBLIC_SLIDES]
        screen_file.download_button(
            ui.t("meetings.screen_file"), lambda: deck_html.render(
                ui.read(deck.build, user, meeting_id=chosen, slides=public), lang, autoplay=20,
                expires=to_china(m.starts_at).date().isoformat()),
            file_name=f"meeting-{day}-screen.html", key="meetings_screen_html", mime="text/html",
            icon=":material/tv:", help=ui.t("meetings.screen_file_help"))
        # The same public slides as a link checked by the server on every open (copy it from the box).
        token = ui.read(screen.make_token, user, meeting_id=chosen)
        st.caption(ui.t("meetings.screen_link"), help=ui.t("meetings.screen_link_help"))
        st.code(screen.link(st.context.url, token), language=None, wrap_lines=True)
    mine = detail["mine"]
    if mine is not None and user.role == Role.MEMBER:
        st.markdown(ui.t("meetings.my_answer", status=ui.t(f"invitation_status.{mine.status}")))
        if m.status == MeetingStatus.PLANNED:
            with st.form("meetings_answer"):
                attendee = st.text_input(ui.t("meetings.attendee"), value=mine.attendee, max_chars=200)
                note = st.text_input(ui.t("meetings.note"), value=mine.note, max_chars=500)
                yes, no = st.columns(2)
                accept = yes.form_submit_button(ui.t("meetings.confirm"), type="primary", icon=":material/event_available:")
                decline = no.form_submit_button(ui.t("meetings.decline"), icon=":material/event_busy:")
            if accept or decline:
                ui.save_and_rerun(meetings.respond, user, chosen, member_id=user.member_id, accept=bool(accept),
                                  attendee=attendee, note=note, flash_key=FLASH,
                                  flash="meetings.answered_yes" if accept else "meetings.answered_no")

agenda, guests, follow_ups, files = st.tabs([ui.t("meetings.tab_agenda"), ui.t("meetings.tab_guests"),
                                             ui.t("meetings.tab_actions"), ui.t("meetings.tab_files")])
with agenda:
    if not detail["items"]:
        st.caption(ui.t("meetings.no_items"))
    for item in detail["items"]:
        presenter = f" · {plain(item.presenter)}" if item.presenter else ""
        st.markdown(f"**{item.seq}. {plain(item.title)}**{presenter}")
        if item.decision:
            st.markdown(f":blue-badge[{ui.t('meetings.decision')}] {plain(item.decision)}")
    if m.minutes:
        st.markdown(f"**{ui.t('meetings.minutes')}**")
        st.text(m.minutes)
with guests:
    invited = detail["invitations"]
    if invited.empty:
        st.caption(ui.t("meetings.no_invitations"))
    else:
        counts = invited["status"].value_counts()
        st.caption(" · ".join(f"{ui.t(f'invitation_status.{c}')} {counts.get(c, 0)}" for c in InvitationStatus)
                   + " · " + ui.t("meetings.attended_count", count=int((invited["attended"] == True).sum())))
        st.dataframe(pd.DataFrame({
            ui.t("meetings.col_unit"): invited["unit"],
            ui.t("meetings.col_answer"): invited["status"].map(lambda c: ui.t(f"invitation_status.{c}")),
            ui.t("meetings.attendee"): invited["attendee"],
            ui.t("meetings.note"): invited["note"],
            ui.t("meetings.col_attended"): invited["attended"].map(
                lambda v: "" if v is None or pd.isna(v) else ui.t("common.yes" if v else "common.no")),
        }), hide_index=True, width="stretch")
with follow_ups:
    rows = ui.read(actions.action_list, user, meeting_id=chosen)
    if rows.empty:
        st.caption(ui.t("meetings.no_actions"))
    else:
        st.dataframe(views.actions_table(rows, ui.t), hide_index=True, width="stretch")
    ui.link_to_page("meeting_actions", ui.t("meetings.all_actions"), ":material/task_alt:")
with files:
    listing = detail["files"]
    if listing.empty:
        st.caption(ui.t("meetings.no_files"))
    for row in listing.itertuples():
        name, mime, content = ui.read(attachments.content, user, int(row.id))
        if mime.startswith("image/"):
            st.image(content, caption=plain(name), width=480)
        st.download_button(plain(name), content, file_name=name, mime=mime, key=f"meetings_file_{row.id}",
                           icon=":material/download:")

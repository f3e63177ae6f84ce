"""Council (理事会): terms and seats; the current council at a glance. Secretariat edits."""
from datetime import date

import pandas as pd
import streamlit as st

from core import ui
from core.auth import STAFF_ROLES
from core.display import bilingual
from core.excel import table_export
from core.group import committees, council, members
from core.models import SeatRole
from core.safe_text import plain
from core.timeutil import china_today

user = ui.guard("council")
ui.page_header("council", "council.subtitle")
is_staff = user.role in STAFF_ROLES

ui.show_flash("council_flash")


def save(fn, *args, reload=None, **kwargs) -> None:
    ui.save_and_rerun(fn, *args, flash_key="council_flash", flash="council.saved", reload=reload,
                      **kwargs)


terms = ui.read(council.terms)
if not terms:
    st.info(ui.t("council.no_terms"), icon=":material/info:")
else:
    labels = {term.id: ui.t("council.term_label", name=bilingual(term.name, term.name_en, ui.lang()),
                            start=term.started_on,
                            end=term.ended_on or ui.t("council.now")) for term in terms}
    term_id = st.selectbox(ui.t("council.term"), list(labels), format_func=labels.get,
                           key="council_term")
    seats = ui.read(council.seats, term_id)
    counts = seats["seat_role"].value_counts()
    cols = st.columns(len(SeatRole))
    for column, role in zip(cols, council.SEAT_ORDER):
        column.metric(ui.t(f"seat_role.{role}"), int(counts.get(role, 0)))

    leaders = seats[seats["seat_role"].isin([SeatRole.CHAIR, SeatRole.VICE_CHAIR,
                                             SeatRole.SECRETARY_GENERAL])]
    if not leaders.empty:
        st.subheader(ui.t("council.leaders"))
        cards = st.columns(4)
        for index, row in enumerate(leaders.itertuples()):
            with cards[index % 4].container(border=True):
                st.markdown(f"**{plain(row.person_name)}** · {ui.t(f'seat_role.{row.seat_role}')}")
                st.caption(f"{plain(row.unit)} {plain(row.person_title)}")

    st.subheader(ui.t("council.all_seats", count=len(seats)))
    st.dataframe(pd.DataFrame({
        ui.t("council.col_role"): seats["seat_role"].map(lambda r: ui.t(f"seat_role.{r}")),
        ui.t("council.col_person"): seats["person_name"],
        ui.t("council.col_title"): seats["person_title"],
        ui.t("council.col_unit"): seats["unit"],
        ui.t("council.col_type"): seats["unit_type"].map(lambda c: ui.t(f"member_type.{c}")),
    }), hide_index=True, width="stretch", height=min(38 + 35 * max(len(seats), 1), 420))
    lang, term_title = ui.lang(), labels[term_id]
    ui.download_workbook(ui.t("common.export_excel"), lambda: table_export.council(seats, lang, term_title),
                         file_name=ui.t("council.export_file"), key="council_export")

    if is_staff:
        units = dict(ui.read(members.options))
        roles = list(council.SEAT_ORDER)
        with st.expander(ui.t("council.add_seat"), icon=":material/person_add:"):
            with st.form("council_add_seat"):
                unit_id = st.selectbox(ui.t("council.col_unit"), list(units), format_func=units.get,
                                       key="council_add_unit")
                role = st.selectbox(ui.t("council.col_role"), roles, index=roles.index(SeatRole.DIRECTOR),
                                    format_func=lambda r: ui.t(f"seat_role.{r}"), key="council_add_role")
                person = st.text_input(ui.t("council.col_person"), key="council_add_person")
                title = st.text_input(ui.t("council.col_title"), key="council_add_title")
                submitted = st.form_submit_button(ui.t("common.save"), type="primary")
            if submitted:
                save(council.add_seat, user, term_id, {"member_id": unit_id, "seat_role": role,
                                                       "person_name": person, "person_title": title})
        if not seats.empty:
            with st.expander(ui.t("council.edit_seat"), icon=":material/edit:"):
                choices = {row.id: f"{ui.t(f'seat_role.{row.seat_role}')} · {row.person_name} · {row.unit}"
                           for row in seats.itertuples()}
                seat_id = st.selectbox(ui.t("council.pick_seat"), list(choices), format_func=choices.get,
                                       key="council_pick_seat")
                seat = seats[seats["id"] == seat_id].iloc[0]
                version = ui.edit_version("seat", int(seat_id), int(seat["version"]))
                with st.form(f"council_edit_{seat_id}"):
                    role = st.selectbox(ui.t("council.col_role"), roles, index=roles.index(seat["seat_role"]),
                                        format_func=lambda r: ui.t(f"seat_role.{r}"),
                                        key=ui.field_key("seat", int(seat_id), "role"))
                    person = st.text_input(ui.t("council.col_person"), seat["person_name"],
                                           key=ui.field_key("seat", int(seat_id), "person"))
                    title = st.text_input(ui.t("council.col_title"), seat["person_title"],
                                          key=ui.field_key("seat", int(seat_id), "title"))
                    confirm_removal = st.checkbox(ui.t("council.confirm_remove"),
                                                  key=ui.field_key("seat", int(seat_id), "confirm"))
                    save_col, remove_col = st.columns(2)
                    saved = save_col.form_submit_button(ui.t("common.save"), type="primary")
                    removed = remove_col.form_submit_button(ui.t("council.remove_seat"))
                if saved:
                    save(council.update_seat, user, int(seat_id), version,
                         {"seat_role": role, "person_name": person, "person_title": title},
                         reload=("seat", int(seat_id)))
                if removed and not confirm_removal:
                    st.warning(ui.t("council.confirm_remove_first"), icon=":material/warning:")
                elif removed:
                    save(council.remove_seat, user, int(seat_id), version, reload=("seat", int(seat_id)))

if is_staff and terms:
    with st.expander(ui.t("council.rename_term"), icon=":material/translate:"):
        term = next(t for t in terms if t.id == term_id)
        version = ui.edit_version("term", term.id, term.version)
        with st.form(f"council_rename_term_{term.id}"):
            zh_col, en_col = st.columns(2)
            new_zh = zh_col.text_input(ui.t("council.term_name"), term.name,
                                       key=ui.field_key("term", term.id, "name"))
            new_en = en_col.text_input(ui.t("council.term_name_en"), term.name_en,
                                       key=ui.field_key("term", term.id, "name_en"))
            renamed = st.form_submit_button(ui.t("common.save"))
        if renamed:
            save(council.rename_term, user, term.id, version, name=new_zh, name_en=new_en, reload=("term", term.id))
if is_staff:
    with st.expander(ui.t("council.new_term"), icon=":material/event:"):
        with st.form("council_new_term"):
            zh_col, en_col = st.columns(2)
            name = zh_col.text_input(ui.t("council.term_name"), key="council_term_name")
            name_en = en_col.text_input(ui.t("council.term_name_en"), key="council_term_name_en")
            started = st.date_input(ui.t("council.term_start"), china_today(), min_value=date(2000, 1, 1),
                                    key="council_term_start")
            st.caption(ui.t("council.new_term_hint"))
            submitted = st.form_submit_button(ui.t("council.start_term"), type="primary")
        if submitted:
            save(council.start_term, user, name=name, name_en=name_en, started_on=started)

# ---------------------------------------------------------------- committees (专门委员会/工作委员会)
board = ui.read(committees.listing, user)
active = board[board["dissolved_on"].isna()]
st.subheader(ui.t("committee.heading", count=len(active)))
if board.empty:
    st.info(ui.t("committee.none"), icon=":material/info:")
else:
    st.dataframe(pd.DataFrame({
        ui.t("committee.col_name"): [bilingual(zh, en, ui.lang()) for zh, en in zip(board["name"], board["name_en"])],
        ui.t("committee.col_chair"): board["chair_unit"].fillna(""),
        ui.t("committee.col_established"): board["established_on"],
        ui.t("committee.col_status"): [ui.t("committee.active") if pd.isna(day) else
                                       ui.t("committee.dissolved_on", day=day) for day in board["dissolved_on"]],
        ui.t("committee.col_note"): board["note"],
    }), hide_index=True, width="stretch")
if is_staff:
    chairs = {0: ui.t("committee.no_chair"), **dict(ui.read(members.options))}
    labels = {key: ui.t(f"committee.col_{key}") for key in ("name", "name_en", "chair_member_id",
                                                              "established_on", "dissolved_on", "note")}
    with st.expander(ui.t("committee.add"), icon=":material/groups:"):
        with st.form("committee_add"):
            zh_col, en_col = st.columns(2)
            name = zh_col.text_input(labels["name"], key="committee_add_name")
            name_en = en_col.text_input(labels["name_en"], key="committee_add_name_en")
            chair = st.selectbox(labels["chair_member_id"], list(chairs), format_func=chairs.get,
                                 key="committee_add_chair")
            established = st.date_input(labels["established_on"], china_today(), min_value=date(2000, 1, 1),
                                        key="committee_add_established")
            note = st.text_input(labels["note"], key="committee_add_note")
            added = st.form_submit_button(ui.t("common.save"), type="primary")
        if added:
            save(committees.add, user, name=name, name_en=name_en, chair_member_id=chair or None,
                 established_on=established, note=note)
    if not board.empty:
        with st.expander(ui.t("committee.edit"), icon=":material/edit:"):
            names = dict(zip(board["id"], board["name"]))
            picked = int(st.selectbox(ui.t("committee.pick"), list(names), format_func=names.get,
                                      key="committee_pick"))
            row = board[board["id"] == picked].iloc[0]
            version = ui.edit_version("committee", picked, int(row["version"]))
            with st.form(f"committee_edit_{picked}"):
                zh_col, en_col = st.columns(2)
                name = zh_col.text_input(labels["name"], row["name"], key=ui.field_key("committee", picked, "name"))
                name_en = en_col.text_input(labels["name_en"], row["name_en"],
                                            key=ui.field_key("committee", picked, "name_en"))
                current_chair = int(row["chair_member_id"]) if pd.notna(row["chair_member_id"]) else 0
                chair = st.selectbox(labels["chair_member_id"], list(chairs), format_func=chairs.get,
                                     index=list(chairs).index(current_chair) if current_chair in chairs else 0,
                                     key=ui.field_key("committee", picked, "chair"))
                established = st.date_input(labels["established_on"], row["established_on"],
                                            min_value=date(2000, 1, 1),
                                            key=ui.field_key("committee", picked, "established"))
                note = st.text_input(labels["note"], row["note"], key=ui.field_key("committee", picked, "note"))
                dissolved_now = pd.notna(row["dissolved_on"])
                is_dissolved = st.checkbox(ui.t("committee.is_dissolved"), dissolved_now,
                                           key=ui.field_key("committee", picked, "is_dissolved"))
                dissolved = st.date_input(labels["dissolved_on"], row["dissolved_on"] if dissolved_now
                                          else china_today(), min_value=date(2000, 1, 1),
                                          key=ui.field_key("committee", picked, "dissolved"))
                edited = st.form_submit_button(ui.t("common.save"), type="primary")
            if edited:
                save(committees.update, user, committee_id=picked, expected_version=version,
                     values={"name": name, "name_en": name_en, "chair_member_id": chair or None,
                             "established_on": established, "note": note,
                             "dissolved_on": dissolved if is_dissolved else None},
                     reload=("committee", picked), labels=labels)

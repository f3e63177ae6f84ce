"""Member units (成员单位): the registry for council and secretariat, one's own unit for a liaison."""
from datetime import date

import pandas as pd
import streamlit as st

from core import charts, ui
from core.auth import STAFF_ROLES
from core.display import bilingual
from core.group import member_exchange, members
from core.models import MemberStatus, MemberType, Role, SeatRole
from core.reference import CITIES
from core.safe_text import plain
from core.timeutil import china_today

user = ui.guard("members")
ui.page_header("members", "members.subtitle_member" if user.role == "member" else "members.subtitle")
is_staff = user.role in STAFF_ROLES


def code_label(prefix):
    return lambda code: ui.t(f"{prefix}.{code}") if code else "—"


def show_detail(member_id: int) -> None:
    info = ui.read(members.detail, user, member_id)
    unit = info["unit"]
    st.subheader(plain(unit["name"]), anchor=False)
    st.caption(ui.t("members.detail_caption", code=unit["credit_code"],
                    type=ui.t(f"member_type.{unit['unit_type']}"), city=plain(unit["city"]),
                    status=ui.t(f"member_status.{unit['status']}")))
    profile, contact = st.columns(2, gap="large")
    with profile:
        st.markdown(f"**{ui.t('members.profile')}**")
        st.write(ui.t("members.line_short", value=plain(unit["short_name"]) or "—"))
        st.write(ui.t("members.line_joined", joined=unit["joined_on"] or "—") if not unit["exited_on"]
                 else ui.t("members.line_joined_exited", joined=unit["joined_on"] or "—",
                           exited=unit["exited_on"]))
        st.write(ui.t("members.line_address", value=plain(unit["address"]) or "—"))
        if unit["status_reason"]:
            st.write(ui.t("members.line_reason", value=plain(unit["status_reason"])))
        if unit["description"]:
            st.caption(plain(unit["description"]))
    with contact:
        st.markdown(f"**{ui.t('members.contact')}**")
        st.write(ui.t("members.line_contact", name=plain(unit["contact_name"]) or "—",
                      title=plain(unit["contact_title"])))
        st.write(ui.t("members.line_phone", value=plain(unit["contact_phone"]) or "—"))
        st.write(ui.t("members.line_email", value=plain(unit["contact_email"]) or "—"))
        st.write(ui.t("members.line_modules", ledgers=info["ledger_entries"],
                      values=info["indicator_values"]))
    seats, history = st.columns(2, gap="large")
    with seats:
        st.markdown(f"**{ui.t('members.seats')}**")
        if info["seats"].empty:
            st.caption(ui.t("members.no_seats"))
        else:
            st.dataframe(pd.DataFrame({
                ui.t("members.col_term"): [bilingual(zh, en, ui.lang()) for zh, en in
                                           zip(info["seats"]["term"], info["seats"]["term_en"])],
                ui.t("members.col_seat"): info["seats"]["seat_role"].map(code_label("seat_role")),
                ui.t("members.col_person"): info["seats"]["person_name"] + " " + info["seats"]["person_title"],
            }), hide_index=True, width="stretch")
    with history:
        st.markdown(f"**{ui.t('members.history')}**")
        st.dataframe(pd.DataFrame({
            ui.t("members.col_date"): info["history"]["effective_on"],
            ui.t("members.col_change"): info["history"]["from_status"].map(
                lambda code: ui.t(f"member_status.{code}") if code else ui.t("members.new_unit"))
            + " → " + info["history"]["to_status"].map(code_label("member_status")),
            ui.t("members.col_reason"): info["history"]["reason"],
        }), hide_index=True, width="stretch")
    if not info["reports"].empty:
        st.caption(ui.t("members.reports", list=" · ".join(
            f"{row.year} {ui.t(f'value_status.{row.status}')}" for row in info["reports"].itertuples())))
    if is_staff or user.member_id == member_id:
        edit_form(unit)
    if is_staff:
        lifecycle_form(unit)


def save(fn, *args, reload=None, **kwargs) -> None:
    ui.save_and_rerun(fn, *args, flash_key="members_flash", flash="members.saved", reload=reload,
                      **kwargs)


def edit_form(unit: dict) -> None:
    fields = members.EDITABLE_FIELDS if is_staff else members.CONTACT_FIELDS
    with st.expander(ui.t("members.edit" if is_staff else "members.edit_contact"),
                     icon=":material/edit:"):
        version = ui.edit_version("member", unit["id"], unit["version"])
        with st.form(f"members_edit_{unit['id']}"):
            values = {}
            columns = st.columns(2)
            for index, name in enumerate(fields):
                key = ui.field_key("member", unit["id"], name)
                place = st if name == "description" else columns[index % 2]
                if name == "unit_type":
                    values[name] = place.selectbox(ui.t("members.f_unit_type"), list(MemberType),
                                                index=list(MemberType).index(unit[name]),
                                                format_func=code_label("member_type"), key=key)
                elif name == "city":
                    values[name] = place.selectbox(ui.t("members.f_city"), CITIES, key=key,
                                                index=CITIES.index(unit[name]) if unit[name] in CITIES else 0)
                elif name == "description":
                    values[name] = st.text_area(ui.t("members.f_description"), unit[name] or "", key=key)
                else:
                    values[name] = place.text_input(ui.t(f"members.f_{name}"), unit[name] or "", key=key)
            submitted = st.form_submit_button(ui.t("common.save"), type="primary")
        if submitted:  # outside the form, so a stale edit can offer its reload button
            save(members.update, user, unit["id"], version, values, reload=("member", unit["id"]))


def lifecycle_form(unit: dict) -> None:
    # The gentlest change first, an exit last: a slip should not default to the drastic one.
    order = [MemberStatus.ACTIVE, MemberStatus.SUSPENDED, MemberStatus.APPLICANT, MemberStatus.EXITED]
    targets = [code for code in order if code in members.TRANSITIONS.get(unit["status"], ())]
    with st.expander(ui.t("members.lifecycle"), icon=":material/swap_horiz:"):
        version = ui.edit_version("member", unit["id"], unit["version"])
        with st.form(f"members_status_{unit['id']}"):
            to_status = st.selectbox(ui.t("members.f_to_status"), targets,
                                     format_func=code_label("member_status"),
                                     key=ui.field_key("member", unit["id"], "to_status"))
            effective_on = st.date_input(ui.t("members.f_effective_on"), china_today(),
                                         min_value=date(2000, 1, 1),
                                         key=ui.field_key("member", unit["id"], "effective_on"))
            reason = st.text_input(ui.t("members.f_reason"),
                                   key=ui.field_key("member", unit["id"], "reason"))
            submitted = st.form_submit_button(ui.t("members.apply_status"), type="primary")
        if submitted:
            save(members.change_status, user, unit["id"], version, to_status=to_status,
                 effective_on=effective_on, reason=reason, reload=("member", unit["id"]))


def add_form() -> None:
    with st.expander(ui.t("members.add"), icon=":material/add_business:"):
        # Keys carry a generation: after a unit is added the form starts empty again.
        generation = st.session_state.get("form_generation_member_new", 0)

        def k(name: str) -> str:
            return f"members_add_{name}" if generation == 0 else f"members_add_{name}_{generation}"

        with st.form("members_add", clear_on_submit=False):
            left, right = st.columns(2)
            values = {
                "name": left.text_input(ui.t("members.f_name"), key=k("name")),
                "credit_code": right.text_input(ui.t("members.f_credit_code"), key=k("code"),
                                                help=ui.t("members.code_help")),
                "short_name": left.text_input(ui.t("members.f_short_name"), key=k("short")),
                "unit_type": right.selectbox(ui.t("members.f_unit_type"), list(MemberType),
                                             format_func=code_label("member_type"),
                                             key=k("type")),
                "city": left.selectbox(ui.t("members.f_city"), CITIES, key=k("city")),
                "contact_name": right.text_input(ui.t("members.f_contact_name"), key=k("contact")),
                "contact_phone": left.text_input(ui.t("members.f_contact_phone"), key=k("phone")),
                "contact_email": right.text_input(ui.t("members.f_contact_email"), key=k("email")),
            }
            status = left.selectbox(ui.t("members.f_initial_status"),
                                    [MemberStatus.ACTIVE, MemberStatus.APPLICANT],
                                    format_func=code_label("member_status"), key=k("status"))
            joined = right.date_input(ui.t("members.f_joined_on"), china_today(),
                                      min_value=date(2000, 1, 1), key=k("joined"))
            submitted = st.form_submit_button(ui.t("members.add_submit"), type="primary")
        if submitted:
            save(members.create, user, values, status=status, joined_on=joined, reload=("member", "new"))


ui.show_flash("members_flash")

if user.role == Role.MEMBER:
    show_detail(user.member_id)
    st.stop()

with st.container(border=True):
    search = st.text_input(ui.t("members.search"), key="members_search",
                           placeholder=ui.t("members.search_hint"))
    f1, f2, f3, f4 = st.columns(4)
    filters = members.RegistryFilter(
        search=search,
        types=f1.multiselect(ui.t("members.f_unit_type"), list(MemberType),
                             format_func=code_label("member_type"), key="members_types",
                             placeholder=ui.t("common.choose_all")),
        cities=f2.multiselect(ui.t("members.f_city"), CITIES, key="members_cities",
                              placeholder=ui.t("common.choose_all")),
        statuses=f3.multiselect(ui.t("members.f_status"), list(MemberStatus),
                                format_func=code_label("member_status"), key="members_statuses",
                                help=ui.t("members.status_help"), placeholder=ui.t("common.choose_all")),
        council_roles=f4.multiselect(ui.t("members.f_council_role"), list(SeatRole),
                                     format_func=code_label("seat_role"), key="members_roles",
                                     placeholder=ui.t("common.choose_all")),
    )
frame = ui.read(members.registry, user, filters)

# "Members" means active units, as on the portal and home; the other statuses are said beside.
active = frame[frame["status"] == MemberStatus.ACTIVE]
counts = active["unit_type"].value_counts()
metrics = st.columns(len(MemberType) + 1)
metrics[0].metric(ui.t("members.total_active"), len(active))
for column, code in zip(metrics[1:], MemberType):
    column.metric(ui.t(f"member_type.{code}"), int(counts.get(code, 0)))
ui.member_breakdown({status: int((frame["status"] == status).sum()) for status in MemberStatus})

table_tab, chart_tab = st.tabs([ui.t("members.tab_table"), ui.t("members.tab_charts")])
with table_tab:
    if frame.empty:
        st.info(ui.t("members.none_found"), icon=":material/search_off:")
    else:
        shown = pd.DataFrame({
            ui.t("members.f_name"): frame["name"],
            ui.t("members.f_unit_type"): frame["unit_type"].map(code_label("member_type")),
            ui.t("members.f_city"): frame["city"],
            ui.t("members.f_status"): frame["status"].map(code_label("member_status")),
            ui.t("members.f_council_role"): frame["council_role"].map(code_label("seat_role")),
            ui.t("members.f_joined_on"): frame["joined_on"],
            ui.t("members.f_credit_code"): frame["credit_code"],
            ui.t("members.f_contact_name"): frame["contact_name"],
            ui.t("members.f_contact_phone"): frame["contact_phone"],
        })
        st.dataframe(shown, hide_index=True, width="stretch", height=min(38 + 35 * len(shown), 460))
        lang = ui.lang()
        ui.download_workbook(ui.t("members.export"),
                             lambda: ui.read(member_exchange.export_workbook, user, frame, lang),
                             file_name=ui.t("members.export_file"), key="members_export")
with chart_tab:
    if not frame.empty:
        by_type = frame["unit_type"].map(code_label("member_type")).value_counts().rename_axis("k").reset_index(name="n")
        by_city = frame["city"].value_counts().rename_axis("k").reset_index(name="n")
        left, right = st.columns(2, gap="large")
        left.altair_chart(charts.bar_counts(by_type, category="k", value="n",
                                            category_title=ui.t("members.f_unit_type"),
                                            value_title=ui.t("portal.col_count")), width="stretch")
        right.altair_chart(charts.bar_counts(by_city, category="k", value="n",
                                             category_title=ui.t("members.f_city"),
                                             value_title=ui.t("portal.col_count"), height=360),
                           width="stretch")
        growth = ui.read(members.growth, [int(i) for i in frame["id"]])
        st.altair_chart(charts.growth_line(growth, x="year", y="members",
                                           x_title=ui.t("portal.col_year"),
                                           y_title=ui.t("portal.col_members")), width="stretch")

if is_staff:
    add_form()

if not frame.empty:
    names = dict(zip(frame["id"], frame["name"]))
    chosen = st.selectbox(ui.t("members.pick"), list(names), format_func=names.get,
                          index=None, placeholder=ui.t("members.pick_hint"), key="members_pick")
    previous = st.session_state.get("members_shown")
    if previous is not None and previous != chosen:  # leaving a unit drops its unsaved edits
        ui.forget_edit_version("member", int(previous))
    st.session_state["members_shown"] = chosen
    if chosen is not None:
        show_detail(int(chosen))

"""The shared resources catalogue (资源共建共享): every role browses and searches what member
units offer; a liaison requests another unit's resource for its unit (the secretariat for any
unit), which reaches the owner's inbox."""
from datetime import timedelta

import streamlit as st

from core import ui
from core.auth import STAFF_ROLES
from core.ledgers.query import unit_choices
from core.models import Role
from core.resources import catalogue, requests
from core.resources.models import ResourceKind
from core.safe_text import plain
from core.timeutil import china_today

user = ui.guard("resources")
ui.page_header("resources", "resources.subtitle")
FLASH = "resources_flash"
ui.show_flash(FLASH)

left, middle, right = st.columns([1, 2, 1])
kind = left.selectbox(ui.t("resources.col_kind"), [None, *ResourceKind], key="resources_kind",
                      format_func=lambda k: ui.t("common.choose_all") if k is None else ui.t(f"resource_kind.{k}"))
search = middle.text_input(ui.t("resources.search"), key="resources_search", max_chars=100)
on_day = right.date_input(ui.t("resources.available_on"), value=None, key="resources_day")
rows = ui.read(catalogue.browse, user, kind=kind, search=search, available_on=on_day)
st.caption(ui.t("resources.count", count=len(rows)))
if rows.empty:
    st.info(ui.t("resources.none"), icon=":material/inventory_2:")
    st.stop()
shown = rows.assign(kind=rows["kind"].map(lambda k: ui.t(f"resource_kind.{k}")),
                    owner_type=rows["owner_type"].map(lambda k: ui.t(f"member_type.{k}")))
st.dataframe(shown[["title", "kind", "owner", "owner_type", "capacity", "available_from", "available_to"]]
             .rename(columns=lambda c: ui.t(f"resources.col_{c}")), hide_index=True, width="stretch",
             column_config={ui.t("resources.col_kind"): st.column_config.Column(width=200)})  # "Course and teaching material"

# The id keeps labels unique (Streamlit's selectbox maps equal labels to one option). A liaison
# starts on the first resource it may request, not on one of its own unit's.
labels = {int(r.id): ui.t("resources.pick_label", id=int(r.id), title=r.title, owner=r.owner) for r in rows.itertuples()}
own = user.member_id if user.role == Role.MEMBER else None
first = next((i for i, owner in enumerate(rows["owner_member_id"]) if int(owner) != own), 0)
chosen = st.selectbox(ui.t("resources.pick"), list(labels), index=first, format_func=labels.get, key="resources_pick")
row = rows[rows["id"] == chosen].iloc[0]
with st.container(border=True):
    st.markdown(f"**{plain(row['title'])}** · {ui.t(f'resource_kind.{row.kind}')} · {plain(row['owner'])}")
    if row["description"]:
        st.markdown(plain(row["description"]))
    st.caption(ui.t("resources.detail", capacity=int(row["capacity"]), conditions=row["conditions"] or "—",
                    contact=row["contact"] or "—"))
    for file in ui.read(catalogue.files, user, resource_id=chosen).itertuples():
        st.download_button(ui.t("inbox.file_label", name=plain(file.filename), kb=file.size_bytes // 1024 + 1),
                           lambda file_id=int(file.id): ui.read(catalogue.file_content, user, file_id)[2],
                           file_name=file.filename, mime=file.mime_type, key=f"resource_file_{file.id}",
                           icon=":material/attach_file:")

if user.role == Role.MEMBER and int(row["owner_member_id"]) == user.member_id:
    st.caption(ui.t("resources.own_unit_resource"))
    ui.link_to_page("resource_offers", ui.t("page.resource_offers"), icon=":material/add_business:")
if user.role not in (Role.MEMBER, *STAFF_ROLES) or (user.role == Role.MEMBER
                                                    and int(row["owner_member_id"]) == user.member_id):
    st.stop()
st.subheader(ui.t("resources.request"))
with st.form(f"resource_request_{chosen}"):
    if user.role in STAFF_ROLES:  # the secretariat asks on a unit's behalf (a phone call, a letter)
        units = {k: v for k, v in ui.read(unit_choices).items() if k != int(row["owner_member_id"])}
        member_id = st.selectbox(ui.t("resources.for_unit"), list(units), format_func=units.get,
                                 key="resources_for_unit")
    else:
        member_id = user.member_id
    start_col, end_col, qty_col = st.columns(3)
    opens = max(china_today() + timedelta(days=7), row["available_from"] or china_today())
    starts = start_col.date_input(ui.t("resources.starts_on"), value=opens, key="resources_starts")
    ends = end_col.date_input(ui.t("resources.ends_on"), value=opens, key="resources_ends")
    quantity = qty_col.number_input(ui.t("resources.quantity"), min_value=1, max_value=int(row["capacity"]),
                                    value=1, step=1, key="resources_quantity")
    purpose = st.text_area(ui.t("resources.purpose"), max_chars=2000, key="resources_purpose")
    if st.form_submit_button(ui.t("resources.send_request"), type="primary", icon=":material/send:"):
        ui.save_and_rerun(requests.request, user, resource_id=chosen, member_id=member_id, starts_on=starts,
                          ends_on=ends, quantity=int(quantity), purpose=purpose, flash_key=FLASH,
                          flash="resources.requested")

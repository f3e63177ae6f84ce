"""A unit's own offers in the shared resources catalogue: add one with its files, change or
withdraw it. A liaison keeps its unit's; the secretariat any unit's."""
import streamlit as st

from core import ui
from core.attachments import UPLOAD_EXTENSIONS
from core.auth import STAFF_ROLES
from core.ledgers.query import unit_choices
from core.resources import catalogue
from core.resources.models import ResourceKind

user = ui.guard("resource_offers")
ui.page_header("resource_offers", "resource_offers.subtitle")
FLASH = "resource_offers_flash"
ui.show_flash(FLASH)

if user.role in STAFF_ROLES:
    units = ui.read(unit_choices)
    member_id = st.selectbox(ui.t("resources.col_owner"), list(units), format_func=units.get, key="offers_unit")
else:
    member_id = user.member_id
rows = ui.read(catalogue.browse, user, owner_member_id=member_id, include_inactive=True)
KINDS = list(ResourceKind)


def fields(prefix: str, row=None) -> dict:
    """The offer's inputs, filled from `row` when editing."""
    get = (lambda key, default: default) if row is None else (lambda key, default: row[key])
    a, b = st.columns(2)
    values = {"kind": a.selectbox(ui.t("resources.col_kind"), KINDS, index=KINDS.index(get("kind", KINDS[0])),
                                  format_func=lambda k: ui.t(f"resource_kind.{k}"), key=f"{prefix}_kind"),
              "title": b.text_input(ui.t("resources.col_title"), value=get("title", ""), max_chars=200,
                                    key=f"{prefix}_title")}
    values["description"] = st.text_area(ui.t("resources.description"), value=get("description", ""), max_chars=4000,
                                         key=f"{prefix}_description")
    c, d, e = st.columns(3)
    values["capacity"] = int(c.number_input(ui.t("resources.col_capacity"), min_value=1, step=1,
                                            value=int(get("capacity", 1)), key=f"{prefix}_capacity"))
    values["available_from"] = d.date_input(ui.t("resources.col_available_from"), value=get("available_from", None),
                                            key=f"{prefix}_from")
    values["available_to"] = e.date_input(ui.t("resources.col_available_to"), value=get("available_to", None),
                                          key=f"{prefix}_to")
    values["conditions"] = st.text_input(ui.t("resources.conditions"), value=get("conditions", ""), max_chars=2000,
                                         key=f"{prefix}_conditions")
    values["contact"] = st.text_input(ui.t("resources.contact"), value=get("contact", ""), max_chars=200,
                                      key=f"{prefix}_contact")
    return values


if not rows.empty:
    shown = rows.assign(kind=rows["kind"].map(lambda k: ui.t(f"resource_kind.{k}")),
                        active=rows["active"].map(lambda a: ui.t("resource_offers.on" if a else "resource_offers.off")))
    st.dataframe(shown[["title", "kind", "capacity", "available_from", "available_to", "active"]]
                 .rename(columns=lambda c: ui.t(f"resources.col_{c}")), hide_index=True, width="stretch")
    with st.expander(ui.t("resource_offers.edit"), icon=":material/edit:"):
        labels = {int(r.id): f"#{r.id} · {r.title}" for r in rows.itertuples()}  # unique: two offers may share a title
        chosen = st.selectbox(ui.t("resources.pick"), list(labels), format_func=labels.get, key="offers_pick")
        row = rows[rows["id"] == chosen].iloc[0]
        with st.form(f"offer_edit_{chosen}"):
            version = ui.edit_version("resource", chosen, int(row["version"]))
            values = fields(ui.field_key("resource", chosen, "f"), row)
            values["active"] = st.checkbox(ui.t("resource_offers.active"), value=bool(row["active"]))
            if st.form_submit_button(ui.t("common.save"), type="primary"):
                ui.save_and_rerun(catalogue.update_resource, user, resource_id=chosen, expected_version=version,
                                  values=values, flash_key=FLASH, flash="resource_offers.saved",
                                  reload=("resource", chosen))
else:
    st.info(ui.t("resource_offers.none"), icon=":material/inventory_2:")

st.subheader(ui.t("resource_offers.add"))
with st.form("offer_new", clear_on_submit=False):
    values = fields("offer_new")
    uploads = st.file_uploader(ui.t("resource_offers.files"), type=UPLOAD_EXTENSIONS, accept_multiple_files=True,
                               key="offer_new_files")
    if st.form_submit_button(ui.t("resource_offers.publish"), type="primary", icon=":material/add:"):
        ui.save_and_rerun(catalogue.add_resource, user, member_id=member_id, values=values,
                          files=[(f.name, f.getvalue()) for f in uploads or []], flash_key=FLASH,
                          flash="resource_offers.added")

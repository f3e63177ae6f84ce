"""Recording ledgers (台账填报): a new entry of any kind through its typed form with evidence files;
the unit's entries to change, attach files to or delete, disputed ones with their partner's reason."""
import streamlit as st

from core import ui
from core.attachments import UPLOAD_EXTENSIONS
from core.ledgers import entries, evidence, query
from core.ledgers.kinds import CODES, KINDS
from core.models import Role
from core.ui import ledgers as ledger_ui

user = ui.guard("ledger_record")
ui.page_header("ledger_record", "ledger_record.subtitle")
ui.show_flash("ledger_record_flash")

members = ui.read(query.unit_choices)
years = ui.read(query.years)
locked = ui.read(entries.locked_years)
if locked:
    st.caption(ui.t("ledger_record.locked_years", years="、".join(map(str, locked))))
own = None
if user.role == Role.MEMBER:
    if user.member_id is None:
        st.warning(ui.t("indicator_entry.no_unit"), icon=":material/warning:")
        st.stop()
    own = user.member_id

mode = st.segmented_control(ui.t("ledger_record.mode"), ["new", "mine"], default="new", key="ledger_record_mode",
                            format_func=lambda m: ui.t(f"ledger_record.mode_{m}")) or "new"

if mode == "new":
    kind = st.selectbox(ui.t("ledger.col_kind"), list(CODES), format_func=ledger_ui.kind_label,
                        key="ledger_record_kind")
    scope = f"ledger_new_{kind}"
    values = ledger_ui.entry_form(KINDS[kind], scope=scope, row_id=0, members=members, own_unit=own, years=years)
    files = st.file_uploader(ui.t("ledger_record.evidence"), type=UPLOAD_EXTENSIONS, accept_multiple_files=True,
                             key=ui.field_key(scope, 0, "files"), help=ui.t("ledger_record.evidence_help"))
    draft = st.checkbox(ui.t("ledger_record.draft"), key=ui.field_key(scope, 0, "draft"),
                        help=ui.t("ledger_record.draft_help"))
    if st.button(ui.t("ledger_record.save"), type="primary", key="ledger_record_save"):
        ui.save_and_rerun(entries.create, user, kind=kind, draft=draft, files=[(f.name, f.getvalue()) for f in files or []],
                          **values, flash_key="ledger_record_flash", flash="ledger_record.saved", reload=(scope, 0))
    st.stop()

unit = own
if unit is None:
    unit = st.selectbox(ui.t("ledger.col_unit"), list(members), format_func=members.get, key="ledger_record_unit",
                        index=None, placeholder=ui.t("ledger.choose"))
    if unit is None:
        st.stop()
frame = ui.read(query.search, user, query.LedgerFilter(member_ids=(unit,)))
if frame.empty:
    st.info(ui.t("ledger_record.none_yet"), icon=":material/info:")
    st.stop()
disputed = frame[frame["status"] == "disputed"]
if not disputed.empty:
    st.warning(ui.t("ledger_record.disputed", count=len(disputed)), icon=":material/report:")
st.dataframe(ledger_ui.results_table(frame), hide_index=True, width="stretch", key="ledger_record_table",
             placeholder="—")
labels = ledger_ui.entry_labels(frame)
entry_id = st.selectbox(ui.t("ledger_record.open"), list(labels), format_func=labels.get, index=None,
                        key="ledger_record_pick", placeholder=ui.t("ledger_record.pick_hint"))
if entry_id is None:
    st.stop()
detail = ledger_ui.entry_detail(user, entry_id, key="ledger_record_detail")
if detail is None or not detail["may_edit"]:
    st.stop()
entry = detail["entry"]
if detail["locked"]:
    st.info(ui.t("ledger.year_locked", year=entry.year), icon=":material/lock:")
    st.stop()
version = ui.edit_version("ledger", entry_id, entry.version)
with st.expander(ui.t("ledger_record.edit"), expanded=entry.status in ("disputed", "draft")):
    values = ledger_ui.entry_form(KINDS[entry.kind], scope="ledger", row_id=entry_id, entry=entry,
                                  partners=detail["partners"], members=members, own_unit=own, years=years)
    draft = st.checkbox(ui.t("ledger_record.draft"), value=entry.status == "draft",
                        key=ui.field_key("ledger", entry_id, "draft"), help=ui.t("ledger_record.draft_help"))
    if st.button(ui.t("ledger_record.save_changes"), type="primary", key="ledger_record_update"):
        ui.save_and_rerun(entries.update, user, entry_id=entry_id, expected_version=version, draft=draft, **values,
                          flash_key="ledger_record_flash", flash="ledger_record.changed", reload=("ledger", entry_id))
files = st.file_uploader(ui.t("ledger_record.evidence"), type=UPLOAD_EXTENSIONS, accept_multiple_files=True,
                         key=ui.field_key("ledger_files", entry_id, "files"))
if files and st.button(ui.t("ledger_record.attach"), key="ledger_record_attach"):
    ui.save_and_rerun(evidence.add_evidence, user, entry_id=entry_id, files=[(f.name, f.getvalue()) for f in files],
                      flash_key="ledger_record_flash", flash="ledger_record.attached", reload=("ledger_files", entry_id))
sure = st.checkbox(ui.t("ledger_record.delete_sure"), key=f"ledger_record_sure_{entry_id}")
if st.button(ui.t("ledger_record.delete"), key="ledger_record_delete", disabled=not sure):
    ui.save_and_rerun(entries.delete, user, entry_id=entry_id, expected_version=version,
                      flash_key="ledger_record_flash", flash="ledger_record.deleted", reload=("ledger", entry_id))

"""Backup and restore (备份与恢复, admin)."""
import streamlit as st

from core import audit, ui
from core.errors import UserFacingError
from core.settings import put_setting
from core.system import backup, business_workbook
from core.timeutil import utcnow

user = ui.guard("backup")
ui.page_header("backup", "backup.subtitle")
ui.show_flash("backup_flash")

st.subheader(ui.t("backup.make"))
st.write(ui.t("backup.make_hint"))
if st.button(ui.t("backup.prepare"), type="primary", key="backup_prepare", icon=":material/backup:"):
    with ui.import_progress("backup.stage_{stage}") as step:
        step("workbook", 0.1)
        workbook = ui.read(business_workbook.workbook, ui.lang())
        step("tables", 0.5)
        st.session_state["backup_file"] = backup.make_backup(ui.engine(), workbook=workbook)
        step("done", 1.0)
        ui.write(lambda session: put_setting(session, "last_backup_at", utcnow().isoformat(), user_id=user.id))
prepared = st.session_state.get("backup_file")
if prepared:
    st.download_button(ui.t("backup.download", kb=len(prepared) // 1024 + 1), prepared,
                       file_name=f"backup-{utcnow():%Y%m%d-%H%M}.zip", mime="application/zip",
                       key="backup_download", icon=":material/download:")

st.divider()
st.subheader(ui.t("backup.restore"))
st.warning(ui.t("backup.restore_warning"), icon=":material/warning:")
upload = st.file_uploader(ui.t("backup.upload"), type=["zip"], key="backup_upload")
if upload is not None:
    content = upload.getvalue()
    try:
        manifest = backup.read_manifest(content)
        backup.check_restorable(ui.engine(), manifest)
    except UserFacingError as error:
        ui.show_error(error)
        st.stop()
    counts = manifest["counts"]
    st.info(ui.t("backup.will_replace", created=manifest["created_at"][:19].replace("T", " "),
                  database=manifest["database"], members=counts.get("member_unit", 0),
                  users=counts.get("app_user", 0), milestones=counts.get("milestone", 0),
                  values=counts.get("indicator_value", 0)), icon=":material/info:")
    confirm = st.text_input(ui.t("backup.confirm_label"), key="backup_confirm",
                            help=ui.t("backup.confirm_help"))
    if st.button(ui.t("backup.restore_now"), type="primary", key="backup_restore",
                 disabled=confirm.strip() != ui.t("backup.confirm_word")):
        try:
            backup.restore_backup(ui.engine(), content)
        except UserFacingError as error:
            ui.show_error(error)
        else:
            # actor_id stays empty: the restored users table may not hold this account's id
            ui.write(audit.record, action="backup_restored", actor_name=user.username,
                     detail=manifest["created_at"])
            st.session_state["backup_flash"] = "backup.restored"
            st.session_state.pop("backup_file", None)
            st.rerun()

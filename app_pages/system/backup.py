"""Backup and restore (备份与恢复, admin)."""
import streamlit as st

from core import audit, db, ui
from core.errors import UserFacingError
from core.settings import put_setting
from core.system import backup, business_workbook
from core.timeutil import utcnow

user = ui.guard("backup")
ui.page_header("backup", "backup.subtitle")
ui.show_flash("backup_flash")

st.subheader(ui.t("backup.make"))
st.write(ui.t("backup.make_hint"))
# Built when the admin clicks, on the download's own thread, and never kept in the session: a
# backup holds every table (password hashes included), so it must not linger at a media URL.
engine, lang, user_id, username, admin = ui.engine(), ui.lang(), user.id, user.username, user


def build_backup() -> bytes:
    content = backup.make_backup(engine, workbook=lambda session: business_workbook.workbook(session, admin, lang))
    with db.session_scope(engine) as session:
        put_setting(session, "last_backup_at", utcnow().isoformat(), user_id=user_id)
        audit.record(session, action="backup_downloaded", actor_id=user_id, actor_name=username,
                     detail=f"{len(content)} bytes")
    return content


st.download_button(ui.t("backup.prepare"), build_backup, file_name=f"backup-{utcnow():%Y%m%d-%H%M}.zip",
                   mime="application/zip", key="backup_download", type="primary", icon=":material/backup:")

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
            st.rerun()

"""Everything pages use from Streamlit, and the only place in core/ that imports it."""
from core.ui import formats
from core.ui.chrome import WIDE_ONLY
from core.ui import tables  # noqa: F401 - every table shows "—" for a missing value
from core.ui.imports import (
    dry_run,
    finish_import,
    import_counts,
    import_progress,
    upload_preview,
    upload_round,
    values_preview,
)
from core.ui.language import LANG_KEY, lang, role_label, show_error, t, when
from core.ui.login import change_password, current_user, login, logout, resolve_user
from core.ui.resilience import retry_when_database_unavailable
from core.ui.session import engine, platform_settings, read, settings, write
from core.ui.shell import LOGO, LOGO_ICON, guard, link_to_page, navigation, page_header, start_app
from core.ui.widgets import (
    XLSX_MIME,
    confirm_button,
    download_workbook,
    edit_version,
    export_table,
    field_key,
    forget_edit_version,
    fresh_key,
    member_breakdown,
    open_from_list,
    pager,
    save_and_rerun,
    show_flash,
)

__all__ = [
    "LANG_KEY", "LOGO", "WIDE_ONLY", "formats", "LOGO_ICON", "XLSX_MIME", "change_password", "confirm_button", "current_user", "download_workbook",
    "dry_run", "edit_version", "engine", "export_table", "field_key", "finish_import", "forget_edit_version", "fresh_key",
    "guard", "import_counts", "import_progress", "lang", "link_to_page", "login", "member_breakdown", "logout", "navigation",
    "open_from_list", "page_header", "pager", "platform_settings", "read", "resolve_user",
    "retry_when_database_unavailable", "role_label", "save_and_rerun", "settings", "show_error",
    "show_flash", "start_app", "t", "upload_preview", "upload_round",
    "values_preview", "when", "write",
]

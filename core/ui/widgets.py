"""Widgets every page reuses: edit versions and stable form keys for stale-edit checks, saving
with a confirmation, downloads built on click, lists to open from, a pager."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from core.errors import UserFacingError
from core.i18n import catalog
from core.ui.language import show_error, t
from core.ui.session import write

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def edit_version(scope: str, row_id: int, current_version: int) -> int:
    """The version of a row as it was when this user began editing it.

    Kept across reruns, so that saving after someone else saved sends the old version and the
    service refuses the stale edit instead of the form quietly taking the new version.
    """
    key = f"edit_version_{scope}_{row_id}"
    _show_unsaved(scope, row_id)
    return st.session_state.setdefault(key, int(current_version))


def _unsaved_key(scope: str, row_id) -> str:
    return f"unsaved_{scope}_{row_id}"


def _show_unsaved(scope: str, row_id) -> None:
    """After a stale edit was refused: what the user typed, above the form that now shows what
    is stored, until they save again or put it aside."""
    kept = st.session_state.get(_unsaved_key(scope, row_id))
    if not kept:
        return
    with st.container(border=True):
        st.warning(t("common.unsaved_title"), icon=":material/edit_off:")
        st.dataframe([{t("common.unsaved_field"): label, t("common.unsaved_value"): value}
                      for label, value in kept], hide_index=True, width="stretch")
        if st.button(t("common.unsaved_dismiss"), key=f"{_unsaved_key(scope, row_id)}_dismiss"):
            st.session_state.pop(_unsaved_key(scope, row_id), None)
            st.rerun()


def _typed(prefix: str, args: tuple, kwargs: dict, labels: dict | None) -> list[tuple[str, str]]:
    """The values a refused save carried, as (field label, text) rows for _show_unsaved."""
    values = kwargs.get("values")
    if not isinstance(values, dict):
        values = next((a for a in [*args, *kwargs.values()] if isinstance(a, dict)), {})
    rows = []
    for field, value in values.items():
        if isinstance(value, tuple):  # (value, comment) of an indicator
            value = " · ".join(str(part) for part in value if part not in (None, ""))
        label = (labels or {}).get(field) or next((t(key) for key in (f"{prefix}.f_{field}", f"{prefix}.col_{field}",
                                         f"{prefix.split('_')[0]}.col_{field}", f"{prefix.split('_')[0]}.f_{field}")
                      if key in catalog("zh")), field)
        rows.append((label, "" if value is None else str(value)))
    return rows


def field_key(scope: str, row_id: int, field: str) -> str:
    """A stable widget key for one field of one row's edit form.

    Keyed widgets keep what the user typed even when the stored value (the default) changes
    underneath, so a stale save is refused rather than silently sending the new values. The
    key carries a generation number; starting the form afresh moves to new keys."""
    generation = st.session_state.get(f"form_generation_{scope}_{row_id}", 0)
    return f"form_{scope}_{row_id}_{generation}_{field}"


def forget_edit_version(scope: str, row_id: int) -> None:
    """Start the row's form afresh: the stored version and values are read again."""
    st.session_state.pop(f"edit_version_{scope}_{row_id}", None)
    key = f"form_generation_{scope}_{row_id}"
    st.session_state[key] = st.session_state.get(key, 0) + 1


def fresh_key(key: str) -> str:
    """The key of a new-entry form's widget, which moves on once the form was saved (save_and_rerun's
    `clear`): the widget comes back empty, a file uploader too (session state cannot empty one),
    so a second click does not record the same entry twice. A refused save keeps what was typed."""
    return f"{key}_{st.session_state.get(f'fresh_{key}', 0)}"


def save_and_rerun(fn, *args, flash_key: str, flash: str, reload: tuple[str, int] | None = None,
                   labels: dict | None = None, clear: tuple[str, ...] = (), **kwargs) -> None:
    """Run a write. On success keep a confirmation for the next run and rerun; on refusal show
    the reason in the user's language. After a stale edit the form shows the saved data from
    the next run on, with what the user had typed kept in view above it (edit_version shows it),
    so nothing typed is lost unseen and the user can save again knowingly."""
    try:
        result = write(fn, *args, **kwargs)
    except UserFacingError as error:
        show_error(error)
        if reload and error.key == "common.stale_edit":
            # The form starts again from what is stored; what this user typed is kept in view.
            st.session_state[_unsaved_key(*reload)] = _typed(flash.split(".")[0], args, kwargs, labels)
            forget_edit_version(*reload)
    else:
        if reload:
            forget_edit_version(*reload)
            st.session_state.pop(_unsaved_key(*reload), None)
        # A save that changed nothing (the services return the empty difference) says so.
        st.session_state[flash_key] = "common.nothing_changed" if result == {} else flash
        for key in clear:  # the fresh_key widgets of the form just saved start empty
            st.session_state.pop(fresh_key(key), None)
            st.session_state[f"fresh_{key}"] = st.session_state.get(f"fresh_{key}", 0) + 1
        st.rerun()


def download_workbook(label: str, make: Callable[[], bytes], *, file_name: str, key: str) -> None:
    """A workbook download built only when the user clicks, not on every rerun of the page.

    `make` runs on another thread, without session state: bind what it needs (the language,
    the rows shown) before passing it."""
    st.download_button(label, make, file_name=file_name, mime=XLSX_MIME, key=key,
                       icon=":material/download:")


def export_table(frame, title: str, *, key: str, decimals: dict | None = None) -> None:
    """An "Export to Excel" button for a table exactly as the page shows it; `decimals` as
    core.excel.table_export.shown takes them (a column's, or one per row)."""
    from core.excel import table_export

    shown = frame.copy()
    download_workbook(t("common.export_excel"), lambda: table_export.shown(shown, title, decimals),
                      file_name=f"{title}.xlsx", key=key)


def show_flash(state_key: str) -> None:
    """A confirmation kept for the run after a save, shown as a toast (it outlives reruns)."""
    flash = st.session_state.pop(state_key, None)
    if flash:
        key, params = (flash, {}) if isinstance(flash, str) else flash
        st.toast(t(key, **params), icon=":material/check_circle:")


def open_from_list(label: str, labels: dict, captions: list[str], state_key: str) -> None:
    """A list of items (a message, a topic) to open one from; the one open is kept in
    `state_key`, so it stays open while the list pages or filters change."""
    ids = list(labels)
    current = st.session_state.get(state_key)
    choice = st.radio(label, ids, format_func=labels.get, captions=captions,
                      index=ids.index(current) if current in ids else None, label_visibility="collapsed")
    if choice is not None and choice != current:
        st.session_state[state_key] = choice
        st.rerun()


def pager(key: str, page: int, pages: int) -> None:
    """Previous / "page n of m" / next under a paged list; the page number lives in `key`."""
    if pages <= 1:
        return
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    if back.button(t("inbox.prev"), key=f"{key}_prev", disabled=page <= 1, icon=":material/chevron_left:"):
        st.session_state[key] = page - 1
        st.rerun()
    where.caption(t("inbox.page_of", page=page, pages=pages))
    if forward.button(t("inbox.next"), key=f"{key}_next", disabled=page >= pages, icon=":material/chevron_right:"):
        st.session_state[key] = page + 1
        st.rerun()


def member_breakdown(by_status: dict[str, int]) -> None:
    """Under every count of members: what the count is (active units) and the other statuses,
    so the portal, home, the registry and settings never seem to disagree."""
    order = ("active", "suspended", "applicant", "exited")
    parts = [t("members.breakdown_part", status=t(f"member_status.{status}"), count=by_status.get(status, 0))
             for status in order if by_status.get(status) or status == "active"]
    st.caption(t("members.breakdown", parts=" · ".join(parts)))


def confirm_button(label: str, *, key: str, message: str, where=None, type: str = "secondary",
                   disabled: bool = False, icon: str | None = None, ask: bool = True) -> bool:
    """A button for an action that cannot be taken back (submit for review, approve, a notice to
    everyone): the first click says what will happen, and only "confirm" does it. True in the run
    that confirms (or, with ask=False, in the run of the click)."""
    asking = f"{key}_asking"
    if (where or st).button(label, key=key, type=type, disabled=disabled, icon=icon):
        if not ask:
            return True
        st.session_state[asking] = True
    if not st.session_state.get(asking) or disabled:
        return False
    with st.container(border=True):
        st.warning(message, icon=":material/help:")
        yes, no, _ = st.columns([1, 1, 3])
        if no.button(t("common.cancel"), key=f"{key}_cancel"):
            st.session_state.pop(asking, None)
            st.rerun()
        if yes.button(t("common.confirm"), key=f"{key}_confirm", type="primary"):
            st.session_state.pop(asking, None)
            return True
    return False

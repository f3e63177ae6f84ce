"""The one upload-and-preview step of every Excel import: the uploader, the dry run with a
progress bar, the preview, rejected rows, and one commit that writes only what was previewed."""
from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

from core.errors import UserFacingError
from core.excel import importer
from core.ui.language import show_error, t
from core.ui.session import read, write


def upload_round(key: str) -> int:
    """A counter in the uploader's key: after a commit the uploader starts empty."""
    return st.session_state.get(f"{key}_round", 0)


@contextmanager
def import_progress(stages: str = "excel.stage_{stage}"):
    """A progress bar for a long import or export, while the block runs.

    Imports report their stages themselves (reading, validating, writing; see
    core.excel.importer.reporting); other work calls the yielded `step(stage, fraction)`.
    The bar goes away when the block ends."""
    slot = st.empty()
    bar = slot.progress(0.0, text=t(stages.format(stage="reading")))

    def step(stage: str, fraction: float) -> None:
        bar.progress(max(0.0, min(1.0, fraction)), text=t(stages.format(stage=stage)))

    try:
        with importer.reporting(step):
            yield step
    finally:
        slot.empty()


def dry_run(plan, *args, **kwargs):
    """Read and check an uploaded workbook with a progress bar; the preview, or None after
    showing why the file was refused (nothing is written either way)."""
    try:
        with import_progress():
            return read(plan, *args, **kwargs)
    except UserFacingError as error:
        show_error(error)
        return None


def upload_preview(key: str, label: str, plan, current, *, help: str | None = None, **plan_kwargs):
    """A workbook uploader (emptied after each commit) and the dry run of the file uploaded.

    Returns the preview and `replan(session)`, which reads the same file again for
    `finish_import`; or (None, None) while nothing usable is uploaded (the reason shown)."""
    upload = st.file_uploader(label, type=["xlsx", "xls", "xlsm"], key=f"{key}_file_{upload_round(key)}",
                              help=help)
    if upload is None:
        return None, None
    content, name = upload.getvalue(), upload.name
    preview = dry_run(plan, current, content, name, **plan_kwargs)
    if preview is None:
        return None, None
    return preview, lambda session: plan(session, current, content, name, **plan_kwargs)


def import_counts(preview, kinds=("add", "change", "unchanged", "rejected")) -> None:
    """The dry run's counts as metrics, and the sheet the rows were found on."""
    summary = preview.summary()
    for column, kind in zip(st.columns(len(kinds)), kinds):
        column.metric(t(f"member_import.count_{kind}"), summary[kind])
    if getattr(preview, "sheet", ""):
        st.caption(t("member_import.sheet_found", sheet=preview.sheet))


def values_preview(preview) -> None:
    """An indicator-values dry run: the counts, the values to add and the changes (old → new)."""
    import_counts(preview)
    heads = {"row": t("excel.col_row"), "unit": t("values_import.col_unit"),
             "year": t("values_import.col_year"), "code": t("values_import.col_code")}

    def where(p) -> dict:
        return {heads["row"]: p.row, heads["unit"]: p.label, heads["year"]: p.values["year"],
                heads["code"]: p.values["code"]}

    if preview.adds:
        st.subheader(t("values_import.adds"))
        st.dataframe([{**where(p), t("values_import.col_value"): p.values["value"]} for p in preview.adds],
                     hide_index=True, width="stretch")
    if preview.changes:
        st.subheader(t("values_import.changes"))
        st.dataframe([{**where(p), t("excel.col_field"): t(f"values_import.f_{name}"),
                       t("excel.col_old"): _shown(old), t("excel.col_new"): _shown(new)}
                      for p in preview.changes for name, (old, new) in p.changes.items()],
                     hide_index=True, width="stretch")


def _shown(value) -> str:
    """A value in an import preview: 2500 rather than 2500.0, blank for nothing."""
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def finish_import(preview, *, key: str, replan, commit, flash_key: str, flash) -> None:
    """The end of every dry run: rejected rows (sheet, row, column, reason), the choice to import
    only the valid rows, and one all-or-nothing commit.

    `replan(session)` reads the file again inside the commit's transaction; when that differs
    from the preview shown (someone changed the same rows meanwhile) nothing is written and the
    user is asked to look again. `commit(session, plan, only_valid)` writes; `flash(batch)`
    gives the confirmation (key, params) for the next run."""
    # The preview on screen is the one the previous run drew: a click reruns the page, which
    # plans the file again before the button reports the click.
    seen = st.session_state.get(f"{key}_seen", importer.fingerprint(preview))
    st.session_state[f"{key}_seen"] = importer.fingerprint(preview)
    if preview.rejects:
        st.subheader(t("member_import.rejects"))
        st.dataframe([{t("excel.col_sheet"): r.sheet, t("excel.col_row"): r.row,
                       t("excel.col_column"): r.column, t("excel.col_reason"): t(r.key, **r.params)}
                      for r in preview.rejects], hide_index=True, width="stretch")
    if preview.nothing_to_do:
        st.info(t("excel.nothing_to_do", unchanged=len(preview.unchanged)), icon=":material/info:")
        return
    only_valid = False
    if preview.rejects:
        st.warning(t("excel.has_rejects", rows=preview.rejected_rows), icon=":material/warning:")
        only_valid = st.checkbox(t("member_import.only_valid"), key=f"{key}_only_valid")
    if st.button(t("member_import.commit"), type="primary", key=f"{key}_commit",
                 disabled=bool(preview.rejects) and not only_valid):
        try:
            with import_progress():
                batch = write(lambda session: _commit_as_previewed(session, seen, replan, commit, only_valid))
        except UserFacingError as error:
            show_error(error)
        else:
            st.session_state[flash_key] = flash(batch)
            st.session_state[f"{key}_round"] = upload_round(key) + 1
            st.rerun()


def _commit_as_previewed(session, seen: tuple, replan, commit, only_valid: bool):
    fresh = replan(session)
    importer.check_unchanged(seen, fresh)
    return commit(session, fresh, only_valid)

"""The one upload-and-preview step of every Excel import: the uploader, the dry run with a
progress bar, the preview, rejected rows, and one commit that writes only what was previewed."""
from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
import streamlit as st

from core.display import bilingual
from core.errors import UserFacingError
from core.excel import importer
from core.ui.language import lang, show_error, t
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


def upload_preview(key: str, label: str, plan, current, *, help: str | None = None, show=None, **plan_kwargs):
    """A workbook uploader (emptied after each commit) and the dry run of the file uploaded.

    Returns the preview and `replan(session)`, which reads the same file again for
    `finish_import`; or (None, None) while nothing usable is uploaded (the reason shown).

    With `show(preview, replan)`, what the page draws of the preview goes in one slot under the
    uploader. Streamlit keeps an element on screen until the next run replaces it, so a new
    file's dry run would otherwise run under the last file's counts, rejects and warnings; the
    slot is emptied before the dry run starts, so they go the moment a new file is chosen."""
    upload = st.file_uploader(label, type=["xlsx", "xls", "xlsm"], key=f"{key}_file_{upload_round(key)}",
                              help=help)
    progress = st.empty()
    area = st.empty()  # sent before the dry run: the last file's preview leaves the screen now
    if upload is None:
        return None, None
    content, name = upload.getvalue(), upload.name
    with progress.container():
        preview = dry_run(plan, current, content, name, **plan_kwargs)
    if preview is None:
        return None, None
    replan = lambda session: plan(session, current, content, name, **plan_kwargs)  # noqa: E731
    if show is not None:
        with area.container():
            show(preview, replan)
    return preview, replan


def import_counts(preview, kinds=("add", "change", "unchanged", "rejected")) -> None:
    """The dry run's counts as metrics, and the sheet the rows were found on."""
    summary = preview.summary()
    for column, kind in zip(st.columns(len(kinds)), kinds):
        column.metric(t(f"member_import.count_{kind}"), summary[kind])
    if getattr(preview, "sheet", ""):
        st.caption(t("member_import.sheet_found", sheet=preview.sheet))


def values_preview(preview) -> None:
    """An indicator-values dry run: the counts, then each value to add or change as a person
    checks it: the indicator by name, last year's value and the change from it, the comment
    typed in the file (and for a change, the value stored now)."""
    import_counts(preview)
    if preview.adds:
        st.subheader(t("values_import.adds"))
        st.dataframe(pd.DataFrame([_value_row(p) for p in preview.adds]), hide_index=True, width="stretch",
                     column_config=_VALUE_COLUMNS())
    if preview.changes:
        st.subheader(t("values_import.changes"))
        st.dataframe(pd.DataFrame([_value_row(p, stored=True) for p in preview.changes]), hide_index=True,
                     width="stretch", column_config=_VALUE_COLUMNS())


def _VALUE_COLUMNS() -> dict:  # noqa: N802 - a table's column settings, built in the reader's language
    return {t("indicator_review.col_change"): st.column_config.NumberColumn(format="%+.1f"),
            t("values_import.col_comment"): st.column_config.TextColumn(width="large")}


def _value_row(p, *, stored: bool = False) -> dict:
    values = p.values
    name = bilingual(values.get("name_zh"), values.get("name_en"), lang())
    last, new = values.get("last_year"), values.get("value")
    row = {t("excel.col_row"): p.row, t("values_import.col_unit"): p.label,
           t("values_import.col_year"): str(values["year"]),
           t("indicators.col_indicator"): f"{values['code']} {name}",
           t("indicators.col_last_year"): last}
    if stored:
        row[t("excel.col_old")] = p.changes.get("value", (values.get("value"), None))[0]
    row[t("values_import.col_value") if not stored else t("excel.col_new")] = new
    row[t("indicator_review.col_change")] = (new - last) / abs(last) * 100 if last and new is not None else None
    row[t("values_import.col_comment")] = values.get("comment") or None
    return row


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
        # Asked again for each file: a tick given to the last file's rejects is not this one's.
        only_valid = st.checkbox(t("member_import.only_valid"), key=f"{key}_only_valid_{preview.sha256[:16]}")
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

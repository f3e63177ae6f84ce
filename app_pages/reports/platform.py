"""Platform workbooks (上报): preview every cell of a profile with its source and last year's
submitted value, download, submit (frozen with its hash), earlier submissions; and the profiles
themselves as data the secretariat edits in a grid, exports and imports as JSON."""
import pandas as pd
import streamlit as st

from core import ui
from core.reports import platform, submissions, summary, tables as ui_tables
from core.reports.mapping import COLUMN_KEYS

user = ui.guard("report_platform")
ui.page_header("report_platform", "report_platform.subtitle")
ui.show_flash("report_platform_flash")

years = ui.read(summary.years, user)
defs = ui.read(platform.profiles, user)
left, right = st.columns(2)
year = left.selectbox(ui.t("report.year"), years, index=years.index(ui.read(summary.default_year, user)),
                      key="report_platform_year")
names = {p.code: f"{p.name}（{p.code}）" for p in defs}
code = right.selectbox(ui.t("report_platform.profile"), list(names), format_func=names.get,
                       key="report_platform_profile")
chosen = next(p for p in defs if p.code == code)
section = st.segmented_control(ui.t("report_platform.section"), ["preview", "edit", "history"], default="preview",
                               format_func=lambda s: ui.t(f"report_platform.section_{s}"),
                               key="report_platform_section") or "preview"

if section == "preview":
    cells = ui.read(submissions.preview, user, year=year, code=code)
    all_cells = cells
    changed = int(cells["changed"].sum())
    if changed:
        st.warning(ui.t("report_platform.changed_since", count=changed), icon=":material/published_with_changes:")
    st.caption(ui.t("report_platform.preview_help", cells=len(cells), differs=int(cells["differs"].sum())))
    if st.toggle(ui.t("report_platform.only_changed"), key="report_platform_only_changed"):
        cells = cells[cells["differs"] | cells["changed"]].reset_index(drop=True)
    shown = pd.DataFrame({
        ui.t("report_platform.col_sheet"): cells["sheet"], ui.t("report_platform.col_row"): cells["row"],
        ui.t("report_platform.col_code"): cells["code"], ui.t("report_platform.col_label"): cells["label"],
        ui.t("report_platform.col_value"): cells["value"].map(ui_tables.cell_text),
        ui.t("report_platform.col_last_year"): cells["last_year"].map(ui_tables.cell_text),
        ui.t("report_platform.col_submitted"): cells["submitted"].map(ui_tables.cell_text),
        ui.t("report_platform.col_source"): cells["source"]})
    flags = cells["differs"] | cells["changed"]
    st.dataframe(shown.style.apply(lambda row: ["background-color: #FFF4CC" if flags.iloc[row.name] else ""] * len(row),
                                   axis=1), hide_index=True, width="stretch", height=420)
    title = f"{chosen.name} · {year}"
    ui.download_workbook(ui.t("report_platform.download"),
                         lambda: platform.workbook(all_cells, title=title),
                         file_name=platform.file_name(code, year), key="report_platform_download")
    note = st.text_input(ui.t("report_platform.note"), key="report_platform_note", max_chars=1000)
    if ui.confirm_button(ui.t("report_platform.submit"), key="report_platform_submit", type="primary",
                         message=ui.t("report_platform.submit_confirm", name=chosen.name, year=year)):
        ui.save_and_rerun(submissions.submit, user, year=year, code=code, note=note,
                          flash_key="report_platform_flash", flash="report_platform.submitted")

elif section == "edit":
    st.caption(ui.t("report_platform.edit_help"))
    with st.expander(ui.t("report_platform.col_source")):
        st.caption(ui.t("report_platform.sources_help"))
    version = ui.edit_version("export_profile", code, chosen.version)
    name = st.text_input(ui.t("report_platform.name"), chosen.name, key=ui.field_key("export_profile", code, "name"))
    grid = pd.DataFrame(chosen.columns, columns=list(COLUMN_KEYS))
    edited = st.data_editor(grid, key=f"report_platform_grid_{code}", num_rows="dynamic", hide_index=True,
                            width="stretch", column_config={
                                key: st.column_config.TextColumn(ui.t(f"report_platform.col_{key}"))
                                for key in COLUMN_KEYS if key != "decimals"} | {
                                "rows": st.column_config.SelectboxColumn(ui.t("report_platform.col_rows"),
                                                                         options=["single", "cooperation"]),
                                "decimals": st.column_config.NumberColumn(ui.t("report_platform.col_decimals"),
                                                                          min_value=0, max_value=6, step=1)})
    columns = edited.astype(object).where(edited.notna(), None).to_dict("records")
    save, check = st.columns(2)
    if check.button(ui.t("report_platform.check"), key="report_platform_check"):
        found = ui.read(platform.check, user, columns=columns)
        for problem in found:
            st.error(ui.t("report_mapping.at_line", line=problem.line) + ui.t(problem.key, **problem.params))
        if not found:
            st.success(ui.t("report_platform.check_ok"))
    if save.button(ui.t("report_platform.save"), type="primary", key="report_platform_save"):
        ui.save_and_rerun(platform.save, user, code=code, name=name, columns=columns, expected_version=version,
                          flash_key="report_platform_flash", flash="report_platform.saved",
                          reload=("export_profile", code))
    st.divider()
    a, b = st.columns(2)
    a.download_button(ui.t("report_platform.export_json"), ui.read(platform.to_json, user, code=code),
                      file_name=f"{code}.json", mime="application/json", key="report_platform_json",
                      icon=":material/download:")
    upload = b.file_uploader(ui.t("report_platform.import_json"), type=["json"], key="report_platform_upload")
    if upload is not None and b.button(ui.t("report_platform.import"), key="report_platform_import"):
        ui.save_and_rerun(platform.import_json, user, content=upload.getvalue(),
                          flash_key="report_platform_flash", flash="report_platform.imported")

else:
    done = ui.read(submissions.history, user, year=year)
    if done.empty:
        st.caption(ui.t("report_platform.no_history"))
    else:
        st.dataframe(pd.DataFrame({
            ui.t("report_platform.profile"): done["profile"], ui.t("report_platform.col_when"): done["submitted_at"].map(ui.when),
            ui.t("report_platform.col_by"): done["by"].fillna(""), ui.t("report_platform.col_hash"): done["sha256"].str[:16],
            ui.t("report_platform.note"): done["note"]}), hide_index=True, width="stretch")
        labels = {int(r.id): f"{r.profile} · {ui.when(r.submitted_at)}" for r in done.itertuples()}
        picked = st.selectbox(ui.t("report_platform.pick_submission"), list(labels), format_func=labels.get,
                              key="report_platform_pick")
        filename, content = ui.read(submissions.content, user, submission_id=picked)
        st.download_button(ui.t("report_platform.download_submitted"), content, file_name=filename,
                           mime=ui.XLSX_MIME, key="report_platform_download_submitted", icon=":material/download:")

"""The group profile (集团基本信息) of one year: the typed fields the secretariat keeps, beside the
counts the registry gives for that year (never typed)."""
from datetime import date

import pandas as pd
import streamlit as st

from core import attachments, ui
from core.reports import profile as service, summary
from core.safe_text import plain

user = ui.guard("report_profile")
ui.page_header("report_profile", "report_profile.subtitle")
ui.show_flash("report_profile_flash")

years = ui.read(summary.years, user)
year = st.selectbox(ui.t("report.year"), years, index=years.index(ui.read(summary.default_year, user)),
                    key="report_profile_year")
view = ui.read(service.profile_for, user, year=year)
if view.version == 0:
    st.info(ui.t("report_profile.from_year", year=view.source_year, this=year) if view.source_year
            else ui.t("report_profile.new", this=year))

counts = ui.read(service.counts, user, year=year)
with st.expander(ui.t("report_profile.computed"), expanded=False):
    st.caption(ui.t("report_profile.lead_unit") + "：" + ui.read(service.lead_unit, user))
    st.dataframe(pd.DataFrame([
        {ui.t("report_summary.col_item"): ui.t(f"member_type.{key[8:]}") if key.startswith("members_")
         else ui.t(f"report_summary.{'members_total' if key == 'members' else key}"), ui.t("report_summary.col_value"): value}
        for key, value in counts.items()]).astype(str), hide_index=True, width="stretch")

scope = f"report_profile_{year}"
expected = ui.edit_version("report_profile", year, view.version)
values = {}
with st.form(scope):
    columns = st.columns(2)
    for index, field in enumerate(service.FIELDS):
        label = ui.t(field.label_key)
        key = ui.field_key("report_profile", year, field.key)
        current = view.values.get(field.key, "")
        place = st if field.kind == "long" else columns[index % 2]
        if field.kind == "choice":
            options = ["", *field.choices]
            values[field.key] = place.selectbox(
                label, options, index=options.index(current) if current in options else 0, key=key,
                format_func=lambda c, f=field.key: ui.t(f"report_profile.c_{f}_{c}") if c else "—")
        elif field.kind == "date":
            picked = place.date_input(label, value=date.fromisoformat(current) if current else None, key=key,
                                      min_value=date(1980, 1, 1), format="YYYY-MM-DD")
            values[field.key] = picked.isoformat() if picked else ""
        elif field.kind == "long":
            values[field.key] = place.text_area(label, value=current, key=key, max_chars=field.max_length, height=160)
        else:
            values[field.key] = place.text_input(label, value=current, key=key, max_chars=field.max_length)
    saved = st.form_submit_button(ui.t("report_profile.save"), type="primary")
found = service.problems(service.clean(values)) if saved else []
for field_key, message, params in found:  # each with its field's name; nothing is saved
    st.error(f"{ui.t(service.FIELDS_BY_KEY[field_key].label_key)}：{ui.t(message, **params)}", icon=":material/error:")
if saved and not found:
    ui.save_and_rerun(service.save_profile, user, year=year, values=values, expected_version=expected,
                      flash_key="report_profile_flash", flash="report_profile.saved",
                      reload=("report_profile", year))

st.subheader(ui.t("report_profile.files"))
st.caption(ui.t("report_profile.files_help"))
listed = ui.read(service.files, user, year=year)
for item in listed.itertuples():
    name_col, remove_col = st.columns([4, 1], vertical_alignment="center")
    name_col.download_button(plain(item.filename), lambda file_id=int(item.id): ui.read(attachments.content, user,
                                                                                    file_id)[2],
                             file_name=item.filename, mime=item.mime_type, key=f"report_profile_file_{item.id}",
                             icon=":material/attach_file:")
    if remove_col.button(ui.t("report_profile.remove_file"), key=f"report_profile_remove_{item.id}"):
        ui.save_and_rerun(attachments.remove, user, int(item.id), flash_key="report_profile_flash",
                          flash="report_profile.file_removed")
upload = st.file_uploader(ui.t("report_profile.add_file"), key=f"report_profile_upload_{year}")
if upload is not None and st.button(ui.t("report_profile.attach"), key="report_profile_attach"):
    ui.save_and_rerun(service.attach, user, year=year, filename=upload.name, content=upload.getvalue(),
                      flash_key="report_profile_flash", flash="report_profile.file_added")

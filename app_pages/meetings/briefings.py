"""Activity briefings (活动简报): the office drafts an issue from a period, edits and orders its
items in a grid, adds photos, publishes it to every member's inbox and downloads Word and PDF."""
from datetime import date

import pandas as pd
import streamlit as st

from core import ui
from core.meetings import briefing_files, briefings
from core.safe_text import plain
from core.timeutil import china_today

user = ui.guard("briefings")
ui.page_header("briefings", "briefings.subtitle")
FLASH = "briefings_flash"
ui.show_flash(FLASH)
today = china_today()
quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)

with st.expander(ui.t("briefings.new"), icon=":material/add:"), st.form("briefing_new"):
    title = st.text_input(ui.t("briefings.title"), max_chars=200, key="briefing_new_title",
                          value=ui.t("briefings.title_default", year=today.year, n=(today.month - 1) // 3 + 1))
    left, right = st.columns(2)
    start = left.date_input(ui.t("briefings.start"), quarter_start, key="briefing_new_start")
    end = right.date_input(ui.t("briefings.end"), today, key="briefing_new_end")
    if st.form_submit_button(ui.t("briefings.create"), type="primary"):
        ui.save_and_rerun(briefings.create_briefing, user, title=title, start=start, end=end, lang=ui.lang(),
                          flash_key=FLASH, flash="briefings.created")

issues = ui.read(briefings.briefing_list, user)
if issues.empty:
    st.info(ui.t("briefings.none"), icon=":material/newspaper:")
    st.stop()
st.dataframe(pd.DataFrame({
    ui.t("briefings.col_title"): issues["title"],
    ui.t("briefings.col_period"): [ui.t("briefings.period", start=a.isoformat(), end=b.isoformat())
                                   for a, b in zip(issues["period_start"], issues["period_end"])],
    ui.t("briefings.col_items"): issues["items"],
    ui.t("briefings.col_published"): issues["published"].map(lambda v: ui.t("common.yes" if v else "common.no")),
}), hide_index=True, width="stretch")
labels = dict(zip(issues["id"].astype(int), issues["title"]))
chosen = st.selectbox(ui.t("briefings.open"), list(labels), format_func=labels.get, key="briefings_pick")
row = ui.read(briefings.briefing, user, chosen)
version = ui.edit_version("briefing", chosen, row.version)

grid = pd.DataFrame([{"order": n, "kind": i["kind"], "title": i["title"], "body": i["body"]}
                     for n, i in enumerate(row.items or [], start=1)], columns=["order", "kind", "title", "body"])
with st.form(f"briefing_edit_{chosen}"):
    new_title = st.text_input(ui.t("briefings.title"), value=row.title, max_chars=200)
    st.caption(ui.t("briefings.items"))
    edited = st.data_editor(grid, key=f"briefing_items_{chosen}_{row.version}", num_rows="dynamic", hide_index=True,
                            width="stretch", column_config={
                                "order": st.column_config.NumberColumn(ui.t("briefings.col_order"), min_value=0, step=1),
                                "kind": st.column_config.SelectboxColumn(
                                    ui.t("briefings.col_kind"), options=list(briefings.ITEM_KINDS), default="text",
                                    format_func=lambda k: ui.t(f"briefing_item.{k}")),
                                "title": st.column_config.TextColumn(ui.t("briefings.col_title"), max_chars=200),
                                "body": st.column_config.TextColumn(ui.t("briefings.col_body"), max_chars=4000,
                                                                    width="large")})
    if st.form_submit_button(ui.t("briefings.save"), type="primary"):
        ordered = edited.assign(order=pd.to_numeric(edited["order"], errors="coerce").fillna(len(edited) + 1))
        ordered = ordered.sort_values("order", kind="stable")
        items = [{"kind": r.kind, "title": r.title, "body": r.body} for r in ordered.itertuples()]
        ui.save_and_rerun(briefings.update_briefing, user, chosen, version, title=new_title, items=items,
                          flash_key=FLASH, flash="briefings.saved", reload=("briefing", chosen))

pictures, files = st.columns(2)
with pictures:
    upload = st.file_uploader(ui.t("briefings.upload"), type=["png", "jpg", "jpeg"], key=f"briefing_photo_{chosen}")
    if upload is not None and st.button(ui.t("briefings.attach"), icon=":material/add_photo_alternate:"):
        ui.save_and_rerun(briefings.add_photo, user, chosen, filename=upload.name, content=upload.getvalue(),
                          flash_key=FLASH, flash="briefings.attached")
    for name, content in ui.read(briefings.photos, user, chosen):
        st.image(content, caption=plain(name), width=240)
with files:
    if ui.confirm_button(ui.t("briefings.publish"), key=f"briefing_publish_{chosen}", type="primary",
                         message=ui.t("briefings.published"), icon=":material/campaign:"):
        ui.save_and_rerun(briefings.publish_briefing, user, chosen, lang=ui.lang(), flash_key=FLASH,
                          flash="briefings.published")
    if row.message_id:
        st.caption(ui.t("briefings.published_as", id=row.message_id))
    lang = ui.lang()
    st.download_button(ui.t("briefings.word"), lambda: ui.read(briefing_files.to_docx, user, chosen, lang=lang),
                       file_name=f"{row.title}.docx", icon=":material/description:", key=f"briefing_docx_{chosen}",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button(ui.t("briefings.pdf"), lambda: ui.read(briefing_files.to_pdf, user, chosen, lang=lang),
                       file_name=f"{row.title}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
                       key=f"briefing_pdf_{chosen}")

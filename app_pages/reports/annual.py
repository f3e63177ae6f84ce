"""The annual report (年度报告): the secretariat writes each chapter's text for the year (starting
from a draft written from the figures); everyone who may read it downloads it as Word or PDF,
with the figures, tables and charts of the year's summary."""
import streamlit as st

from core import ui
from core.models import Role
from core.reports import annual, documents, summary

user = ui.guard("report_annual")
ui.page_header("report_annual", "report_annual.subtitle_page")
ui.show_flash("report_annual_flash")

years = ui.read(summary.years, user)
year = st.selectbox(ui.t("report.year"), years, index=years.index(ui.read(summary.default_year, user)),
                    key="report_annual_year")


def _report(render):
    return render(ui.read(annual.build, user, year=year))


st.subheader(ui.t("report_annual.downloads"))
a, b = st.columns(2)
a.download_button(ui.t("report_annual.download_docx"), lambda: _report(documents.to_docx),
                  file_name=f"annual-report-{year}.docx", mime=documents.DOCX_MIME, key="report_annual_docx",
                  icon=":material/description:")
b.download_button(ui.t("report_annual.download_pdf"), lambda: _report(documents.to_pdf),
                  file_name=f"annual-report-{year}.pdf", mime=documents.PDF_MIME, key="report_annual_pdf",
                  icon=":material/picture_as_pdf:")

st.subheader(ui.t("report_annual.texts"))
chapter_texts = ui.read(annual.texts, user, year=year)
chapter = st.selectbox(ui.t("report_annual.chapter"), list(annual.CHAPTERS),
                       format_func=lambda c: ui.t(f"report_annual.ch_{c}"), key="report_annual_chapter")
current = chapter_texts[chapter]
staff = user.role in (Role.SECRETARIAT, Role.ADMIN)
if current.version == 0:
    st.caption(ui.t("report_annual.starting"))
scope = f"{year}_{chapter}"
expected = ui.edit_version("report_annual", scope, current.version)
with st.form(f"report_annual_form_{scope}"):
    text = st.text_area(ui.t("report_annual.text"), current.text, height=280, max_chars=annual.TEXT_MAX,
                        key=ui.field_key("report_annual", scope, "text"), disabled=not staff)
    saved = st.form_submit_button(ui.t("report_annual.save"), type="primary", disabled=not staff)
if saved and staff:
    ui.save_and_rerun(annual.save_text, user, year=year, chapter=chapter, text=text, expected_version=expected,
                      flash_key="report_annual_flash", flash="report_annual.saved", reload=("report_annual", scope))

"""The archive (档案管理): every document the platform holds (files, minutes, briefings, submitted
workbooks), by year, category, unit and text, with its origin; the secretariat files more
(charter, rules, contracts, photos) with retention and access level, sees what is past its
retention, and downloads a year's package for the paper archive."""
import pandas as pd
import streamlit as st

from core import nav, ui
from core.archive import archive
from core.archive.models import Access, DocCategory
from core.attachments import UPLOAD_EXTENSIONS
from core.auth import STAFF_ROLES
from core.ledgers.query import unit_choices
from core.models import Role
from core.safe_text import plain
from core.timeutil import china_today

user = ui.guard("archive")
ui.page_header("archive", "archive.subtitle")
FLASH = "archive_flash"
ui.show_flash(FLASH)
staff = user.role in STAFF_ROLES
units = ui.read(unit_choices)
filter_units = units if user.role != Role.MEMBER else {k: v for k, v in units.items() if k == user.member_id}
years = ui.read(archive.years, user)
CATEGORIES = archive.categories()


def category_label(code) -> str:
    return ui.t("common.choose_all") if code is None else ui.t(f"archive_category.{code}")


def origin_label(kind: str) -> str:
    return ui.t(archive.origin_label_key(kind))


def retention_label(years) -> str:
    if years is None or years != years:  # not a filed document (None / NaN)
        return ""
    return ui.t("archive.permanent") if int(years) == 0 else ui.t("archive.years_n", n=int(years))


def review_label(row) -> str:
    if row.review_due is None or row.review_due != row.review_due:
        return ""
    return f"⚠ {row.review_due} · {ui.t('archive.past_retention')}" if row.past_retention else str(row.review_due)


a, b, c, d = st.columns([1, 1, 2, 2])
year = a.selectbox(ui.t("archive.year"), [None, *years], key="archive_year",
                   format_func=lambda y: ui.t("common.choose_all") if y is None else str(y))
category = b.selectbox(ui.t("archive.category"), [None, *CATEGORIES], key="archive_category", format_func=category_label)
member_id = c.selectbox(ui.t("archive.unit"), [None, *filter_units], key="archive_unit",
                        format_func=lambda u: ui.t("common.choose_all") if u is None else units[u])
text = d.text_input(ui.t("archive.search"), key="archive_text", max_chars=100)
past = False
if staff:
    overdue = ui.read(archive.retention_list, user, past_only=True)
    if not overdue.empty:
        st.warning(ui.t("archive.past_count", count=len(overdue)), icon=":material/history:")
    past = st.toggle(ui.t("archive.past_filter"), key="archive_past")
found = ui.read(archive.search, user, year=year, category=category, member_id=member_id, text=text,
                past_retention=past)
st.caption(ui.t("archive.count", count=len(found)))
if found.empty:
    st.info(ui.t("archive.none"), icon=":material/folder_off:")
else:
    shown = found.assign(category=found["category"].map(category_label),
                         origin=found["origin_kind"].map(origin_label) + " #" + found["origin_id"].astype(str),
                         access=found["access"].map(lambda a: ui.t(f"archive_access.{a}") if a else ""),
                         retention=found["retention_years"].map(retention_label),
                         review_due=[review_label(r) for r in found.itertuples()],
                         kb=(pd.to_numeric(found["size_bytes"]) // 1024 + 1).astype("Int64"))  # none: made on download
    # Who may open a document and where it comes from first; retention is the office's concern.
    columns = ["filename", "title", "category", "year", "unit", "access", "origin", "kb"]
    if staff:
        columns[6:6] = ["retention", "review_due"]
    shown = shown[columns].mask(shown[columns] == "")  # what does not apply reads "—", not a blank
    st.dataframe(shown.rename(columns=lambda c: ui.t(f"archive.col_{c}")), hide_index=True,
                 width="stretch", column_config={ui.t(f"archive.col_{c}"): st.column_config.TextColumn(width=w)
                                                 for c, w in (("filename", 180), ("title", 180), ("unit", 150),
                                                                ("review_due", 190)) if c in columns})
    # The key keeps two files of one name (a notice's attachment and a briefing) apart in the picker.
    labels = {r.key: f"{r.filename} · {category_label(r.category)} · {r.year} · #{r.key.split(':')[1]}"
              for r in found.itertuples()}
    chosen = st.selectbox(ui.t("archive.pick"), list(labels), format_func=labels.get, key="archive_pick")
    row = found[found["key"] == chosen].iloc[0]
    left, right = st.columns(2)
    with left:
        st.download_button(ui.t("archive.download", name=plain(row["filename"])),
                           lambda key=chosen: ui.read(archive.download, user, key)[2],
                           file_name=row["filename"], key=f"archive_file_{chosen}", icon=":material/download:")
    origin_page = archive.ORIGIN_PAGES.get(row["origin_kind"], "home")
    if nav.may_open(user.role, origin_page):
        with right:
            ui.link_to_page(origin_page, ui.t("archive.origin", origin=origin_label(row["origin_kind"])))

if not staff:
    st.stop()
st.divider()
left, right = st.columns(2)
with left.expander(ui.t("archive.file_new"), icon=":material/create_new_folder:", expanded=False), \
        st.form("archive_new"):
    title = st.text_input(ui.t("archive.col_title"), max_chars=200, key="archive_new_title")
    x, y = st.columns(2)
    new_category = x.selectbox(ui.t("archive.category"), list(DocCategory), key="archive_new_category",
                               format_func=category_label)
    new_year = y.number_input(ui.t("archive.year"), min_value=1990, max_value=2100, value=china_today().year,
                              step=1, key="archive_new_year")
    access = x.selectbox(ui.t("archive.access"), list(Access), index=3, key="archive_new_access",
                         format_func=lambda a: ui.t(f"archive_access.{a}"))
    retention = y.selectbox(ui.t("archive.retention"), [0, 30, 10], key="archive_new_retention",
                            format_func=lambda n: ui.t("archive.permanent") if n == 0 else ui.t("archive.years_n", n=n))
    concerns = st.selectbox(ui.t("archive.unit"), [None, *units], key="archive_new_unit",
                            format_func=lambda u: "—" if u is None else units[u])
    uploads = st.file_uploader(ui.t("archive.files"), type=UPLOAD_EXTENSIONS, accept_multiple_files=True,
                               key="archive_new_files")
    if st.form_submit_button(ui.t("archive.file_it"), type="primary"):
        ui.save_and_rerun(archive.file_document, user, title=title, category=new_category, year=int(new_year),
                          access=access, retention_years=retention, member_id=concerns,
                          files=[(f.name, f.getvalue()) for f in uploads or []], flash_key=FLASH,
                          flash="archive.filed")
with right.container(border=True):
    st.markdown(f"**{ui.t('archive.package')}**")
    pack_year = st.selectbox(ui.t("archive.year"), years, key="archive_pack_year")
    lang = ui.lang()  # the download runs on another thread: the language bound here
    st.download_button(ui.t("archive.package_download", year=pack_year),
                       lambda: ui.write(archive.year_package, user, year=pack_year, lang=lang),
                       file_name=f"archive_{pack_year}.zip", mime="application/zip", key="archive_pack",
                       icon=":material/folder_zip:")

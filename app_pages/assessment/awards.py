"""Awards (评优评先): categories with quotas and rules, nominations (the office from the ranking, a
unit for itself), the office's review, each council member's vote, publication and certificates."""
import pandas as pd
import streamlit as st

from core import ui
from core.assessment import awards, certificates
from core.assessment.models import AwardSubject, PassRule
from core.attachments import UPLOAD_EXTENSIONS
from core.display import bilingual
from core.ledgers import query
from core.models import Role
from core.settings import reporting_year

user = ui.guard("awards")
ui.page_header("awards", "awards.subtitle")
ui.show_flash("awards_flash")
staff = user.role in (Role.SECRETARIAT, Role.ADMIN)
FLASH = "awards_flash"

if staff:
    with st.expander(ui.t("awards.new_category"), icon=":material/add:"), st.form("awards_new"):
        cols = st.columns(2)
        name = cols[0].text_input(ui.t("awards.name"), key="awards_new_name")
        name_en = cols[1].text_input(ui.t("awards.name_en"), key="awards_new_name_en")
        cols = st.columns(4)
        year = cols[0].number_input(ui.t("assessment.year"), 2000, 2100, int(ui.read(reporting_year)) - 1,
                                    key="awards_new_year")
        subject = cols[1].selectbox(ui.t("awards.subject"), list(AwardSubject), key="awards_new_subject",
                                    format_func=lambda s: ui.t(f"awards.subject.{s}"))
        quota = cols[2].number_input(ui.t("awards.quota"), 1, 100, 3, key="awards_new_quota")
        rule = cols[3].selectbox(ui.t("awards.pass_rule"), list(PassRule), key="awards_new_rule",
                                 format_func=lambda r: ui.t(f"awards.rule.{r}"))
        if st.form_submit_button(ui.t("awards.create"), type="primary"):
            ui.save_and_rerun(awards.create_category, user, year=int(year), name=name, name_en=name_en,
                              subject=subject, quota=int(quota), pass_rule=rule, flash_key=FLASH,
                              flash="awards.created")

available = ui.read(awards.categories, user)
if not available:
    st.info(ui.t("awards.no_category"), icon=":material/info:")
    st.stop()
by_id = {c.id: c for c in available}


def _name(c) -> str:
    return bilingual(c.name, c.name_en, ui.lang())


category_id = st.selectbox(ui.t("awards.pick_category"), list(by_id), key="awards_category",
                           format_func=lambda i: f"{by_id[i].year} · {_name(by_id[i])}")
category = by_id[category_id]
st.caption(ui.t("awards.category_line", year=category.year, quota=category.quota,
                subject=ui.t(f"awards.subject.{category.subject}"), rule=ui.t(f"awards.rule.{category.pass_rule}")))
if category.published_at:
    st.success(ui.t("awards.published_line", when=ui.when(category.published_at)), icon=":material/verified:")

rows = ui.read(awards.nominations, user, category_id=category_id)


def _label(i: int) -> str:
    r = rows.set_index("id").loc[i]
    status = r["status"]
    return f"{r['unit']} {r['person_name']}".strip() + " · " + ui.t(f"awards.status.{status}")


def _pick(status: str, key: str):
    ids = rows[rows["status"] == status]["id"].tolist() if not rows.empty else []
    return st.selectbox(ui.t("awards.pick_nomination"), ids, key=key, format_func=_label) if ids else None


if rows.empty:
    st.info(ui.t("awards.no_nominations"), icon=":material/info:")
else:
    table = pd.DataFrame({
        ui.t("awards.col_unit"): rows["unit"], ui.t("awards.col_person"): rows["person_name"],
        ui.t("awards.col_status"): rows["status"].map(lambda s: ui.t(f"awards.status.{s}")),
        ui.t("awards.col_source"): rows["source"].map(lambda s: ui.t(f"awards.source.{s}")),
        ui.t("awards.col_statement"): rows["statement"], ui.t("awards.col_evidence"): rows["evidence"],
        ui.t("awards.col_note"): rows["review_note"],
        **({ui.t("awards.col_approve"): rows["approve"], ui.t("awards.col_object"): rows["object"],
            ui.t("awards.col_comments"): rows["comments"]} if user.role != Role.MEMBER else {}),
        ui.t("awards.col_certificate"): rows["certificate_no"],
    })
    st.dataframe(table, hide_index=True, width="stretch")
    ui.export_table(table, f"{category.year} {_name(category)}", key="awards_export")
    readable = rows if user.role != Role.MEMBER else rows[rows["member_id"] == user.member_id]
    if not readable.empty:
        with st.expander(ui.t("awards.evidence_files"), icon=":material/attach_file:"):
            chosen = st.selectbox(ui.t("awards.pick_nomination"), readable["id"].tolist(), key="awards_files_pick",
                                  format_func=_label)
            files = ui.read(awards.evidence_files, user, chosen)
            if files.empty:
                st.caption(ui.t("awards.no_files"))
            for f in files.itertuples():
                st.download_button(f.filename, lambda a=f.id: ui.read(awards.evidence_file, user, a)[2],
                                   file_name=f.filename, key=f"awards_file_{f.id}", icon=":material/download:")


if not category.published_at and (staff or user.role == Role.MEMBER):
    with st.expander(ui.t("awards.nominate_title"), icon=":material/how_to_reg:"), st.form("awards_nominate"):
        if staff:
            units = ui.read(query.unit_choices)
            member_id = st.selectbox(ui.t("awards.unit"), list(units), key="awards_nominate_unit",
                                     format_func=lambda m: units[m])
        else:
            member_id = user.member_id
        person = st.text_input(ui.t("awards.person"), key="awards_nominate_person") \
                if category.subject == AwardSubject.PERSON else ""
        statement = st.text_area(ui.t("awards.statement"), key="awards_nominate_statement")
        evidence = st.text_area(ui.t("awards.evidence"), key="awards_nominate_evidence")
        uploads = st.file_uploader(ui.t("awards.evidence_files"), accept_multiple_files=True,
                                   type=UPLOAD_EXTENSIONS, key="awards_nominate_files")
        if st.form_submit_button(ui.t("awards.nominate"), type="primary"):
            ui.save_and_rerun(awards.nominate_with_files, user, category_id=category_id, member_id=member_id,
                              person_name=person, statement=statement, evidence=evidence,
                              files=[(f.name, f.getvalue()) for f in uploads or []], flash_key=FLASH,
                              flash="awards.nominated")
    if staff and category.subject == AwardSubject.UNIT and st.button(
            ui.t("awards.from_ranking"), key="awards_from_ranking", icon=":material/leaderboard:"):
        ui.save_and_rerun(awards.nominate_from_ranking, user, category_id=category_id, flash_key=FLASH,
                          flash="awards.nominated")

if staff and not category.published_at:
    st.subheader(ui.t("awards.review_title"))
    waiting = _pick("nominated", "awards_review_pick")
    if waiting is not None:
        note = st.text_input(ui.t("awards.review_note"), key="awards_review_note")
        left, right, _ = st.columns([1, 1, 3])
        if left.button(ui.t("awards.accept"), key="awards_accept", type="primary"):
            ui.save_and_rerun(awards.review, user, waiting, accept=True, note=note, flash_key=FLASH,
                              flash="awards.reviewed")
        if right.button(ui.t("awards.decline"), key="awards_decline"):
            ui.save_and_rerun(awards.review, user, waiting, accept=False, note=note, flash_key=FLASH,
                              flash="awards.reviewed")
    voting = _pick("in_vote", "awards_close_pick")
    if voting is not None and st.button(ui.t("awards.close_vote"), key="awards_close"):
        ui.save_and_rerun(awards.close_vote, user, voting, flash_key=FLASH, flash="awards.closed")
    if ui.confirm_button(ui.t("awards.publish"), key="awards_publish", type="primary",
                         message=ui.t("awards.publish_confirm"), icon=":material/campaign:"):
        ui.save_and_rerun(awards.publish, user, category_id, lang=ui.lang(), flash_key=FLASH,
                          flash="awards.published_flash")

if user.role == Role.COUNCIL:
    st.subheader(ui.t("awards.vote_title"))
    voting = _pick("in_vote", "awards_vote_pick")
    if voting is None:
        st.caption(ui.t("awards.none_in_vote"))
    else:
        mine = rows.set_index("id").loc[voting, "my_vote"]
        if mine is not None and not pd.isna(mine):
            st.caption(ui.t("awards.my_vote", vote=ui.t("awards.approve" if mine else "awards.object")))
        comment = st.text_input(ui.t("awards.vote_comment"), key="awards_vote_comment")
        left, right, _ = st.columns([1, 1, 3])
        if left.button(ui.t("awards.approve"), key="awards_approve", type="primary", icon=":material/thumb_up:"):
            ui.save_and_rerun(awards.vote, user, voting, approve=True, comment=comment, flash_key=FLASH,
                              flash="awards.voted")
        if right.button(ui.t("awards.object"), key="awards_object", icon=":material/thumb_down:"):
            ui.save_and_rerun(awards.vote, user, voting, approve=False, comment=comment, flash_key=FLASH,
                              flash="awards.voted")

awarded = rows[(rows["status"] == "awarded") & ((rows["member_id"] == user.member_id) | (user.role != Role.MEMBER))] \
    if not rows.empty else rows
if not awarded.empty:
    lang = ui.lang()
    pick = st.selectbox(ui.t("awards.col_certificate"), awarded["id"].tolist(), key="awards_certificate_pick",
                        format_func=_label)
    st.download_button(ui.t("awards.certificate"),
                       lambda: ui.read(certificates.certificate_pdf, user, pick, lang=lang),
                       file_name=f"{rows.set_index('id').loc[pick, 'certificate_no']}.pdf", mime="application/pdf",
                       key="awards_certificate", icon=":material/workspace_premium:")
    if staff:
        st.download_button(ui.t("awards.certificates_zip"),
                           lambda: ui.read(certificates.certificates_zip, user, category_id, lang=lang),
                           file_name=f"{category.year} {category.name}.zip", mime="application/zip",
                           key="awards_certificates_zip", icon=":material/folder_zip:")

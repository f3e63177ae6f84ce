"""Plan tracking through its pages (AppTest)."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from core.i18n import translate
from core.models import Milestone, MilestoneHistory
from tests.pages_support import XLSX, app_as, button, page_path, session_scope, workbook


def _open_milestone(url: str) -> Milestone:
    with session_scope(url) as session:
        return session.exec(select(Milestone).where(Milestone.status == "in_progress")
                            .order_by(Milestone.id)).first()


def _labelled(widgets, key):
    return [w for w in widgets if w.label == translate(key)][-1]


def test_overview_for_every_reader_shows_progress_tree_and_lists(demo_db_url):
    for role in ("council", "member"):
        at = app_as(demo_db_url, role, "plan")
        assert not at.exception
        labels = [m.label for m in at.metric]
        assert translate("plan.metric_progress") in labels
        assert len(at.expander) >= 7  # one per task of the case study's plan


def test_as_of_date_changes_expected_progress(demo_db_url):
    at = app_as(demo_db_url, "council", "plan")
    late = at.metric[3].value
    at.date_input(key="plan_as_of").set_value(date(2019, 3, 1)).run()
    assert not at.exception and at.metric[3].value != late  # fewer overdue at the start


def test_secretariat_updates_a_milestone_with_a_comment(demo_db_url):
    milestone = _open_milestone(demo_db_url)
    at = app_as(demo_db_url, "secretariat", "plan_update")
    at.selectbox(key="plan_update_pick").set_value(milestone.id).run()
    _labelled(at.number_input, "plan.col_percent").set_value(95)
    _labelled(at.text_input, "plan_update.comment").set_value("基地已验收")
    button(at, "common.save").click().run()
    assert not at.exception and [t.value for t in at.toast] == [translate("plan_update.saved")]
    with session_scope(demo_db_url) as session:
        assert session.get(Milestone, milestone.id).percent == 95
        comments = session.exec(select(MilestoneHistory.comment)
                                .where(MilestoneHistory.milestone_id == milestone.id)).all()
    assert "基地已验收" in comments
    assert any("基地已验收" in m.value for m in at.markdown)  # shown in the history


def test_done_below_100_is_refused_on_the_page(demo_db_url):
    milestone = _open_milestone(demo_db_url)
    at = app_as(demo_db_url, "secretariat", "plan_update")
    at.selectbox(key="plan_update_pick").set_value(milestone.id).run()
    _labelled(at.selectbox, "plan.col_status").set_value("done")
    _labelled(at.number_input, "plan.col_percent").set_value(60)
    button(at, "common.save").click().run()
    assert [e.value for e in at.error] == [translate("plan.done_needs_100")]


def test_stale_milestone_update_is_refused(demo_db_url):
    milestone = _open_milestone(demo_db_url)
    at = app_as(demo_db_url, "secretariat", "plan_update")
    at.selectbox(key="plan_update_pick").set_value(milestone.id).run()
    with session_scope(demo_db_url) as session:
        row = session.get(Milestone, milestone.id)
        row.percent, row.version = 99, row.version + 1
        session.add(row)
    _labelled(at.number_input, "plan.col_percent").set_value(70)
    button(at, "common.save").click().run()
    assert [e.value for e in at.error] == [translate("common.stale_edit")]
    with session_scope(demo_db_url) as session:
        assert session.get(Milestone, milestone.id).percent == 99


def test_evidence_file_is_checked_by_content(demo_db_url):
    milestone = _open_milestone(demo_db_url)
    at = app_as(demo_db_url, "secretariat", "plan_update")
    at.selectbox(key="plan_update_pick").set_value(milestone.id).run()
    at.file_uploader[0].set_value(("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")).run()
    assert [e.value for e in at.error] == [translate("attachment.bad_type",
                                                     allowed="PDF, DOCX, XLSX, PPTX, PNG, JPG, ZIP")]
    at.file_uploader[0].set_value(("report.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")).run()  # one step
    assert [t.value for t in at.toast] == [translate("plan_update.attached")]
    assert any(b.label.replace("\\", "").startswith("report.pdf") for b in at.get("download_button"))


def test_a_duplicate_evidence_file_can_be_removed_and_the_audit_keeps_it(demo_db_url):
    from core.models import Attachment, AuditLog

    milestone = _open_milestone(demo_db_url)
    at = app_as(demo_db_url, "secretariat", "plan_update")
    at.selectbox(key="plan_update_pick").set_value(milestone.id).run()
    at.file_uploader[0].set_value(("dup.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")).run()
    with session_scope(demo_db_url) as session:
        file_id = session.exec(select(Attachment.id).where(Attachment.owner_kind == "milestone",
                                                           Attachment.owner_id == milestone.id)).first()
    at.button(key=f"plan_update_remove_{file_id}").click().run()
    assert [t.value for t in at.toast] == [translate("plan_update.file_removed")]
    with session_scope(demo_db_url) as session:
        assert session.get(Attachment, file_id) is None
        assert session.exec(select(AuditLog).where(AuditLog.action == "attachment_removed")).first() is not None


def test_bulk_update_through_the_plan_management_page(demo_db_url):
    milestone = _open_milestone(demo_db_url)
    content = workbook([["里程碑编号", "状态", "完成百分比", "更新说明"],
                        [milestone.id, "已完成", 100, "年终总结"]])
    at = app_as(demo_db_url, "admin", "plan_manage")
    at.file_uploader[0].set_value(("updates.xlsx", content, XLSX)).run()
    assert [m.value for m in at.metric] == ["1", "0", "0"]
    button(at, "member_import.commit").click().run()
    assert [t.value for t in at.toast] == [translate("plan_manage.imported", changed=1)]
    with session_scope(demo_db_url) as session:
        assert session.get(Milestone, milestone.id).status == "done"


def test_new_plan_through_the_page(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "plan_manage")
    at.text_input(key="plan_manage_code").set_value("2022-2024")
    at.text_input(key="plan_manage_title").set_value("2022-2024 年建设方案")
    button(at, "plan_manage.create").click().run()
    assert [t.value for t in at.toast] == [translate("plan_manage.saved")]


def test_the_gap_to_schedule_is_said_in_words_not_as_a_drop(demo_db_url):
    at = app_as(demo_db_url, "council", "plan")
    delta = at.metric[0].proto.delta
    assert not delta.startswith(("-", "+", "↓", "↑")) and "%" in delta


def test_the_council_reads_milestone_evidence_and_downloads_its_files(demo_db_url):
    from core import attachments
    from core.plan import tracking
    from tests.pages_support import user_for

    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        from core.timeutil import china_today

        first = tracking.milestones(session, tracking.current_plan(session).id, as_of=china_today())["id"].iloc[0]
        milestone = session.get(Milestone, int(first))  # on the plan the page opens (the current one)
        milestone.evidence = "已召开动员会，纪要见附件"
        attachments.add(session, staff, owner_kind="milestone", owner_id=milestone.id,
                        filename="纪要.pdf", content=b"%PDF-1.4 minutes")
    at = app_as(demo_db_url, "council", "plan")
    assert not at.exception
    assert any("已召开动员会" in c.value for c in at.caption)
    assert any(b.label.replace("\\", "").startswith("纪要.pdf") for b in at.get("download_button"))


def test_the_update_picker_narrows_to_a_working_list_numbered_as_elsewhere(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "plan_update")
    assert all(not label.startswith("#") for label in at.selectbox(key="plan_update_pick").options)
    at.segmented_control(key="plan_update_show").set_value("overdue").run()
    assert not at.exception
    overdue = at.selectbox(key="plan_update_pick").options if at.selectbox else []
    with session_scope(demo_db_url) as session:
        from core.plan import tracking
        from core.timeutil import china_today

        plan = tracking.current_plan(session)
        expected = int(tracking.milestones(session, plan.id, as_of=china_today())["overdue"].sum())
    assert len(overdue) == expected


def test_the_plan_tree_shows_no_none_and_numbers_milestones_as_elsewhere(demo_db_url):
    at = app_as(demo_db_url, "council", "plan")
    tree = [d for d in at.dataframe if translate("plan.col_done") in d.value.columns]
    assert tree
    for table in tree:  # a date not reached is shown as the table's placeholder, "—"
        assert table.proto.placeholder == "—" or not table.value[translate("plan.col_done")].isna().any()
        assert table.value[translate("plan.col_no")].str.fullmatch(r"\d+\.\d+\.\d+").all()


def test_every_plan_picker_marks_the_plans_that_are_not_current(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "plan")
    pickers = [at.selectbox(key="plan_pick")]
    at.switch_page(page_path("plan_manage")).run()
    pickers.append(at.selectbox(key="plan_manage_plan"))
    for picker in pickers:
        past = [o for o in picker.options if "2019-2021" in o]
        assert past and past[0].endswith(translate("plan.archived_mark"))
        assert sum(not o.endswith(translate("plan.archived_mark")) for o in picker.options) == 1  # the current
    admin = app_as(demo_db_url, "admin", "settings")
    admin.session_state["ui_lang"] = "en"
    admin.run()
    options = [s for s in admin.selectbox if s.label == translate("settings.current_plan", "en")][0].options
    assert [o for o in options if o.endswith(" (archived)")] == [(
        "Shandong Machinery Industry Vocational Training and Education Group: implementation plan for a "
        "provincial key vocational education group (2019-2021) (archived)")]

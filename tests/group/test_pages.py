"""Group management through its pages (AppTest): registry, edits, lifecycle, import, council, office."""
from __future__ import annotations

from sqlmodel import select

from core import credit_code
from core.i18n import translate
from core.models import CouncilSeat, MemberUnit, StaffMember
from tests.pages_support import XLSX, app_as, button, session_scope, workbook

NEW_CODE = credit_code.make("91", "370200", "20261130")


def _labelled(widgets, key: str):
    """The last widget with this label: a unit's forms come after the add-a-unit form."""
    matches = [w for w in widgets if w.label == translate(key)]
    assert matches, f"no widget {translate(key)!r}"
    return matches[-1]


def _unit(url: str, **where) -> MemberUnit | None:
    with session_scope(url) as session:
        query = select(MemberUnit)
        for name, value in where.items():
            query = query.where(getattr(MemberUnit, name) == value)
        return session.exec(query).first()


def _add_unit(at, name: str, code: str):
    at.text_input(key="members_add_name").set_value(name)
    at.text_input(key="members_add_code").set_value(code)
    at.selectbox(key="members_add_type").set_value("enterprise")
    at.selectbox(key="members_add_city").set_value("青岛市")
    button(at, "members.add_submit").click().run()
    return at


def test_secretariat_adds_a_unit_and_finds_it_by_search(demo_db_url):
    at = _add_unit(app_as(demo_db_url, "secretariat", "members"), "青岛新海测试装备有限公司", NEW_CODE)
    assert not at.exception and [s.value for s in at.toast] == [translate("members.saved")]
    at.text_input(key="members_search").set_value("新海测试").run()
    assert at.metric[0].value == "1"
    assert list(at.dataframe[0].value.iloc[:, 0]) == ["青岛新海测试装备有限公司"]


def test_invalid_credit_code_is_refused_on_the_page(demo_db_url):
    at = _add_unit(app_as(demo_db_url, "secretariat", "members"), "坏代码单位", NEW_CODE[:-1] + "0"
                   if NEW_CODE[-1] != "0" else NEW_CODE[:-1] + "1")
    assert [e.value for e in at.error] == [translate("credit_code.checksum")]
    assert _unit(demo_db_url, name="坏代码单位") is None


def test_filters_narrow_the_register(demo_db_url):
    at = app_as(demo_db_url, "council", "members")
    total = int(at.metric[0].value)
    at.multiselect(key="members_types").set_value(["school"]).run()
    assert int(at.metric[0].value) == 14 < total


def _open(at, unit_id: int):
    at.selectbox(key="members_pick").set_value(unit_id).run()
    return at


def test_edit_saves_and_a_stale_edit_is_refused(demo_db_url):
    unit = _unit(demo_db_url, is_lead=False, unit_type="enterprise", status="active")
    at = _open(app_as(demo_db_url, "secretariat", "members"), unit.id)
    _labelled(at.text_input, "members.f_short_name").set_value("改后简称")
    with session_scope(demo_db_url) as session:  # someone else saves first
        row = session.get(MemberUnit, unit.id)
        row.contact_name, row.version = "别人", row.version + 1
        session.add(row)
    button(at, "common.save").click().run()
    assert [e.value for e in at.error] == [translate("common.stale_edit")]
    assert _unit(demo_db_url, id=unit.id).short_name == unit.short_name
    at.run()  # the form now shows the other person's save; the user edits again knowingly
    assert _labelled(at.text_input, "members.f_contact_name").value == "别人"
    assert _labelled(at.text_input, "members.f_short_name").value == unit.short_name
    _labelled(at.text_input, "members.f_short_name").set_value("改后简称")
    button(at, "common.save").click().run()
    assert _unit(demo_db_url, id=unit.id).short_name == "改后简称"


def test_exit_through_the_lifecycle_form(demo_db_url):
    unit = _unit(demo_db_url, is_lead=False, unit_type="school", status="active")
    at = _open(app_as(demo_db_url, "secretariat", "members"), unit.id)
    _labelled(at.selectbox, "members.f_to_status").set_value("exited")
    _labelled(at.text_input, "members.f_reason").set_value("单位合并")
    button(at, "members.apply_status").click().run()
    assert not at.error and _unit(demo_db_url, id=unit.id).status == "exited"
    assert unit.name not in list(at.dataframe[0].value.iloc[:, 0])  # gone from the default view


def test_exit_without_reason_is_refused(demo_db_url):
    unit = _unit(demo_db_url, is_lead=False, unit_type="school", status="active")
    at = _open(app_as(demo_db_url, "secretariat", "members"), unit.id)
    _labelled(at.selectbox, "members.f_to_status").set_value("exited")
    button(at, "members.apply_status").click().run()
    assert [e.value for e in at.error] == [translate("member.reason_required")]
    assert _unit(demo_db_url, id=unit.id).status == "active"


def test_liaison_sees_its_unit_and_edits_only_contacts(demo_db_url):
    at = app_as(demo_db_url, "member", "members")
    assert [s.value for s in at.subheader] == ["山东劳动职业技术学院"]
    labels = {w.label for w in at.text_input}
    assert translate("members.f_name") not in labels
    _labelled(at.text_input, "members.f_contact_phone").set_value("0531-88880000")
    button(at, "common.save").click().run()
    assert _unit(demo_db_url, is_lead=True).contact_phone == "0531-88880000"


def test_import_page_previews_then_commits(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "member_import")
    content = workbook([["统一社会信用代码", "单位名称", "单位类型", "所在城市"],
                         [NEW_CODE, "导入测试有限公司", "企业", "青岛市"]])
    at.file_uploader[0].set_value(("members.xlsx", content, XLSX)).run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["1", "0", "0", "0"]
    assert _unit(demo_db_url, credit_code=NEW_CODE) is None  # the dry run wrote nothing
    button(at, "member_import.commit").click().run()
    assert [s.value for s in at.toast] == [translate("member_import.done", added=1, changed=0)]
    assert _unit(demo_db_url, credit_code=NEW_CODE).name == "导入测试有限公司"


def test_import_page_refuses_a_file_that_is_not_aworkbook(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "member_import")
    at.file_uploader[0].set_value(("members.xlsx", b"name,city\n", XLSX)).run()
    assert [e.value for e in at.error] == [translate("excel.not_workbook")]


def test_import_page_with_rejects_commits_only_when_chosen(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "member_import")
    content = workbook([["统一社会信用代码", "单位名称", "单位类型", "所在城市"],
                         [NEW_CODE, "好行", "企业", "青岛市"], ["123", "坏行", "企业", "青岛市"]])
    at.file_uploader[0].set_value(("m.xlsx", content, XLSX)).run()
    assert button(at, "member_import.commit").disabled
    next(c for c in at.checkbox if c.label == translate("member_import.only_valid")).check().run()
    button(at, "member_import.commit").click().run()
    assert _unit(demo_db_url, credit_code=NEW_CODE) is not None
    assert _unit(demo_db_url, name="坏行") is None


def test_council_seat_added_through_the_page(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "council")
    at.selectbox(key="council_add_role").set_value("director")
    at.text_input(key="council_add_person").set_value("测试代表")
    button(at, "common.save").click().run()
    assert [s.value for s in at.toast] == [translate("council.saved")]
    with session_scope(demo_db_url) as session:
        assert session.exec(select(CouncilSeat).where(CouncilSeat.person_name == "测试代表")).first()


def test_second_chair_is_refused_on_the_page(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "council")
    at.selectbox(key="council_add_role").set_value("chair")
    at.text_input(key="council_add_person").set_value("第二位理事长")
    button(at, "common.save").click().run()
    assert [e.value for e in at.error] == [translate("council.one_chair")]


def test_council_reads_the_council_page_without_edit_forms(demo_db_url):
    at = app_as(demo_db_url, "council", "council")
    assert not at.exception and at.dataframe
    assert translate("common.save") not in [b.label for b in at.button]


def test_office_staff_added_through_the_page(demo_db_url):
    at = app_as(demo_db_url, "admin", "office")
    form_inputs = [w for w in at.text_input if w.label == translate("office.col_name")]
    form_inputs[0].set_value("新同事")
    [b for b in at.button if b.label == translate("common.save")][0].click().run()
    assert [s.value for s in at.toast] == [translate("office.saved")]
    with session_scope(demo_db_url) as session:
        assert session.exec(select(StaffMember).where(StaffMember.name == "新同事")).first()


def test_every_problem_of_the_form_is_shown_at_once(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "members")
    at.text_input(key="members_add_code").set_value("123")
    at.text_input(key="members_add_email").set_value("not-an-email")
    button(at, "members.add_submit").click().run()
    message = at.error[0].value
    for key in ("member.name_required", "credit_code.length", "member.bad_email"):
        assert translate(key) in message


def test_add_form_starts_empty_after_a_unit_is_added(demo_db_url):
    at = _add_unit(app_as(demo_db_url, "secretariat", "members"), "清空测试单位", NEW_CODE)
    assert [t.value for t in at.toast] == [translate("members.saved")]
    names = [w for w in at.text_input if w.label == translate("members.f_name")]
    assert names[0].value == ""


def test_text_a_liaison_typed_is_shown_as_text_not_markdown(demo_db_url):
    """A contact name that is Markdown would load a stranger's image or show a link to every
    reader: it must reach the page escaped (what Streamlit then shows is the text as typed)."""
    with session_scope(demo_db_url) as session:
        lead = session.exec(select(MemberUnit).where(MemberUnit.is_lead)).one()
        lead.contact_name = "![x](https://tracker.example/p.png)"
        lead.contact_phone = "[call me](https://evil.example)"
        lead.address = ":red[济南] <b>路</b>"
    at = app_as(demo_db_url, "member", "members")
    shown = " ".join(m.value for m in at.markdown)
    assert "![x](" not in shown and "[call me](" not in shown and ":red[" not in shown
    assert r"\!\[x\]\(https\:\/\/tracker" in shown


def test_after_a_stale_edit_what_was_typed_stays_in_view_and_saved_is_never_claimed(demo_db_url):
    """The refused text is shown beside the form (which now holds what is stored); clicking save
    again on the fresh form changes nothing and says so, never "saved"."""
    unit = _unit(demo_db_url, is_lead=False, unit_type="enterprise", status="active")
    at = _open(app_as(demo_db_url, "secretariat", "members"), unit.id)
    _labelled(at.text_input, "members.f_short_name").set_value("我输入的简称")
    with session_scope(demo_db_url) as session:  # someone else saves first
        row = session.get(MemberUnit, unit.id)
        row.contact_name, row.version = "别人", row.version + 1
    button(at, "common.save").click().run()
    at.run()
    assert translate("common.unsaved_title") in [w.value for w in at.warning]
    kept = [d.value for d in at.dataframe]
    assert any("我输入的简称" in frame.to_string() for frame in kept)
    button(at, "common.save").click().run()  # the fresh form, unchanged
    assert [t.value for t in at.toast] == [translate("common.nothing_changed")]
    assert _unit(demo_db_url, id=unit.id).short_name == unit.short_name


def test_the_office_page_shows_login_names_only_to_the_secretariat(demo_db_url):
    for role, sees in (("member", False), ("council", False), ("secretariat", True)):
        at = app_as(demo_db_url, role, "office")
        assert (translate("office.col_account") in at.dataframe[0].value.columns) is sees, role

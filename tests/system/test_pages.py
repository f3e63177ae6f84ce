"""System management through its pages (AppTest)."""
from __future__ import annotations

import io
import zipfile

from sqlmodel import select

from core import db, settings
from core.i18n import translate
from core.models import AuditLog, MemberUnit, User
from core.system import backup
from tests.pages_support import app_as, button, page_path, session_scope


def test_admin_creates_an_account_and_sees_its_password_once(demo_db_url):
    at = app_as(demo_db_url, "admin", "users")
    at.text_input(key="users_add_username").set_value("council02")
    at.text_input(key="users_add_name").set_value("副理事长")
    at.selectbox(key="users_add_role").set_value("council")
    button(at, "users.create").click().run()
    shown = [s.value for s in at.success]
    assert len(shown) == 1 and "council02" in shown[0]
    at.run()
    assert not at.success  # shown once only
    with session_scope(demo_db_url) as session:
        assert session.exec(select(User).where(User.username == "council02")).one().must_change_password


def test_duplicate_username_is_refused_on_the_page(demo_db_url):
    at = app_as(demo_db_url, "admin", "users")
    at.text_input(key="users_add_username").set_value("demo-council")
    button(at, "users.create").click().run()
    assert [e.value for e in at.error] == [translate("user.duplicate", username="demo-council")]


def test_bulk_liaison_accounts_with_a_handout_workbook(demo_db_url):
    at = app_as(demo_db_url, "admin", "users")
    button(at, "users.bulk_create").click().run()
    with session_scope(demo_db_url) as session:
        liaisons = session.exec(select(User).where(User.role == "member")).all()
        in_group = session.exec(select(MemberUnit).where(MemberUnit.status.in_(["active", "suspended"]))).all()
    assert len(liaisons) == len(in_group)
    downloads = [d for d in at.get("download_button") if d.label == translate("users.download_handout")]
    assert downloads, "the handout can be downloaded"


def test_audit_page_filters_by_action(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "audit")
    assert not at.exception and at.dataframe
    at.selectbox(key="audit_action").set_value("demo_seeded").run()
    assert len(at.dataframe[0].value) == 1


def test_backup_then_restore_through_the_page(demo_db_url):
    at = app_as(demo_db_url, "admin", "backup")
    download = [d for d in at.get("download_button")][0]
    assert download.label == translate("backup.prepare")
    content = backup.make_backup(db.make_engine(demo_db_url))
    with session_scope(demo_db_url) as session:
        session.get(MemberUnit, 2).name = "误改"
    at.file_uploader[0].set_value(("backup.zip", content, "application/zip")).run()
    assert button(at, "backup.restore_now").disabled
    at.text_input(key="backup_confirm").set_value(translate("backup.confirm_word")).run()
    button(at, "backup.restore_now").click().run()
    assert [t.value for t in at.toast] == [translate("backup.restored")]
    with session_scope(demo_db_url) as session:
        assert session.get(MemberUnit, 2).name != "误改"


def test_the_backup_is_built_on_click_and_never_kept_in_the_session(demo_db_url):
    """A backup holds every table: kept in the session it would stay at a /media URL."""
    at = app_as(demo_db_url, "admin", "backup")
    assert not at.exception
    assert not [key for key, value in at.session_state.items() if isinstance(value, bytes)]
    download = at.get("download_button")[0]
    assert download.proto.deferred_file_id and not download.proto.url


def test_restore_refuses_a_file_that_is_not_a_backup(demo_db_url):
    at = app_as(demo_db_url, "admin", "backup")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    at.file_uploader[0].set_value(("x.zip", buffer.getvalue(), "application/zip")).run()
    assert [e.value for e in at.error] == [translate("backup.not_a_backup")]


def test_settings_change_what_the_portal_says(demo_db_url):
    at = app_as(demo_db_url, "admin", "settings")
    [w for w in at.text_input if w.label == translate("settings.group_name_zh")][0].set_value("测试集团名称")
    button(at, "common.save").click().run()
    assert [t.value for t in at.toast] == [translate("settings.saved")]
    at.switch_page(page_path("portal")).run()
    assert [t.value for t in at.title] == ["测试集团名称"]


def test_settings_set_the_share_that_completes_a_year_and_refuse_a_stale_save(demo_db_url):
    at = app_as(demo_db_url, "admin", "settings")
    share = [w for w in at.number_input if w.label == translate("settings.year_complete_pct")][0]
    assert share.value == 90
    share.set_value(75)
    button(at, "common.save").click().run()
    assert [t.value for t in at.toast] == [translate("settings.saved")]
    with session_scope(demo_db_url) as session:
        assert settings.get_setting(session, "year_complete_pct") == 75
        audited = session.exec(select(AuditLog).where(AuditLog.action == "settings_changed")).all()[-1]
        assert audited.before["year_complete_pct"] == 90 and audited.after["year_complete_pct"] == 75
        settings.put_setting(session, "year_complete_pct", 60)  # another admin saves meanwhile
    [w for w in at.number_input if w.label == translate("settings.year_complete_pct")][0].set_value(85)
    button(at, "common.save").click().run()
    assert [e.value for e in at.error] == [translate("common.stale_edit")]
    with session_scope(demo_db_url) as session:
        assert settings.get_setting(session, "year_complete_pct") == 60


def test_settings_show_health(demo_db_url):
    at = app_as(demo_db_url, "admin", "settings")
    labels = [m.label for m in at.metric]
    assert translate("settings.schema") in labels and at.dataframe


def test_audit_log_names_people_and_objects(demo_db_url):
    with session_scope(demo_db_url) as session:
        admin = session.exec(select(User).where(User.username == "demo-admin")).one()
        unit = session.exec(select(MemberUnit).order_by(MemberUnit.id)).first()
        gone = {"title": "已删除的订单班"}
        from core import audit

        audit.record(session, action="member_updated", actor_id=admin.id, actor_name=admin.username,
                     entity="member_unit", entity_id=unit.id, after={"city": "济南市"})
        audit.record(session, action="seat_added", actor_id=admin.id, actor_name=admin.username,
                     entity="council_seat", entity_id=999998, after={"member_id": unit.id, "person_title": None})
        audit.record(session, action="ledger_entry_deleted", actor_id=admin.id, actor_name=admin.username,
                     entity="ledger_entry", entity_id=999999, before=gone)
    at = app_as(demo_db_url, "admin", "audit")
    table = at.dataframe[0].value
    actors = set(table[translate("home.col_actor")])
    objects = list(table[translate("audit.entity")])
    usernames = {admin.username, "demo-secretariat", "demo-council", "demo-member", "system"}
    assert admin.display_name in actors and not actors & usernames  # people by name, never a username
    assert f"{translate('audit_entity.member_unit')} {unit.name}" in objects
    assert f"{translate('audit_entity.ledger_entry')} 已删除的订单班" in objects  # a deleted row by its last name
    assert f"{translate('audit_entity.user')} {admin.display_name}" in objects  # the login, not "user 3"
    assert not any("seed=" in str(d) for d in table[translate("home.col_detail")])
    assert not any("null" in str(v) for v in table[translate("audit.after")])  # nothing reads "—"
    assert f"member_id: {unit.name} · person_title: —" in list(table[translate("audit.after")])  # a reference by name
    actor_filter = at.selectbox(key="audit_actor")
    assert admin.display_name in actor_filter.options and "demo-admin" not in actor_filter.options


def test_settings_set_the_expense_approval_amount_in_yuan(demo_db_url):
    at = app_as(demo_db_url, "admin", "settings")
    amount = [w for w in at.number_input if w.label == translate("settings.funds_approval_yuan")][0]
    assert amount.value == 5000.0
    amount.set_value(12345.67)
    button(at, "common.save").click().run()
    assert [t.value for t in at.toast] == [translate("settings.saved")]
    with session_scope(demo_db_url) as session:
        assert settings.get_setting(session, "funds_approval_fen") == 1_234_567

"""System management in core: accounts, the last admin, audit reading, settings, backups."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlmodel import func, select

from core import auth, db, settings as settings_service
from core.config import server_upload_limit_mb
from core.demo import seed_demo
from core.errors import PermissionDenied, UserFacingError, ValidationFailed
from core.models import AuditLog, MemberUnit, Topic, User
from core.system import audit_view, backup, users
from tests.conftest import make_member, make_user

ROOT = Path(__file__).resolve().parents[2]


def _as(session, role="admin"):
    user = make_user(session, role=role)
    return auth.authenticate(session, user.username, "correct-horse").user


def test_admin_creates_a_user_with_a_generated_password_to_change(session):
    admin = _as(session)
    password = users.add_user(session, admin, username="sec02", display_name="秘书二", role="secretariat",
                              member_id=None, rounds=4)
    outcome = auth.authenticate(session, "sec02", password)
    assert outcome.user is not None and outcome.user.must_change_password


def test_only_admins_manage_users(session):
    for role in ("secretariat", "council", "member"):
        with pytest.raises(PermissionDenied):
            users.listing(session, _as(session, role))


def test_the_last_admin_cannot_be_demoted_or_deactivated(session):
    admin = _as(session)
    row = session.get(User, admin.id)
    for change in ({"role": "secretariat", "active": True}, {"role": "admin", "active": False}):
        with pytest.raises(ValidationFailed) as refused:
            users.update_user(session, admin, admin.id, row.version, member_id=None,
                              display_name="x", **change)
        assert refused.value.key == "user.last_admin"


def test_a_role_change_ends_the_users_sessions(session):
    admin = _as(session)
    target = make_user(session, role="secretariat")
    current = auth.authenticate(session, target.username, "correct-horse").user
    users.update_user(session, admin, target.id, target.version, role="council", member_id=None,
                      display_name="改为理事", active=True)
    assert auth.refresh(session, current) is None


def test_member_user_needs_a_unit_on_update(session):
    admin = _as(session)
    target = make_user(session, role="council")
    with pytest.raises(ValidationFailed):
        users.update_user(session, admin, target.id, target.version, role="member", member_id=None,
                          display_name="x", active=True)


def test_reset_password_is_shown_once_and_must_be_changed(session):
    admin = _as(session)
    target = make_user(session, role="council")
    password = users.reset_password(session, admin, target.id, rounds=4)
    assert auth.authenticate(session, target.username, password).user.must_change_password


def test_liaison_accounts_for_every_unit_without_one(session):
    admin = _as(session)
    covered = make_user(session, role="member")  # its unit already has a liaison
    make_member(session, status="exited")
    fresh = [make_member(session), make_member(session, status="suspended")]
    created = users.create_liaison_accounts(session, admin, rounds=4)
    assert sorted(row["unit"] for row in created) == sorted(unit.name for unit in fresh)
    first = created[0]
    assert auth.authenticate(session, first["username"], first["password"]).user.member_id is not None
    assert users.create_liaison_accounts(session, admin, rounds=4) == []
    assert covered.member_id not in [u.member_id for u in session.exec(select(User)) if u.id != covered.id]


def test_audit_entries_filter_and_page(session):
    admin = _as(session)
    entries, total = audit_view.entries(session, admin, audit_view.AuditFilter(action="login"))
    assert total == 1 and list(entries["action"]) == ["login"]
    council = _as(session, "council")
    with pytest.raises(PermissionDenied):
        audit_view.entries(session, council, audit_view.AuditFilter())


def test_no_code_changes_or_deletes_audit_entries():
    """The log is append-only: nothing in the app updates or deletes AuditLog rows."""
    offenders = []
    for path in [*(ROOT / "core").rglob("*.py"), *(ROOT / "app_pages").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for pattern in ("update(AuditLog", "delete(AuditLog", "AuditLog.__table__.delete", "AuditLog).delete"):
            if pattern in text:
                offenders.append(f"{path.name}: {pattern}")
    assert offenders == []


def test_settings_are_checked_and_audited(session):
    admin = _as(session)
    changed = settings_service.update_settings(session, admin, {"upload_limit_mb": 15,
                                                                "group_name_zh": "新名称"})
    assert changed == {"upload_limit_mb": 15, "group_name_zh": "新名称"}
    assert settings_service.get_setting(session, "upload_limit_mb") == 15
    with pytest.raises(ValidationFailed):
        settings_service.update_settings(session, admin, {"upload_limit_mb": 0})
    with pytest.raises(ValidationFailed):
        settings_service.update_settings(session, admin, {"group_name_zh": " "})
    assert "settings_changed" in session.exec(select(AuditLog.action)).all()
    with pytest.raises(ValidationFailed) as above:  # more than Streamlit itself accepts
        settings_service.update_settings(session, admin, {"upload_limit_mb": server_upload_limit_mb() + 1})
    assert above.value.params == {"max": server_upload_limit_mb()}
    with pytest.raises(PermissionDenied):
        settings_service.update_settings(session, _as(session, "secretariat"), {"upload_limit_mb": 5})


def test_the_share_that_completes_a_year_is_checked_and_a_stale_save_refused(session):
    admin = _as(session)
    shown = settings_service.settings_version(session)
    for bad in (49, 101):
        with pytest.raises(ValidationFailed) as refused:
            settings_service.update_settings(session, admin, {"year_complete_pct": bad})
        assert refused.value.params == {"low": 50, "high": 100}
    assert settings_service.update_settings(session, admin, {"year_complete_pct": 80},
                                            expected_version=shown) == {"year_complete_pct": 80}
    with pytest.raises(UserFacingError) as stale:  # the form was shown before that save
        settings_service.update_settings(session, admin, {"year_complete_pct": 95}, expected_version=shown)
    assert stale.value.key == "common.stale_edit"
    assert settings_service.get_setting(session, "year_complete_pct") == 80


# ---------------------------------------------------------------- backups, on SQLite and PostgreSQL
@pytest.fixture
def seeded(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, rounds=4)
    yield engine
    engine.dispose()


def _tables_of(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist() if name.startswith("tables/")}


def test_restore_then_backup_gives_identical_data(seeded):
    first = backup.make_backup(seeded)
    with db.session_scope(seeded) as session:  # a mistake after the backup
        session.get(MemberUnit, 1).name = "被误改的名称"
        session.add(MemberUnit(credit_code="91370100MA3C0000XX", name="误加", unit_type="other"))
    backup.restore_backup(seeded, first)
    assert _tables_of(backup.make_backup(seeded)) == _tables_of(first)
    with db.session_scope(seeded) as session:  # ids keep counting after a restore
        session.add(MemberUnit(credit_code="91370100MA3C0000YY", name="恢复后新增", unit_type="other"))


def test_a_file_that_is_not_a_backup_changes_nothing(seeded):
    before = _tables_of(backup.make_backup(seeded))
    for content in (b"not a zip", _zip({"manifest.json": json.dumps({"app": "other"})})):
        with pytest.raises(UserFacingError) as refused:
            backup.restore_backup(seeded, content)
        assert refused.value.key == "backup.not_a_backup"
    assert _tables_of(backup.make_backup(seeded)) == before


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_backup_from_a_newer_schema_is_refused(seeded):
    content = backup.make_backup(seeded)
    archive = zipfile.ZipFile(io.BytesIO(content))
    files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["revision"] = "9999_future"
    files["manifest.json"] = json.dumps(manifest).encode()
    with pytest.raises(UserFacingError) as refused:
        backup.restore_backup(seeded, _zip({k: v.decode("latin-1") if isinstance(v, bytes) else v
                                            for k, v in files.items() if k == "manifest.json"}))
    assert refused.value.key == "backup.newer_schema"


def test_a_broken_restore_leaves_the_live_data_untouched(seeded):
    content = backup.make_backup(seeded)
    archive = zipfile.ZipFile(io.BytesIO(content))
    files = {name: archive.read(name).decode("utf-8") for name in archive.namelist()
             if name.endswith(".json")}
    files["tables/milestone.json"] = json.dumps([{"id": 1, "title": None}])  # violates NOT NULL
    before = _tables_of(backup.make_backup(seeded))
    with pytest.raises(Exception):
        backup.restore_backup(seeded, _zip(files))
    assert _tables_of(backup.make_backup(seeded)) == before


def test_scheduled_backups_keep_the_last_n(seeded, tmp_path):
    (tmp_path / ".backup-x.zip.partial").write_bytes(b"interrupted")
    for _ in range(3):
        backup.backup_to_dir(seeded, tmp_path, keep=2)
    assert len(list(tmp_path.glob("backup-*.zip"))) == 2
    assert backup.read_manifest(sorted(tmp_path.glob("backup-*.zip"))[-1].read_bytes())["app"] == backup.APP_NAME


def test_a_backup_taken_during_writes_restores_consistently(pg_engine, tmp_path):
    """Topics and their posts written continuously while backups are taken: every backup
    restores into a fresh database, and each holds every post of every topic it holds."""
    import threading

    from core.messages import boards

    engine = pg_engine
    with db.session_scope(engine) as session:
        seed_demo(session, rounds=4)
        author = auth.acting_as(session.exec(select(User).where(User.username == "demo-council")).one())
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            with db.session_scope(engine) as session:
                topic = boards.new_topic(session, author, board="general", title=f"并发主题{n}", body="首帖")
            with db.session_scope(engine) as session:
                boards.reply(session, author, topic.id, "回复")
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        zips = [backup.make_backup(engine) for _ in range(4)]
    finally:
        stop.set()
        writer.join()
    for content in zips:
        tables = {name: json.loads(data) for name, data in _tables_of(content).items()}
        topics = {row["id"] for row in tables["tables/topic.json"]}
        assert {row["topic_id"] for row in tables["tables/post.json"]} <= topics
        fresh = db.make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        db.upgrade(fresh)
        backup.restore_backup(fresh, content)
        with db.session_scope(fresh, write=False) as session:
            assert session.exec(select(func.count()).select_from(Topic)).one() == len(topics)
        fresh.dispose()
        (tmp_path / "fresh.db").unlink()


def test_a_restore_the_database_refuses_is_a_message_and_changes_nothing(seeded):
    content = backup.make_backup(seeded)
    archive = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as broken:
        for name in archive.namelist():
            data = archive.read(name)
            if name == "tables/post.json":  # a post whose topic does not exist
                rows = json.loads(data)
                rows[0]["topic_id"] = 999_999
                data = json.dumps(rows).encode()
            broken.writestr(name, data)
    before = _tables_of(backup.make_backup(seeded))
    with pytest.raises(UserFacingError) as refused:
        backup.restore_backup(seeded, buffer.getvalue())
    assert refused.value.key == "backup.restore_refused"
    assert _tables_of(backup.make_backup(seeded)) == before


def test_every_audited_kind_of_object_has_a_name_in_both_languages():
    """The audit log names what changed in words ("成员单位 …"), never by its table's code: each
    entity kind written by core (entity="…") has its audit_entity label."""
    import re

    from core.i18n import catalog

    kinds = {kind for path in (ROOT / "core").rglob("*.py")
             for kind in re.findall(r'entity="([a-z_]+)"', path.read_text(encoding="utf-8"))}
    missing = sorted(f"audit_entity.{kind}" for kind in kinds for lang in ("zh", "en")
                     if f"audit_entity.{kind}" not in catalog(lang))
    assert kinds and missing == []


def test_the_expense_approval_amount_is_checked_in_fen_and_feeds_the_funds_threshold(session):
    from core.funds import funds

    admin = _as(session)
    for bad in (0, 10_000_000_001, 12.5):
        with pytest.raises(ValidationFailed):
            settings_service.update_settings(session, admin, {"funds_approval_fen": bad})
    assert funds.approval_threshold(session) == 500_000
    assert settings_service.update_settings(session, admin, {"funds_approval_fen": 1_234_567}) == \
        {"funds_approval_fen": 1_234_567}
    assert funds.approval_threshold(session) == 1_234_567

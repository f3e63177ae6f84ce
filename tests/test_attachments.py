"""The attachment store (core/attachments.py): every file is given and taken only as the module
owning it allows, and a unit's liaisons share one allowance."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core import attachments
from core.errors import PermissionDenied, ValidationFailed
from core.messages import notices
from core.models import Attachment, Message
from core.plan import tracking  # noqa: F401  (registers "milestone")
from tests.pages_support import session_scope, user_for

PDF = b"%PDF-1.4 test file"


def _council_only_notice_file(session, staff) -> int:
    message = notices.publish(session, staff, category="notice", title="理事会内部通知", body="仅理事会",
                              audience={"roles": ["council"]})
    return notices.add_attachment(session, staff, message.id, filename="内部.pdf", content=PDF).id


def test_a_file_is_read_only_through_its_owners_rules(demo_db_url):
    staff, member, council = (user_for(demo_db_url, role) for role in ("secretariat", "member", "council"))
    with session_scope(demo_db_url) as session:
        file_id = _council_only_notice_file(session, staff)
        assert attachments.content(session, council, file_id)[2] == PDF
        with pytest.raises(PermissionDenied):  # the generic reader no longer hands out any id
            attachments.content(session, member, file_id)


def test_nobody_attaches_to_what_they_may_not_change(demo_db_url):
    member = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        message_id = session.exec(select(Message.id)).first()
        for kind, owner in (("message", message_id), ("milestone", 1), ("no_such_kind", 1)):
            with pytest.raises(PermissionDenied):
                attachments.add(session, member, owner_kind=kind, owner_id=owner, filename="x.pdf", content=PDF)
        with pytest.raises(PermissionDenied):
            attachments.add(session, None, owner_kind="milestone", owner_id=1, filename="x.pdf", content=PDF)


def test_a_units_files_stop_at_its_allowance(demo_db_url, monkeypatch):
    member = user_for(demo_db_url, "member")
    attachments.register_owner("test_owner", may_attach=lambda *_: True, may_read=lambda *_: True)
    monkeypatch.setattr(attachments, "get_setting",
                        lambda session, key: {"unit_attachment_quota_mb": 1, "upload_limit_mb": 20}[key])
    big = PDF + b"0" * 700_000
    with session_scope(demo_db_url) as session:
        attachments.add(session, member, owner_kind="test_owner", owner_id=1, filename="a.pdf", content=big)
        with pytest.raises(ValidationFailed) as refused:
            attachments.add(session, member, owner_kind="test_owner", owner_id=1, filename="b.pdf", content=big)
        assert refused.value.key == "attachment.quota"
        assert len(session.exec(select(Attachment).where(Attachment.owner_kind == "test_owner")).all()) == 1
    attachments.OWNERS.pop("test_owner")

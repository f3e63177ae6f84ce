"""Account administration rules (core.system.users)."""
from __future__ import annotations

import pytest

from core import auth
from core.errors import NotFound, ValidationFailed
from core.system import users
from tests.conftest import make_member, make_user


def _create(session, **overrides):
    values = dict(username="liaison01", display_name="联络员", role="secretariat",
                  password="a-good-password", rounds=4)
    values.update(overrides)
    return users.create_user(session, **values)


def test_create_user_hashes_and_forces_a_password_change(session):
    user = _create(session)
    assert user.must_change_password and user.password_hash.startswith("$2")


def test_duplicate_username_is_refused(session):
    _create(session)
    with pytest.raises(ValidationFailed) as refused:
        _create(session, username=" LIAISON01 ")
    assert refused.value.key == "user.duplicate"


def test_member_user_needs_a_unit(session):
    with pytest.raises(ValidationFailed) as refused:
        _create(session, role="member")
    assert refused.value.key == "user.member_needs_unit"


def test_member_user_with_unknown_unit_is_refused(session):
    with pytest.raises(NotFound):
        _create(session, role="member", member_id=99999)


def test_member_user_is_linked_to_its_unit(session):
    unit = make_member(session)
    assert _create(session, role="member", member_id=unit.id).member_id == unit.id


def test_unknown_role_is_refused(session):
    with pytest.raises(ValidationFailed):
        _create(session, role="superuser")


def test_reset_password_ends_sessions_and_unlocks(session):
    user = make_user(session, password="old-password")
    current = auth.authenticate(session, user.username, "old-password").user
    users.lock_user(session, username=user.username)
    assert auth.authenticate(session, user.username, "old-password").error_key == "auth.locked"
    users.set_password(session, username=user.username, password="fresh-password", rounds=4)
    assert auth.refresh(session, current) is None
    assert auth.authenticate(session, user.username, "fresh-password").user.must_change_password


def test_unlock_lets_the_user_in_again(session):
    user = make_user(session, password="old-password")
    users.lock_user(session, username=user.username)
    users.unlock_user(session, username=user.username)
    assert auth.authenticate(session, user.username, "old-password").user is not None

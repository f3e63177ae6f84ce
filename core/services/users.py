"""User accounts: create, set a password, lock and unlock (used by the CLI and the admin)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, func, select

from core import audit
from core.auth import BCRYPT_MAX_BYTES, MIN_PASSWORD_LENGTH, find_user, hash_password, \
    normalise_username, password_problems
from core.errors import NotFound, ValidationFailed
from core.models import MemberUnit, Role, User
from core.timeutil import utcnow

USER_AUDIT_FIELDS = ("username", "display_name", "role", "member_id", "active",
                     "must_change_password")


def _check_password(username: str, password: str) -> None:
    problems = password_problems(username, password)
    if problems:
        raise ValidationFailed(problems[0], max_bytes=BCRYPT_MAX_BYTES, min=MIN_PASSWORD_LENGTH)


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    member_id: int | None = None,
    must_change_password: bool = True,
    actor_id: int | None = None,
    actor_name: str = "system",
    rounds: int = 12,
) -> User:
    name = normalise_username(username)
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise ValidationFailed("user.bad_username")
    if role not in set(Role):
        raise ValidationFailed("user.bad_role", role=role)
    if role == Role.MEMBER and member_id is None:
        raise ValidationFailed("user.member_needs_unit")
    if role != Role.MEMBER:
        member_id = None
    if member_id is not None and session.get(MemberUnit, member_id) is None:
        raise NotFound("user.unit_not_found")
    if find_user(session, name) is not None:
        raise ValidationFailed("user.duplicate", username=name)
    _check_password(name, password)
    user = User(
        username=name,
        display_name=display_name.strip() or name,
        role=role,
        member_id=member_id,
        password_hash=hash_password(password, rounds=rounds),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit.record(session, action="user_created", actor_id=actor_id, actor_name=actor_name,
                 entity="user", entity_id=user.id, after=audit.snapshot(user, USER_AUDIT_FIELDS))
    return user


def _get(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise NotFound("user.not_found", username=normalise_username(username))
    return user


def set_password(session: Session, *, username: str, password: str, must_change: bool = True,
                 actor_id: int | None = None, actor_name: str = "system",
                 rounds: int = 12) -> User:
    """An administrator's reset: the user's sessions end and (by default) must pick a new one."""
    user = _get(session, username)
    _check_password(user.username, password)
    user.password_hash = hash_password(password, rounds=rounds)
    user.must_change_password = must_change
    user.sessions_valid_after = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    user.version += 1
    session.add(user)
    audit.record(session, action="password_reset", actor_id=actor_id, actor_name=actor_name,
                 entity="user", entity_id=user.id)
    return user


def lock_user(session: Session, *, username: str, minutes: int = 60 * 24 * 365 * 100,
              actor_id: int | None = None, actor_name: str = "system") -> User:
    user = _get(session, username)
    user.locked_until = utcnow() + timedelta(minutes=minutes)
    user.sessions_valid_after = utcnow()
    session.add(user)
    audit.record(session, action="account_locked", actor_id=actor_id, actor_name=actor_name,
                 entity="user", entity_id=user.id, detail="by administrator")
    return user


def unlock_user(session: Session, *, username: str, actor_id: int | None = None,
                actor_name: str = "system") -> User:
    user = _get(session, username)
    user.locked_until = None
    user.failed_logins = 0
    session.add(user)
    audit.record(session, action="account_unlocked", actor_id=actor_id, actor_name=actor_name,
                 entity="user", entity_id=user.id)
    return user


def count_users(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()

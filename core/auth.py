"""Passwords, login with lockout, cookie re-login, session ending and role checks.

streamlit-authenticator sets and deletes the re-login cookie in the browser; everything that
decides whether someone is logged in lives here, in the database, so that several app replicas
agree: failed-attempt counts, lockouts, and the per-user `sessions_valid_after` instant that
logout and password changes move forward to end the user's sessions everywhere.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
import jwt
from sqlmodel import Session, select

from core import audit
from core.errors import PermissionDenied, ValidationFailed
from core.models import Role, User
from core.timeutil import as_utc, utcnow

BCRYPT_MAX_BYTES = 72
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as a plain value (never a session-bound ORM row)."""

    id: int
    username: str
    display_name: str
    role: str
    member_id: int | None
    language: str
    must_change_password: bool
    auth_at: float  # when this login (password or cookie) was issued, epoch seconds

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


@dataclass(frozen=True)
class LoginOutcome:
    user: CurrentUser | None
    error_key: str = ""
    params: dict | None = None


def _current(user: User, auth_at: float) -> CurrentUser:
    return CurrentUser(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        member_id=user.member_id,
        language=user.language,
        must_change_password=user.must_change_password,
        auth_at=auth_at,
    )


def acting_as(user: User) -> CurrentUser:
    """A stored user as the caller of core services (the CLI's --as USER)."""
    return _current(user, utcnow().timestamp())


# ---------------------------------------------------------------- passwords
def password_problems(username: str, password: str) -> list[str]:
    """i18n keys of every rule the password breaks (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append("password.too_short")
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        problems.append("password.too_long")
    if password.strip().lower() == username.strip().lower():
        problems.append("password.same_as_username")
    return problems


def hash_password(password: str, *, rounds: int = 12) -> str:
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise ValidationFailed("password.too_long", max_bytes=BCRYPT_MAX_BYTES)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    encoded = password.encode("utf-8")
    if len(encoded) > BCRYPT_MAX_BYTES or not password_hash:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode("ascii"))
    except ValueError:  # a malformed hash in the table is a failed login, not a crash
        return False


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == normalise_username(username))).first()


# ---------------------------------------------------------------- login
def _locked_minutes_left(user: User, now: datetime) -> int | None:
    if user.locked_until is None or as_utc(user.locked_until) <= now:
        return None
    return max(1, math.ceil((as_utc(user.locked_until) - now).total_seconds() / 60))


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    max_attempts: int = 5,
    lock_minutes: int = 15,
    now: datetime | None = None,
) -> LoginOutcome:
    """Check a password login. Every outcome is written to the audit log."""
    now = now or utcnow()
    name = normalise_username(username)
    if not name or not password:
        return LoginOutcome(None, "auth.missing_fields")
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        return LoginOutcome(None, "password.too_long", {"max_bytes": BCRYPT_MAX_BYTES})
    user = find_user(session, name)
    if user is None:
        audit.record(session, action="login_failed", actor_name=name, entity="user",
                     detail="unknown user")
        return LoginOutcome(None, "auth.invalid")
    if not user.active:
        audit.record(session, action="login_failed", actor_id=user.id, actor_name=name,
                     entity="user", entity_id=user.id, detail="inactive")
        return LoginOutcome(None, "auth.inactive")
    minutes = _locked_minutes_left(user, now)
    if minutes is not None:
        audit.record(session, action="login_failed", actor_id=user.id, actor_name=name,
                     entity="user", entity_id=user.id, detail="locked")
        return LoginOutcome(None, "auth.locked", {"minutes": minutes})
    if not verify_password(password, user.password_hash):
        user.failed_logins += 1
        if user.failed_logins >= max_attempts:
            user.failed_logins = 0
            user.locked_until = now + timedelta(minutes=lock_minutes)
            audit.record(session, action="account_locked", actor_id=user.id, actor_name=name,
                         entity="user", entity_id=user.id,
                         detail=f"{max_attempts} wrong passwords")
            session.add(user)
            return LoginOutcome(None, "auth.locked", {"minutes": lock_minutes})
        audit.record(session, action="login_failed", actor_id=user.id, actor_name=name,
                     entity="user", entity_id=user.id, detail="wrong password")
        session.add(user)
        return LoginOutcome(None, "auth.invalid_attempts",
                            {"left": max_attempts - user.failed_logins})
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    audit.record(session, action="login", actor_id=user.id, actor_name=name, entity="user",
                 entity_id=user.id)
    return LoginOutcome(_current(user, now.timestamp()))


# ---------------------------------------------------------------- cookies and sessions
def cookie_payload(token: str, *, key: str) -> dict | None:
    """The claims of a re-login cookie signed with our key (the library's format), else None."""
    try:
        payload = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if not isinstance(payload.get("username"), str) or not isinstance(
        payload.get("exp_date"), (int, float)
    ):
        return None
    return payload


def user_from_cookie(
    session: Session, token: str, *, key: str, expiry_days: float, now: datetime | None = None
) -> CurrentUser | None:
    """Who a browser's cookie logs in, if anyone.

    The library's cookie holds only the username and its expiry; its issue time is the expiry
    less the configured lifetime, and a cookie issued before the user's sessions_valid_after
    (a logout or password change since) logs no one in.
    """
    now = now or utcnow()
    payload = cookie_payload(token, key=key)
    if payload is None or payload["exp_date"] <= now.timestamp():
        return None
    issued_at = payload["exp_date"] - expiry_days * 86400
    user = find_user(session, payload["username"])
    if user is None or not user.active or _locked_minutes_left(user, now) is not None:
        return None
    if issued_at < as_utc(user.sessions_valid_after).timestamp():
        return None
    return _current(user, issued_at)


def refresh(session: Session, current: CurrentUser) -> CurrentUser | None:
    """Re-read the user each run: None once they were logged out elsewhere or deactivated."""
    user = session.get(User, current.id)
    if user is None or not user.active:
        return None
    if current.auth_at < as_utc(user.sessions_valid_after).timestamp():
        return None
    return _current(user, current.auth_at)


def end_sessions(session: Session, user_id: int, *, action: str = "logout",
                 now: datetime | None = None) -> None:
    """Log the user out in every browser: cookies and sessions issued before now stop working."""
    user = session.get(User, user_id)
    if user is None:
        return
    user.sessions_valid_after = now or utcnow()
    session.add(user)
    audit.record(session, action=action, actor_id=user.id, actor_name=user.username,
                 entity="user", entity_id=user.id)


def change_own_password(
    session: Session, current: CurrentUser, *, old_password: str, new_password: str,
    rounds: int = 12, now: datetime | None = None,
) -> CurrentUser:
    """Change the caller's password; every other session of theirs ends, this one goes on."""
    user = session.get(User, current.id)
    if user is None or not verify_password(old_password, user.password_hash):
        raise ValidationFailed("password.old_wrong")
    problems = password_problems(user.username, new_password)
    if problems:
        raise ValidationFailed(problems[0], max_bytes=BCRYPT_MAX_BYTES, min=MIN_PASSWORD_LENGTH)
    if verify_password(new_password, user.password_hash):
        raise ValidationFailed("password.same_as_old")
    now = now or utcnow()
    user.password_hash = hash_password(new_password, rounds=rounds)
    user.must_change_password = False
    user.sessions_valid_after = now
    user.version += 1
    session.add(user)
    audit.record(session, action="password_changed", actor_id=user.id,
                 actor_name=user.username, entity="user", entity_id=user.id)
    return _current(user, now.timestamp())


def set_language(session: Session, current: CurrentUser, language: str) -> None:
    if language not in ("zh", "en"):
        raise ValidationFailed("common.bad_language")
    user = session.get(User, current.id)
    if user is not None and user.language != language:
        user.language = language
        session.add(user)


# ---------------------------------------------------------------- roles
STAFF_ROLES = (Role.SECRETARIAT, Role.ADMIN)


def require_role(current: CurrentUser | None, *roles: str) -> CurrentUser:
    """The caller, if their role is one of `roles`; PermissionDenied otherwise."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    if current.role not in roles:
        raise PermissionDenied("auth.forbidden")
    return current


def require_own_unit(current: CurrentUser | None, member_id: int) -> CurrentUser:
    """Secretariat and admin act for any unit; a member liaison only for its own."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    if current.role in STAFF_ROLES:
        return current
    if current.role == Role.MEMBER and current.member_id == member_id:
        return current
    raise PermissionDenied("auth.not_your_unit")

"""Passwords, login with lockout, cookie re-login, session ending and role checks.

core.ui.login sets and deletes the re-login cookie in the browser; everything that
decides whether someone is logged in lives here, in the database, so that several app replicas
agree: failed-attempt counts, lockouts, and the per-user `sessions_valid_after` instant that
logout and password changes move forward to end the user's sessions everywhere.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import audit, db, passwords
from core.errors import PermissionDenied, ValidationFailed
from core.models import LoginThrottle, Role, User
from core.passwords import BCRYPT_MAX_BYTES, hash_password, verify_password
from core.timeutil import as_utc, utcnow

USERNAME_MAX = 64
# Failures from one client address (a browser, or a school behind one NAT) within the window
# before its logins are refused for a while; and the audit log keeps at most this many failure
# rows per client and window, so a flood of attempts cannot flood the log.
CLIENT_FAILURE_LIMIT = 50
AUDIT_FAILURES_PER_CLIENT = 20
CLOCK_SKEW_SECONDS = 60


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
def password_problems(username: str, password: str, *, role: str | None = None) -> list[str]:
    """i18n keys of every rule the password breaks (empty when it is acceptable)."""
    return passwords.problems(username, password, role=role)


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == normalise_username(username))).first()


# ---------------------------------------------------------------- login
# A login runs in three steps, so that bcrypt (slow on purpose) never holds a database
# transaction or its connection: read what decides the attempt, check the password outside any
# transaction, then write the outcome in one short transaction that counts failures atomically
# in the database (UPDATE ... RETURNING), so parallel attempts on several replicas cannot each
# read the same count and all pass under the limit.
@dataclass(frozen=True)
class LoginPolicy:
    max_attempts: int = 5
    lock_minutes: int = 15
    client_limit: int = CLIENT_FAILURE_LIMIT
    rounds: int = 12  # the cost of the dummy check for unknown usernames


@dataclass(frozen=True)
class _Attempt:
    name: str
    client: str           # "" when the client's address is unknown (not throttled)
    user_id: int | None   # None: no such user
    password_hash: str
    refusal: LoginOutcome | None  # refused before any password check


def _clean_name(username: str) -> str:
    """The username as typed, normalised and cut to what can exist (for lookups and the log)."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", normalise_username(username))
    return name[:USERNAME_MAX]


def _throttled(session: Session, key: str, limit: int, window_minutes: int, now: datetime) -> int | None:
    """Minutes left while `key` has reached `limit` failures in its window, else None."""
    row = session.get(LoginThrottle, key)
    if row is None or row.failures < limit:
        return None
    ends = as_utc(row.window_start) + timedelta(minutes=window_minutes)
    if ends <= now:
        return None
    return max(1, math.ceil((ends - now).total_seconds() / 60))


def _bump(session: Session, key: str, window_minutes: int, now: datetime) -> int:
    """Count one failure for `key` atomically; a window older than `window_minutes` restarts."""
    table = LoginThrottle.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(key=key, window_start=now, failures=1)
    expired = table.c.window_start < sa.bindparam("cutoff", now - timedelta(minutes=window_minutes),
                                                  type_=table.c.window_start.type)
    stmt = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": sa.case((expired, 1), else_=table.c.failures + 1),
              "window_start": sa.case((expired, insert.excluded.window_start), else_=table.c.window_start)},
    ).returning(table.c.failures)
    return int(session.execute(stmt).scalar_one())


def _prepare(session: Session, username: str, password: str, client: str, policy: LoginPolicy,
             now: datetime) -> _Attempt:
    name = _clean_name(username)
    client = (client or "")[:80]
    refusal = None
    if not name or not password:
        refusal = LoginOutcome(None, "auth.missing_fields")
    elif len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        refusal = LoginOutcome(None, "password.too_long", {"max_bytes": BCRYPT_MAX_BYTES})
    elif client and (minutes := _throttled(session, f"client:{client}", policy.client_limit,
                                           policy.lock_minutes, now)) is not None:
        refusal = LoginOutcome(None, "auth.throttled", {"minutes": minutes})
    user = find_user(session, name) if name else None
    if refusal is None and user is not None:
        minutes = _locked_minutes_left(user, now)
        if minutes is not None:
            refusal = LoginOutcome(None, "auth.locked", {"minutes": minutes})
    elif refusal is None and name:  # an unknown name locks like an account, so both look alike
        minutes = _throttled(session, f"user:{name}", policy.max_attempts, policy.lock_minutes, now)
        if minutes is not None:
            refusal = LoginOutcome(None, "auth.locked", {"minutes": minutes})
    return _Attempt(name=name, client=client, user_id=user.id if user else None,
                    password_hash=user.password_hash if user else "", refusal=refusal)


def _check_password(attempt: _Attempt, password: str, policy: LoginPolicy) -> bool:
    if attempt.refusal is not None:
        return False
    if attempt.user_id is None:  # the same bcrypt work as a real check, then no
        verify_password(password, passwords.dummy_hash(policy.rounds))
        return False
    return verify_password(password, attempt.password_hash)


def _audit_failure(session: Session, attempt: _Attempt, *, action: str, detail: str,
                   policy: LoginPolicy, now: datetime) -> None:
    """A failed or refused login in the audit log, at most AUDIT_FAILURES_PER_CLIENT per client
    and window (one "login_throttled" row says that the rest go unlogged)."""
    seen = _bump(session, f"client:{attempt.client or 'unknown'}", policy.lock_minutes, now)
    if seen > AUDIT_FAILURES_PER_CLIENT + 1:
        return
    if seen == AUDIT_FAILURES_PER_CLIENT + 1:
        action, detail = "login_throttled", f"further failures from {attempt.client or 'unknown'} not logged"
    audit.record(session, action=action, actor_id=attempt.user_id, actor_name=attempt.name,
                 entity="user", entity_id=attempt.user_id or "", detail=detail)


def _finish(session: Session, attempt: _Attempt, password_ok: bool, policy: LoginPolicy,
            now: datetime) -> LoginOutcome:
    if attempt.refusal is not None:
        if attempt.refusal.error_key in ("auth.locked", "auth.throttled"):
            _audit_failure(session, attempt, action="login_failed", detail=attempt.refusal.error_key[5:],
                           policy=policy, now=now)
        return attempt.refusal
    if attempt.user_id is None:
        failures = _bump(session, f"user:{attempt.name}", policy.lock_minutes, now)
        _audit_failure(session, attempt, action="login_failed", detail="wrong password",
                       policy=policy, now=now)
        if failures >= policy.max_attempts:
            return LoginOutcome(None, "auth.locked", {"minutes": policy.lock_minutes})
        return LoginOutcome(None, "auth.invalid_attempts", {"left": policy.max_attempts - failures})
    if not password_ok:
        failures = session.execute(
            sa.update(User).where(User.id == attempt.user_id)
            .values(failed_logins=User.failed_logins + 1).returning(User.failed_logins)).scalar_one()
        if failures >= policy.max_attempts:
            session.execute(sa.update(User).where(User.id == attempt.user_id)
                            .values(failed_logins=0, locked_until=now + timedelta(minutes=policy.lock_minutes)))
            audit.record(session, action="account_locked", actor_id=attempt.user_id, actor_name=attempt.name,
                         entity="user", entity_id=attempt.user_id, detail=f"{policy.max_attempts} wrong passwords")
            _bump(session, f"client:{attempt.client or 'unknown'}", policy.lock_minutes, now)
            return LoginOutcome(None, "auth.locked", {"minutes": policy.lock_minutes})
        _audit_failure(session, attempt, action="login_failed", detail="wrong password", policy=policy, now=now)
        return LoginOutcome(None, "auth.invalid_attempts", {"left": policy.max_attempts - failures})
    # The right password: decide on the row as it is now (a parallel attempt may have locked it).
    user = session.exec(select(User).where(User.id == attempt.user_id).with_for_update()).one()
    minutes = _locked_minutes_left(user, now)
    if minutes is not None:
        _audit_failure(session, attempt, action="login_failed", detail="locked", policy=policy, now=now)
        return LoginOutcome(None, "auth.locked", {"minutes": minutes})
    if not user.active:  # said only to someone who knows the password
        audit.record(session, action="login_failed", actor_id=user.id, actor_name=user.username,
                     entity="user", entity_id=user.id, detail="inactive")
        return LoginOutcome(None, "auth.inactive")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    audit.record(session, action="login", actor_id=user.id, actor_name=user.username, entity="user",
                 entity_id=user.id)
    return LoginOutcome(_current(user, now.timestamp()))


def _locked_minutes_left(user: User, now: datetime) -> int | None:
    if user.locked_until is None or as_utc(user.locked_until) <= now:
        return None
    return max(1, math.ceil((as_utc(user.locked_until) - now).total_seconds() / 60))


def authenticate(session: Session, username: str, password: str, *, max_attempts: int = 5,
                 lock_minutes: int = 15, now: datetime | None = None, client: str = "",
                 rounds: int = 12) -> LoginOutcome:
    """Check a password login in one session (the CLI and tests). Every outcome is audited."""
    now = now or utcnow()
    policy = LoginPolicy(max_attempts=max_attempts, lock_minutes=lock_minutes, rounds=rounds)
    attempt = _prepare(session, username, password, client, policy, now)
    return _finish(session, attempt, _check_password(attempt, password, policy), policy, now)


def log_in(engine: Engine, username: str, password: str, *, policy: LoginPolicy,
           client: str = "", now: datetime | None = None) -> LoginOutcome:
    """A login from the app: read, check the password outside any transaction, write the outcome."""
    now = now or utcnow()
    with db.session_scope(engine, write=False) as session:
        attempt = _prepare(session, username, password, client, policy, now)
    password_ok = _check_password(attempt, password, policy)
    with db.session_scope(engine) as session:
        return _finish(session, attempt, password_ok, policy, now)


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


def cookie_token(username: str, *, key: str, expiry_days: float, now: datetime | None = None) -> str:
    """A re-login cookie's value: the username and its expiry, signed with our key (the format
    streamlit-authenticator used, so cookies issued before keep working)."""
    expires = (now or utcnow()).timestamp() + expiry_days * 86400
    return jwt.encode({"username": username, "exp_date": expires}, key, algorithm="HS256")


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
    # The cookie holds only its expiry, so its issue time is read back with today's lifetime: a
    # time in the future means the lifetime was lowered since (or the expiry forged far ahead),
    # and such a cookie must not outlive a logout that came after it was really issued.
    if issued_at > now.timestamp() + CLOCK_SKEW_SECONDS:
        return None
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
    problems = password_problems(user.username, new_password, role=user.role)
    if problems:
        raise ValidationFailed(problems[0], max_bytes=BCRYPT_MAX_BYTES, min=passwords.min_length(user.role))
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


def require_own_unit_or_overseer(current: CurrentUser | None, member_id: int) -> CurrentUser:
    """Reading a unit's own data: its liaison, the council and the secretariat; no other unit."""
    if current is not None and current.role == Role.COUNCIL:
        return current
    return require_own_unit(current, member_id)

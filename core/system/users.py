"""User accounts: create, set a password, lock and unlock (used by the CLI and the admin)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, func, select

from core import audit, passwords
from core.auth import BCRYPT_MAX_BYTES, find_user, hash_password, normalise_username, password_problems
from core.errors import NotFound, ValidationFailed
from core.models import MemberUnit, Role, User
from core.timeutil import utcnow

USER_AUDIT_FIELDS = ("username", "display_name", "role", "member_id", "active",
                     "must_change_password")


def _check_password(username: str, password: str, role: str) -> None:
    problems = password_problems(username, password, role=role)
    if problems:
        raise ValidationFailed(problems[0], max_bytes=BCRYPT_MAX_BYTES, min=passwords.min_length(role))


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
    _check_password(name, password, role)
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
    _check_password(user.username, password, user.role)
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


# ---------------------------------------------------------------- administration (admin only)
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 10) -> str:
    """A random password without look-alike characters (0/O, 1/l/I), to read out or print."""
    import secrets

    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def _admin(current) -> None:
    from core.auth import require_role

    require_role(current, Role.ADMIN)


def listing(session: Session, current):
    import pandas as pd

    from core.timeutil import utcnow as _now

    _admin(current)
    rows = session.exec(select(User, MemberUnit.name).join(
        MemberUnit, MemberUnit.id == User.member_id, isouter=True).order_by(User.username)).all()
    now = _now()
    return pd.DataFrame([{
        "id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
        "member_id": u.member_id, "unit": unit or "", "active": u.active,
        "locked": bool(u.locked_until and u.locked_until > now),
        "must_change_password": u.must_change_password, "last_login_at": u.last_login_at,
        "version": u.version} for u, unit in rows],
        columns=["id", "username", "display_name", "role", "member_id", "unit", "active", "locked",
                 "must_change_password", "last_login_at", "version"])


def _active_admins(session: Session, excluding: int | None = None) -> int:
    query = select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    if excluding is not None:
        query = query.where(User.id != excluding)
    return session.exec(query).one()


def update_user(session: Session, current, user_id: int, expected_version: int, *, role: str,
                member_id: int | None, display_name: str, active: bool) -> None:
    """Change a user's role, unit, name or status; never leaves the platform without an admin."""
    from core.db import update_versioned

    _admin(current)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user.not_found", username=str(user_id))
    if role not in set(Role):
        raise ValidationFailed("user.bad_role", role=role)
    if role == Role.MEMBER and member_id is None:
        raise ValidationFailed("user.member_needs_unit")
    if member_id is not None and session.get(MemberUnit, member_id) is None:
        raise NotFound("user.unit_not_found")
    losing_admin = user.role == Role.ADMIN and user.active and (role != Role.ADMIN or not active)
    if losing_admin and _active_admins(session, excluding=user.id) == 0:
        raise ValidationFailed("user.last_admin")
    values = {"role": role, "member_id": member_id if role == Role.MEMBER else None,
              "display_name": display_name.strip() or user.username, "active": active}
    before = audit.snapshot(user, values)
    if not active or role != user.role:
        values["sessions_valid_after"] = utcnow()  # a change of powers takes effect at once
    update_versioned(session, User, user_id, expected_version, values)
    audit.record(session, action="user_updated", actor_id=current.id, actor_name=current.username,
                 entity="user", entity_id=user_id, before=before,
                 after={k: v for k, v in values.items() if k != "sessions_valid_after"})


def reset_password(session: Session, current, user_id: int, *, rounds: int = 12) -> str:
    """A new generated password (shown once to the admin); the user must change it at login."""
    _admin(current)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user.not_found", username=str(user_id))
    password = generate_password()
    set_password(session, username=user.username, password=password, must_change=True,
                 actor_id=current.id, actor_name=current.username, rounds=rounds)
    return password


def create_liaison_accounts(session: Session, current, *, rounds: int = 12) -> list[dict]:
    """One liaison account for every unit in the group that has none yet, with generated
    passwords to hand out (returned once, never stored in plain text)."""
    from core.models import MemberStatus

    _admin(current)
    covered = set(session.exec(select(User.member_id).where(User.role == Role.MEMBER,
                                                             User.member_id.is_not(None))).all())
    units = session.exec(select(MemberUnit).where(MemberUnit.status.in_(
        [MemberStatus.ACTIVE, MemberStatus.SUSPENDED])).order_by(MemberUnit.id)).all()
    created = []
    for unit in units:
        if unit.id in covered:
            continue
        username = f"unit{unit.id:03d}"
        while find_user(session, username) is not None:
            username += "x"
        password = generate_password()
        create_user(session, username=username, display_name=f"{unit.short_name or unit.name}联络员",
                    role=Role.MEMBER, password=password, member_id=unit.id,
                    must_change_password=True, actor_id=current.id, actor_name=current.username,
                    rounds=rounds)
        created.append({"unit": unit.name, "credit_code": unit.credit_code, "username": username,
                        "password": password})
    return created


def add_user(session: Session, current, *, username: str, display_name: str, role: str,
             member_id: int | None, rounds: int = 12) -> str:
    """An admin creates an account; returns its generated first password (shown once)."""
    _admin(current)
    password = generate_password()
    create_user(session, username=username, display_name=display_name, role=role,
                password=password, member_id=member_id, must_change_password=True,
                actor_id=current.id, actor_name=current.username, rounds=rounds)
    return password


def unlock(session: Session, current, user_id: int) -> None:
    _admin(current)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user.not_found", username=str(user_id))
    unlock_user(session, username=user.username, actor_id=current.id, actor_name=current.username)


def deactivate_demo_accounts(session: Session) -> int:
    """Outside demo mode: every demo account still active is deactivated and its sessions end,
    and the login page stops listing them. Returns how many were deactivated."""
    from core.demo import DEMO_ACCOUNTS
    from core.settings import put_setting

    names = [name for name, _, _ in DEMO_ACCOUNTS]
    users = session.exec(select(User).where(User.username.in_(names), User.active)).all()
    for user in users:
        user.active = False
        user.sessions_valid_after = utcnow()
        user.version += 1
        session.add(user)
        audit.record(session, action="demo_account_deactivated", actor_name="system", entity="user",
                     entity_id=user.id, detail=user.username)
    put_setting(session, "demo_loaded", False)
    return len(users)

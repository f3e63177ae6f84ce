"""Login, lockout, cookies and session ending, against core.auth."""
from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from sqlmodel import select

from core import auth
from core.errors import PermissionDenied, ValidationFailed
from core.models import AuditLog, User
from core.timeutil import utcnow
from tests.conftest import make_user

KEY = "k" * 48


def _cookie(username: str, *, issued, days: float = 1.0, key: str = KEY) -> str:
    return jwt.encode({"username": username, "exp_date": (issued + timedelta(days=days)).timestamp()},
                      key, algorithm="HS256")


def _actions(session) -> list[str]:
    return session.exec(select(AuditLog.action).order_by(AuditLog.id)).all()


def test_right_password_logs_in_and_is_audited(session):
    user = make_user(session, password="right-password")
    outcome = auth.authenticate(session, user.username.upper() + " ", "right-password")
    assert outcome.user is not None and outcome.user.id == user.id
    assert _actions(session) == ["login"]


def test_wrong_password_is_refused_with_attempts_left(session):
    user = make_user(session)
    outcome = auth.authenticate(session, user.username, "wrong-password")
    assert outcome.user is None and outcome.error_key == "auth.invalid_attempts"
    assert outcome.params == {"left": 4}
    assert _actions(session) == ["login_failed"]


def test_unknown_user_gets_the_same_message_as_a_wrong_password(session):
    user = make_user(session)
    known = auth.authenticate(session, user.username, "wrong-password")
    unknown = auth.authenticate(session, "nobody", "whatever-pass")
    assert (unknown.error_key, unknown.params) == (known.error_key, known.params) == \
        ("auth.invalid_attempts", {"left": 4})


def test_an_unknown_user_locks_like_an_account(session):
    now = utcnow()
    for _ in range(5):
        outcome = auth.authenticate(session, "nobody", "whatever-pass", now=now)
    assert (outcome.error_key, outcome.params) == ("auth.locked", {"minutes": 15})
    assert auth.authenticate(session, "nobody", "x", now=now + timedelta(minutes=5)).params == {"minutes": 10}
    assert auth.authenticate(session, "nobody", "x", now=now + timedelta(minutes=16)).error_key == \
        "auth.invalid_attempts"


def test_unknown_user_costs_a_bcrypt_check(session, monkeypatch):
    from core import passwords

    checked = []
    real = passwords.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda pw, h: checked.append(h) or real(pw, h))
    auth.authenticate(session, "nobody", "whatever-pass", rounds=4)
    assert checked and checked[0].startswith("$2b$04$")


def test_one_client_is_throttled_after_too_many_failures(session):
    now = utcnow()
    for n in range(auth.CLIENT_FAILURE_LIMIT):
        auth.authenticate(session, f"guess-{n}", "whatever-pass", now=now, client="203.0.113.9")
    user = make_user(session, password="right-password")
    refused = auth.authenticate(session, user.username, "right-password", now=now, client="203.0.113.9")
    assert refused.error_key == "auth.throttled"
    other = auth.authenticate(session, user.username, "right-password", now=now, client="198.51.100.7")
    assert other.user is not None


def test_failed_logins_are_logged_at_most_so_many_per_client(session):
    now = utcnow()
    for n in range(auth.AUDIT_FAILURES_PER_CLIENT + 10):
        auth.authenticate(session, f"guess-{n}", "whatever-pass", now=now, client="203.0.113.9")
    actions = _actions(session)
    assert actions.count("login_failed") == auth.AUDIT_FAILURES_PER_CLIENT
    assert actions.count("login_throttled") == 1


def test_a_huge_username_is_cut_before_it_reaches_the_log(session):
    outcome = auth.authenticate(session, "x" * 5000 + "\x00\n", "whatever-pass")
    assert outcome.error_key == "auth.invalid_attempts"
    names = session.exec(select(AuditLog.actor_name)).all()
    assert names == ["x" * auth.USERNAME_MAX]


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(session):
    user = make_user(session, password="right-password")
    now = utcnow()
    for _ in range(5):
        outcome = auth.authenticate(session, user.username, "wrong", now=now)
    assert outcome.error_key == "auth.locked" and outcome.params == {"minutes": 15}
    locked = auth.authenticate(session, user.username, "right-password", now=now + timedelta(minutes=5))
    assert locked.user is None and locked.params == {"minutes": 10}
    assert "account_locked" in _actions(session)


def test_lock_ends_after_fifteen_minutes(session):
    user = make_user(session, password="right-password")
    now = utcnow()
    for _ in range(5):
        auth.authenticate(session, user.username, "wrong", now=now)
    later = auth.authenticate(session, user.username, "right-password", now=now + timedelta(minutes=16))
    assert later.user is not None


def test_password_over_bcrypt_limit_gets_its_own_message(session):
    user = make_user(session)
    outcome = auth.authenticate(session, user.username, "密" * 25)  # 75 bytes
    assert outcome.error_key == "password.too_long"


def test_inactive_account_cannot_log_in(session):
    user = make_user(session, password="right-password", active=False)
    assert auth.authenticate(session, user.username, "right-password").error_key == "auth.inactive"


def test_an_inactive_account_is_named_only_to_someone_with_its_password(session):
    user = make_user(session, password="right-password", active=False)
    assert auth.authenticate(session, user.username, "wrong-password").error_key == "auth.invalid_attempts"


def test_a_cookie_from_before_a_shorter_lifetime_does_not_come_back(session):
    """Lowering COOKIE_EXPIRY_DAYS must not make an old cookie look newer than a logout."""
    user = make_user(session, sessions_valid_after=utcnow() - timedelta(days=2))
    issued = utcnow() - timedelta(days=5)  # before the logout two days ago, with a 30-day lifetime
    token = _cookie(user.username, issued=issued, days=30)
    assert auth.user_from_cookie(session, token, key=KEY, expiry_days=30) is None
    assert auth.user_from_cookie(session, token, key=KEY, expiry_days=1) is None


def test_a_far_future_cookie_is_refused(session):
    user = make_user(session, sessions_valid_after=utcnow() - timedelta(hours=1))
    token = _cookie(user.username, issued=utcnow() + timedelta(days=3650), days=1)
    assert auth.user_from_cookie(session, token, key=KEY, expiry_days=1) is None


def test_staff_passwords_are_longer_and_common_ones_are_refused():
    assert "password.too_short" in auth.password_problems("sec", "nine-char", role="secretariat")
    assert auth.password_problems("liaison", "nine-char", role="member") == []
    assert "password.too_common" in auth.password_problems("liaison", "Password123", role="member")


def test_cookie_signed_with_our_key_logs_in(session):
    user = make_user(session, sessions_valid_after=utcnow() - timedelta(hours=1))
    token = _cookie(user.username, issued=utcnow())
    assert auth.user_from_cookie(session, token, key=KEY, expiry_days=1).id == user.id


def test_cookie_forged_with_the_library_default_key_logs_no_one_in(session):
    user = make_user(session, sessions_valid_after=utcnow() - timedelta(hours=1))
    forged = _cookie(user.username, issued=utcnow(), key="some_key")
    assert auth.user_from_cookie(session, forged, key=KEY, expiry_days=1) is None


def test_expired_cookie_logs_no_one_in(session):
    user = make_user(session, sessions_valid_after=utcnow() - timedelta(days=5))
    old = _cookie(user.username, issued=utcnow() - timedelta(days=2))
    assert auth.user_from_cookie(session, old, key=KEY, expiry_days=1) is None


def test_logout_ends_every_session_of_the_user(session):
    user = make_user(session, sessions_valid_after=utcnow() - timedelta(hours=1))
    issued = utcnow() - timedelta(minutes=10)
    token = _cookie(user.username, issued=issued)
    current = auth.user_from_cookie(session, token, key=KEY, expiry_days=1)
    auth.end_sessions(session, user.id)
    assert auth.user_from_cookie(session, token, key=KEY, expiry_days=1) is None
    assert auth.refresh(session, current) is None


def test_password_change_keeps_this_session_and_ends_the_others(session):
    user = make_user(session, password="old-password", sessions_valid_after=utcnow() - timedelta(hours=1))
    other = auth.user_from_cookie(session, _cookie(user.username, issued=utcnow() - timedelta(minutes=1)),
                                  key=KEY, expiry_days=1)
    mine = auth.change_own_password(session, other, old_password="old-password",
                                    new_password="new-password-1", rounds=4)
    assert auth.refresh(session, other) is None
    assert auth.refresh(session, mine) is not None
    assert auth.authenticate(session, user.username, "new-password-1").user is not None


@pytest.mark.parametrize("new, key", [("short", "password.too_short"),
                                      ("密" * 30, "password.too_long")])
def test_password_rules_are_enforced_on_change(session, new, key):
    user = make_user(session, password="old-password")
    current = auth.authenticate(session, user.username, "old-password").user
    with pytest.raises(ValidationFailed) as refused:
        auth.change_own_password(session, current, old_password="old-password", new_password=new)
    assert refused.value.key == key


def test_password_may_not_be_the_username(session):
    assert "password.same_as_username" in auth.password_problems("liaison01", "LIAISON01")


def test_wrong_old_password_is_refused(session):
    user = make_user(session, password="old-password")
    current = auth.authenticate(session, user.username, "old-password").user
    with pytest.raises(ValidationFailed) as refused:
        auth.change_own_password(session, current, old_password="nope", new_password="new-password-1")
    assert refused.value.key == "password.old_wrong"


def test_member_may_act_only_for_its_own_unit(session):
    liaison = make_user(session, role="member")
    current = auth.authenticate(session, liaison.username, "correct-horse").user
    assert auth.require_own_unit(current, liaison.member_id) is current
    with pytest.raises(PermissionDenied):
        auth.require_own_unit(current, liaison.member_id + 1)


def test_role_check_refuses_other_roles_and_anonymous(session):
    council = make_user(session, role="council")
    current = auth.authenticate(session, council.username, "correct-horse").user
    with pytest.raises(PermissionDenied):
        auth.require_role(current, "secretariat", "admin")
    with pytest.raises(PermissionDenied):
        auth.require_role(None, "secretariat")


def test_hashes_are_bcrypt_never_plain_text(session):
    user = make_user(session, password="plain-text-pw")
    stored = session.exec(select(User.password_hash).where(User.id == user.id)).one()
    assert stored.startswith("$2") and "plain-text-pw" not in stored


# ---------------------------------------------------------------- on PostgreSQL, in parallel
def _parallel(count: int, attempt) -> list:
    import threading

    barrier, results = threading.Barrier(count), [None] * count

    def run(n: int) -> None:
        barrier.wait()
        results[n] = attempt(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_wrong_passwords_lock_the_account_on_postgresql(pg_engine):
    from core import db

    with db.session_scope(pg_engine) as session:
        username = make_user(session, password="right-password").username
    policy = auth.LoginPolicy(rounds=4)
    results = _parallel(20, lambda n: auth.log_in(pg_engine, username, "wrong-password", policy=policy))
    assert sum(r.error_key == "auth.locked" for r in results) >= 1
    late = auth.log_in(pg_engine, username, "right-password", policy=policy)
    assert late.user is None and late.error_key == "auth.locked"


def test_parallel_service_attempts_are_all_counted_on_postgresql(pg_engine):
    from core import db

    with db.session_scope(pg_engine) as session:
        username = make_user(session, password="right-password").username

    def attempt(n: int):
        with db.session_scope(pg_engine) as session:
            return auth.authenticate(session, username, "wrong-password", max_attempts=1000, rounds=4)

    _parallel(30, attempt)
    with db.session_scope(pg_engine, write=False) as session:
        assert auth.find_user(session, username).failed_logins == 30


def test_the_password_is_checked_outside_any_transaction(pg_engine, monkeypatch):
    """bcrypt holds no pooled connection, so a flood of failed logins cannot stall writers."""
    from core import db

    with db.session_scope(pg_engine) as session:
        username = make_user(session, password="right-password").username
    held = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password",
                        lambda pw, h: held.append(pg_engine.pool.checkedout()) or real(pw, h))
    auth.log_in(pg_engine, username, "wrong-password", policy=auth.LoginPolicy(rounds=4))
    auth.log_in(pg_engine, "nobody", "wrong-password", policy=auth.LoginPolicy(rounds=4))
    assert held == [0, 0]

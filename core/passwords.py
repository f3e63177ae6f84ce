"""Password rules, bcrypt hashing and checking.

Staff and administrators (who can change everyone's data) need longer passwords than liaisons
and council members; a short list of the passwords tried first by anyone guessing is refused
for everyone. Checking a login against an unknown username runs bcrypt on a dummy hash of the
same cost, so an unknown name takes as long as a wrong password and gets the same answer.
"""
from __future__ import annotations

from functools import lru_cache

import bcrypt

from core.models import Role

BCRYPT_MAX_BYTES = 72
MIN_PASSWORD_LENGTH = 8
MIN_STAFF_PASSWORD_LENGTH = 10
STRICT_ROLES = (Role.SECRETARIAT, Role.ADMIN)
# The passwords tried first (international lists and the pinyin/number patterns common here).
BLOCKLIST = frozenset({
    "password", "password1", "password123", "passw0rd", "12345678", "123456789", "1234567890",
    "87654321", "11111111", "00000000", "88888888", "66666666", "qwertyuiop", "qwerty123",
    "1q2w3e4r", "1qaz2wsx", "abc12345", "abcd1234", "a1234567", "a12345678", "a123456789",
    "iloveyou", "woaini1314", "woaini520", "admin123", "admin1234", "administrator", "root1234",
    "welcome1", "letmein1", "changeme", "demo1234", "zhangsan", "p@ssw0rd", "qq123456",
    "aa123456", "asdfghjkl", "zxcvbnm123", "1234qwer", "5201314520",
})


def min_length(role: str | None) -> int:
    return MIN_STAFF_PASSWORD_LENGTH if role in STRICT_ROLES else MIN_PASSWORD_LENGTH


def problems(username: str, password: str, *, role: str | None = None) -> list[str]:
    """i18n keys of every rule the password breaks (empty when it is acceptable)."""
    found = []
    if len(password) < min_length(role):
        found.append("password.too_short")
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        found.append("password.too_long")
    if password.strip().lower() == username.strip().lower():
        found.append("password.same_as_username")
    if password.strip().lower() in BLOCKLIST:
        found.append("password.too_common")
    return found


def hash_password(password: str, *, rounds: int = 12) -> str:
    from core.errors import ValidationFailed

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


@lru_cache(maxsize=4)
def dummy_hash(rounds: int) -> str:
    """A hash of nothing anyone can type, checked when the username is unknown (same cost)."""
    return bcrypt.hashpw(b"\x00no-such-user", bcrypt.gensalt(rounds)).decode("ascii")


def hash_cost(password_hash: str | None, default: int = 12) -> int:
    """The bcrypt cost a stored hash was made with ($2b$12$...), for the dummy check."""
    try:
        return int((password_hash or "").split("$")[2])
    except (IndexError, ValueError):
        return default

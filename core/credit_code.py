"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative division (6),
organisation code (9, itself with a GB 11714 check character), and a check character over the
first 17, from a 31-character alphabet without I, O, S, V, Z.
"""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # GB 11714 body characters


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_character(first8: str) -> str:
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS))
    rest = 11 - total % 11
    return {10: "X", 11: "0"}.get(rest, str(rest))


def normalise(code: str) -> str:
    """Upper case, no spaces; full-width letters and digits folded to ASCII."""
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in (code or "")
    )
    return "".join(folded.split()).upper()


def problem(code: str) -> str | None:
    """None for a valid code, else the i18n key saying what is wrong with it."""
    code = normalise(code)
    if len(code) != 18:
        return "credit_code.length"
    if any(ch not in _VALUE for ch in code):
        return "credit_code.characters"
    if not code[2:8].isdigit():
        return "credit_code.division"
    if code[17] != check_character(code[:17]):
        return "credit_code.checksum"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def make(prefix2: str, division: str, org_body8: str) -> str:
    """Build a valid code (used by the demo generator and tests)."""
    org = org_body8 + org_check_character(org_body8)
    first17 = prefix2 + division + org
    return first17 + check_character(first17)

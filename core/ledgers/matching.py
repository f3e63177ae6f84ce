"""Unit names as people write them, matched to the member registry.

Credit code first, then the exact name or short name (spaces, brackets and full-width forms
folded); a name that only nearly matches is never applied silently: the caller gets the
registry's closest name as a suggestion, and a person decides (accepted suggestions come back
as `accepted`: written name -> member id, or None for "an outside organisation").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from core.models import MemberUnit

NEAR_SCORE = 80  # rapidfuzz ratio (0-100) from which a written name is a near match


FOLDED_OUT = re.compile(r"[\s()（）\[\]【】·.,，、\"'“”]")  # compiled once: an import folds every row's title


def folded(name: str) -> str:
    return FOLDED_OUT.sub("", unicodedata.normalize("NFKC", name or "").lower())


def folded_many(names: list[str]) -> list[str]:
    """folded(name) of each name, as one pass over them all (an import folds every row's title)."""
    joined = "\0".join(names)
    if joined.count("\0") != len(names) - 1:  # a name holding NUL (refused later): one by one
        return [folded(name) for name in names]
    return FOLDED_OUT.sub("", unicodedata.normalize("NFKC", joined).lower()).split("\0") if names else []


@dataclass
class Match:
    member_id: int | None = None  # the unit found
    suggestion: str = ""  # a near registry name, when nothing matched exactly


@dataclass
class UnitMatcher:
    by_code: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    choices: dict[str, int] = field(default_factory=dict)  # folded full names, for near matches
    accepted: dict[str, int | None] = field(default_factory=dict)
    cache: dict[tuple[str, str], Match] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)  # member id -> credit code, built on first need

    @classmethod
    def load(cls, session: Session, accepted: dict[str, int | None] | None = None) -> UnitMatcher:
        matcher = cls(accepted={folded(k): v for k, v in (accepted or {}).items()})
        for unit_id, code, name, short in session.exec(select(MemberUnit.id, MemberUnit.credit_code,
                                                              MemberUnit.name, MemberUnit.short_name)).all():
            matcher.by_code[code.upper()] = unit_id
            matcher.names[unit_id] = name
            matcher.by_name.setdefault(folded(name), unit_id)
            if short:
                matcher.by_name.setdefault(folded(short), unit_id)
            matcher.choices[folded(name)] = unit_id
        return matcher

    def find(self, name: str, code: str = "") -> Match:
        key = (name or "", (code or "").strip().upper())
        if key not in self.cache:
            self.cache[key] = self._find(*key)
        return self.cache[key]

    def code_of(self, member_id: int) -> str:
        """The unit's credit code as the registry holds it."""
        if not self.codes and self.by_code:
            for code, unit_id in self.by_code.items():
                self.codes.setdefault(unit_id, code)
        return self.codes.get(member_id, "")

    def is_accepted(self, name: str) -> bool:
        return folded(name) in self.accepted

    def _find(self, name: str, code: str) -> Match:
        if code and code in self.by_code:
            return Match(self.by_code[code])
        wanted = folded(name)
        if not wanted:
            return Match()
        if wanted in self.accepted:
            return Match(self.accepted[wanted])
        if wanted in self.by_name:
            return Match(self.by_name[wanted])
        best = process.extractOne(wanted, list(self.choices), scorer=fuzz.ratio, score_cutoff=NEAR_SCORE)
        if best is None:  # a short form inside a registry name: 劳动职院 ~ 山东劳动职业技术学院
            best = process.extractOne(wanted, list(self.choices), scorer=fuzz.partial_ratio,
                                      score_cutoff=90) if len(wanted) >= 4 else None
        if best is not None:
            return Match(None, self.names[self.choices[best[0]]])
        return Match()

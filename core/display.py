"""How a value reads on screen: one rule for what is missing and for names kept in two languages.

What is missing (None, NaN, NaT, an empty string) reads "—", never Python's or pandas' word for
it; tables get the same through Streamlit's placeholder (core/ui/tables.py). A name kept in
Chinese and English (plan items, council terms, indicators) shows in the reader's language, or
in the other one marked with its language when the reader's is empty, so an English reader
sees at once that 第二届理事会 (zh) has no English name yet rather than a missing translation.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from core.numbers import DASH as EMPTY  # one dash for "nothing" in text, numbers and tables

OTHER = {"zh": "en", "en": "zh"}


def is_missing(value: Any) -> bool:
    """None, NaN, pandas' NA and NaT, and text with nothing in it."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    try:  # pandas' NA and NaT, numpy's nan, without importing pandas here
        return bool(value != value)  # noqa: PLR0124 - NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def text(value: Any, empty: str = EMPTY) -> str:
    """`value` as text, with "—" for what is missing; dates as 2021-03-31 (no time of day)."""
    if is_missing(value):
        return empty
    if isinstance(value, datetime) and not value.hour and not value.minute and not value.second:
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def bilingual(zh: str | None, en: str | None, lang: str) -> str:
    """A name kept in two languages, in `lang`; the other language, marked, when `lang`'s is
    empty ("第二届理事会 (zh)"); "—" when both are."""
    names = {"zh": (zh or "").strip(), "en": (en or "").strip()}
    lang = lang if lang in names else "zh"
    if names[lang]:
        return names[lang]
    other = OTHER[lang]
    return f"{names[other]} ({other})" if names[other] else EMPTY


def bilingual_row(row: Any, field: str, lang: str) -> str:
    """bilingual() for a row (mapping or object) keeping `field` in Chinese (`field` or
    `field_zh`) and English (`field_en`)."""
    def get(name: str):
        value = row.get(name) if hasattr(row, "get") else getattr(row, name, None)
        return None if is_missing(value) else value

    zh = get(f"{field}_zh")
    if zh is None:
        zh = get(field)
    return bilingual(zh, get(f"{field}_en"), lang)

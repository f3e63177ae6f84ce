"""Every UI string goes through `translate` (pages use `core.ui.t`): zh by default, en on request.

Catalogs are flat JSON files in core/locales/; tests/test_i18n.py fails when a key is missing
in either language or a page writes a literal string into the UI.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@cache
def catalog(lang: str) -> dict[str, str]:
    with (LOCALES_DIR / f"{lang}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


class Text(str):
    """A message parameter that is itself an i18n key: translated in the message's language
    (e.g. the kind of workbook named in "this is a members workbook, not ...")."""


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `params`.

    A key missing from the catalog shows itself (tests keep that from shipping).
    """
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    if not params:
        return text
    params = {name: translate(value, lang) if isinstance(value, Text) else value
              for name, value in params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def label(prefix: str, code: str | None, lang: str) -> str:
    """The display name of a stored code, e.g. label("member_type", "school", "zh") -> 学校."""
    if not code:
        return ""
    return translate(f"{prefix}.{code}", lang)

"""The user's language and the texts, dates and messages shown in it."""
from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import UserFacingError
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from core.timeutil import format_china
from core.ui.session import current_user

LANG_KEY = "ui_lang"


def lang() -> str:
    chosen = st.session_state.get(LANG_KEY)
    if chosen in LANGUAGES:
        return chosen
    user = current_user()
    return user.language if user and user.language in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **params: Any) -> str:
    return translate(key, lang(), **params)


def show_error(error: UserFacingError) -> None:
    messages = [t(error.key, **error.params)] + [t(key, **params) for key, params in error.more]
    st.error("  \n".join(messages), icon=":material/error:")


def when(value) -> str:
    return format_china(value)


def role_label(role: str) -> str:
    return t(f"role.{role}")

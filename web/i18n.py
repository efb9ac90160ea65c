"""The chosen UI language and the text for a message key in it."""

from __future__ import annotations

import streamlit as st

from core.errors import InputError
from core.messages import DEFAULT_LANGUAGE, LANGUAGES, message

LANGUAGE_KEY = "ui_language"
PICKER_KEY = "ui_language_picker"
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
LANGUAGE_LABEL = " / ".join(message("app.language", code) for code in LANGUAGES)


def lang() -> str:
    value = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **params: object) -> str:
    return message(key, lang(), **params)


def error_text(error: InputError) -> str:
    return error.message(lang())


def _remember_language() -> None:
    st.session_state[LANGUAGE_KEY] = st.session_state[PICKER_KEY]


def language_picker() -> None:
    # The choice lives in a plain key, not the widget's: widget state is dropped on any run
    # that does not draw the widget, and the language must survive every page change.
    st.sidebar.radio(
        LANGUAGE_LABEL,
        LANGUAGES,
        index=LANGUAGES.index(lang()),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=PICKER_KEY,
        on_change=_remember_language,
        horizontal=True,
    )

"""The chosen UI language and the text for a message key in it."""

from __future__ import annotations

import re

import streamlit as st

from core.errors import InputError, StoreUnavailable
from web.text import DEFAULT_LANGUAGE, LANGUAGES, message

LANGUAGE_KEY = "ui_language"
PICKER_KEY = "ui_language_picker"
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
LANGUAGE_LABEL = " / ".join(message("app.language", code) for code in LANGUAGES)
# Streamlit renders labels, captions and alerts as Markdown: a backslash before each ASCII
# punctuation mark shows it as itself, so user text never turns into links, emphasis or markup.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


# The language rides in the URL too (`?lang=en`), so a reload or a bookmark keeps it.
LANGUAGE_PARAM = "lang"


def lang() -> str:
    if LANGUAGE_KEY not in st.session_state:
        from_url = st.query_params.get(LANGUAGE_PARAM)
        if from_url in LANGUAGES:
            st.session_state[LANGUAGE_KEY] = from_url
    value = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def plain(text: object) -> str:
    """`text` escaped for Markdown, so a user's `**`, `[link](…)` or `<script>` shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def _plain_params(params: dict[str, object]) -> dict[str, object]:
    return {name: plain(v) if isinstance(v, str) else v for name, v in params.items()}


def t(key: str, **params: object) -> str:
    """The message in the session's language, for a Markdown element; string values escaped."""
    return message(key, lang(), **_plain_params(params))


def error_text(error: InputError | StoreUnavailable) -> str:
    return message(error.key, lang(), **_plain_params(error.params))


def _remember_language() -> None:
    st.session_state[LANGUAGE_KEY] = st.session_state[PICKER_KEY]


def language_picker() -> None:
    # The choice lives in a plain key, not the widget's: widget state is dropped on any run
    # that does not draw the widget, and the language must survive every page change.
    if lang() == DEFAULT_LANGUAGE:
        st.query_params.pop(LANGUAGE_PARAM, None)
    else:
        st.query_params[LANGUAGE_PARAM] = lang()
    st.sidebar.radio(
        LANGUAGE_LABEL,
        LANGUAGES,
        index=LANGUAGES.index(lang()),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=PICKER_KEY,
        on_change=_remember_language,
        horizontal=True,
    )

"""Classify's "why this label": a toggle, a label picker, the text shaded word by word, a table.

The user's text is escaped before it becomes HTML: a word like `<b>` shows as typed.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from core.inference.explain import Explanation
from core.inference.result import ClassificationResult
from web import resources
from web.ui import state
from web.ui.components import explained_refusals
from web.ui.i18n import plain, t

TOGGLE_KEY = "explain_toggle"
LABEL_KEY = "explain_label"
# Towards the label: green; against it: red. Alpha grows with the effect, up to this much.
TOWARDS_RGB = "22, 163, 74"
AGAINST_RGB = "220, 38, 38"
MAX_ALPHA = 0.75
# Effects smaller than this share of the largest one are left unshaded: noise, not evidence.
MIN_SHADED_SHARE = 0.05


def _keep_toggle() -> None:
    state.set_explain_on(st.session_state[TOGGLE_KEY])


def explain_toggle() -> bool:
    st.session_state[TOGGLE_KEY] = state.explain_on()
    st.toggle(
        t("explain.toggle"), key=TOGGLE_KEY, on_change=_keep_toggle, help=t("explain.toggle_help")
    )
    return state.explain_on()


def shaded_html(explanation: Explanation) -> str:
    """The explained words as HTML spans, escaped, shaded by effect, the number in a tooltip."""
    largest = max((abs(w.effect) for w in explanation.words), default=0.0) or 1.0
    spans = []
    for word in explanation.words:
        share = abs(word.effect) / largest
        rgb = TOWARDS_RGB if word.effect > 0 else AGAINST_RGB
        alpha = MAX_ALPHA * share if share >= MIN_SHADED_SHARE else 0.0
        title = html.escape(f"{word.effect:+.4f}", quote=True)
        spans.append(
            f'<span class="explain-word" title="{title}" data-effect="{word.effect:.6f}" '
            f'style="background: rgba({rgb}, {alpha:.2f}); border-radius: 3px; padding: 1px 0">'
            f"{html.escape(word.word)}</span>"
        )
    rest = explanation.result.text[explanation.words[-1].end :] if explanation.words else ""
    body = "".join(spans) + html.escape(rest)
    return f'<div class="explain-text" style="line-height: 2; white-space: pre-wrap">{body}</div>'


def _legend() -> str:
    return (
        f'<span style="background: rgba({TOWARDS_RGB}, {MAX_ALPHA})">&nbsp;&nbsp;&nbsp;</span> '
        f"{html.escape(t('explain.towards'))} &nbsp; "
        f'<span style="background: rgba({AGAINST_RGB}, {MAX_ALPHA})">&nbsp;&nbsp;&nbsp;</span> '
        f"{html.escape(t('explain.against'))}"
    )


def explanation_view(result: ClassificationResult) -> None:
    """Explain `result` for the picked label (the top one at first) and show it."""
    label = st.selectbox(
        t("explain.label"),
        list(result.labels),
        key=LABEL_KEY,
    )
    with explained_refusals(), st.spinner(t("explain.working")):
        explanation = resources.explain(result, label)
        st.markdown(t("explain.title", label=plain(explanation.label)))
        st.markdown(shaded_html(explanation), unsafe_allow_html=True)
        st.markdown(_legend(), unsafe_allow_html=True)
        if explanation.capped:
            st.info(
                t("explain.capped", shown=len(explanation.words), total=explanation.total_words)
            )
        table = pd.DataFrame(
            {
                t("explain.word"): [w.word for w in explanation.words],
                t("explain.effect"): [w.effect for w in explanation.words],
            }
        )
        st.dataframe(
            table.style.format({t("explain.effect"): "{:+.4f}"}),
            hide_index=True,
            key="explain_table",
        )

"""The Classify form: text, label checkboxes, custom labels, mode and template.

The widgets are seeded from the session's plain keys (web.ui.state) before each draw and copied
back when the form is submitted, so a value survives pages where the form is not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.labels.written import shown_label
from web.ui import state
from web.ui.i18n import plain, set_title, t

TEXT_KEY = "classify_text"
TEMPLATE_KEY = "classify_template"
MULTI_KEY = "classify_multi"
CUSTOM_KEY = "classify_custom"
SUBMIT_KEY = "classify_submit"
WORDINGS_KEY = "classify_wordings"
CALIBRATION_KEY = "classify_calibration"
# Calibrations for one text: batch calibration needs many (it is on the Experiments page).
CALIBRATION_CHOICES = ("none", "content_free")
CALIBRATION_KEYS = {
    "none": "exp.cal_none",
    "content_free": "exp.cal_content_free",
    "batch": "exp.cal_batch",
}


def checkbox_key(index: int, label: str) -> str:
    return f"classify_label_{index}_{label}"


@dataclass(frozen=True)
class ClassifyInputs:
    text: str
    labels: list[str]
    template: str
    multi_label: bool
    wordings: str = ""  # `旅行=旅行|観光|旅` lines; empty: each label its own wording
    calibration: str = "none"

    @property
    def has_options(self) -> bool:
        return bool(self.wordings.strip()) or self.calibration != "none"


def _calibration_by_name() -> dict[str, str]:
    return {t(CALIBRATION_KEYS[value]): value for value in CALIBRATION_CHOICES}


def current_inputs() -> ClassifyInputs:
    """What Classify would send now, from the session's plain keys."""
    return ClassifyInputs(
        state.text(),
        state.chosen_labels(),
        state.template(),
        state.multi_label(),
        state.wordings(),
        state.calibration(),
    )


def _keep_submitted() -> None:
    """Submit callback: the widgets' values become the session's inputs."""
    state.start_classifying()
    session = st.session_state
    state.set_text(session[TEXT_KEY])
    state.set_template(session[TEMPLATE_KEY])
    state.set_multi_label(session[MULTI_KEY])
    state.set_custom_labels(session[CUSTOM_KEY])
    state.set_wordings(session[WORDINGS_KEY])
    state.set_calibration(_calibration_by_name().get(session[CALIBRATION_KEY], "none"))
    labels = state.current_labels()
    state.set_unchecked(
        {label for i, label in enumerate(labels) if not session.get(checkbox_key(i, label), True)}
    )


def _seed(labels: list[str]) -> None:
    session = st.session_state
    session[TEXT_KEY] = state.text()
    session[TEMPLATE_KEY] = state.template()
    session[MULTI_KEY] = state.multi_label()
    session[CUSTOM_KEY] = state.custom_labels()
    session[WORDINGS_KEY] = state.wordings()
    # Shown by name, in the session's language: a language switch redraws it in the new one.
    names = {value: name for name, value in _calibration_by_name().items()}
    session[CALIBRATION_KEY] = names.get(state.calibration(), names["none"])
    for i, label in enumerate(labels):
        session[checkbox_key(i, label)] = state.label_checked(label)


def classify_form() -> ClassifyInputs | None:
    """Draw the form; the inputs to classify when it was just submitted, else None. While
    that run classifies, its button is drawn disabled (a second click would only queue)."""
    labels = state.current_labels()
    _seed(labels)
    with st.form("classify_form"):
        st.text_area(t("classify.text"), key=TEXT_KEY, placeholder=t("classify.text_placeholder"))
        st.caption(f"{t('classify.labels')} — {plain(set_title(state.current_set_name()))}")
        for i, label in enumerate(labels):
            st.checkbox(plain(shown_label(label)), key=checkbox_key(i, label))
        st.text_input(
            t("classify.custom_label"), key=CUSTOM_KEY, help=t("classify.custom_label_help")
        )
        st.toggle(t("classify.multi_label"), key=MULTI_KEY)
        st.text_input(t("classify.template"), key=TEMPLATE_KEY, help=t("classify.template_help"))
        with st.expander(t("classify.options"), expanded=bool(state.wordings().strip())):
            st.text_area(
                t("classify.wordings"),
                key=WORDINGS_KEY,
                placeholder="旅行=旅行|観光|旅",
                help=t("classify.wordings_help"),
                height=80,
            )
            st.selectbox(t("exp.calibrations"), list(_calibration_by_name()), key=CALIBRATION_KEY)
        st.form_submit_button(
            t("classify.submit"),
            type="primary",
            key=SUBMIT_KEY,
            on_click=_keep_submitted,
            disabled=state.classifying(),
        )
    if not state.classifying():
        return None
    return current_inputs()

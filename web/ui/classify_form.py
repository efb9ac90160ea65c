"""The Classify form: text, label checkboxes, custom labels, mode and template.

The widgets are seeded from the session's plain keys (web.ui.state) before each draw and copied
back when the form is submitted, so a value survives pages where the form is not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.labels.written import names_and_wordings, shown_label
from web.ui import state
from web.ui.i18n import plain, set_title, t

TEXT_KEY = "classify_text"
TEMPLATE_KEY = "classify_template"
MULTI_KEY = "classify_multi"
CUSTOM_KEY = "classify_custom"
SUBMIT_KEY = "classify_submit"
# The button as drawn while a submitted request runs: off, under its own key (one run draws it
# and then, in the same place, the live button once the result is in).
BUSY_SUBMIT_KEY = "classify_submit_busy"
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
    def typed_wordings(self) -> dict[str, list[str]]:
        """The wording lines as {label: its wordings}: they win over wordings written in the
        labels (web.resources.classify). A malformed line is an InputError."""
        lines = [line for line in self.wordings.splitlines() if line.strip()]
        return names_and_wordings(lines)[1]


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
    state.seed_widget(TEXT_KEY, state.text())
    state.seed_widget(TEMPLATE_KEY, state.template())
    state.seed_widget(MULTI_KEY, state.multi_label())
    state.seed_widget(CUSTOM_KEY, state.custom_labels())
    state.seed_widget(WORDINGS_KEY, state.wordings())
    # Shown by name, in the session's language: a language switch redraws it in the new one.
    names = {value: name for name, value in _calibration_by_name().items()}
    state.seed_widget(CALIBRATION_KEY, names.get(state.calibration(), names["none"]))
    for i, label in enumerate(labels):
        state.seed_widget(checkbox_key(i, label), state.label_checked(label))


def _submit_button(slot, busy: bool) -> None:
    slot.form_submit_button(
        t("classify.submit"),
        type="primary",
        key=BUSY_SUBMIT_KEY if busy else SUBMIT_KEY,
        on_click=None if busy else _keep_submitted,
        disabled=busy,
    )


@dataclass
class ClassifyForm:
    """The form as drawn in this run: `inputs` to classify when it was just submitted."""

    inputs: ClassifyInputs | None
    _submit_slot: object

    def done(self) -> None:
        """The request is answered (or failed): the button comes back in the same run, so a
        result costs one script run, not a second one to redraw the form."""
        if state.classifying():
            state.done_classifying()
            _submit_button(self._submit_slot, busy=False)


def classify_form() -> ClassifyForm:
    """Draw the form. When it was just submitted, its button is drawn disabled while the run
    classifies (a second click would only queue) until `done()` puts it back."""
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
        with st.expander(
            t("classify.options"),
            expanded=bool(state.wordings().strip()),
            key="classify_options_box",
        ):
            st.text_area(
                t("classify.wordings"),
                key=WORDINGS_KEY,
                placeholder="旅行=旅行|観光|旅",
                help=t("classify.wordings_help"),
                height=80,
            )
            st.selectbox(t("exp.calibrations"), list(_calibration_by_name()), key=CALIBRATION_KEY)
        submit_slot = st.empty()
        _submit_button(submit_slot, busy=state.classifying())
    return ClassifyForm(current_inputs() if state.classifying() else None, submit_slot)

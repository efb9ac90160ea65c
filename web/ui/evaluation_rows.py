"""Evaluate's typed rows: a text box per text and per answer, in a form applied by a button.

Plain text boxes keep what is typed, Japanese input included (the data grid lost an IME's first
characters in a cell that was selected but not opened, and showed "None" in empty cells), and
nothing is evaluated while typing: the rows change when the form is applied, once.
"""

from __future__ import annotations

import streamlit as st

from core.errors import InputError
from web.ui import state
from web.ui.i18n import error_text, t
from web.ui.undo import offer_undo

TEXT_KEY = "eval_row_text_{}"
EXPECTED_KEY = "eval_row_expected_{}"
APPLY_KEY = "eval_rows_apply"
ADD_KEY = "eval_rows_add"
EMPTY_ROW = {"text": "", "expected": ""}


def _typed(count: int) -> list[dict[str, str]]:
    session = st.session_state
    return [
        {
            "text": session.get(TEXT_KEY.format(i), ""),
            "expected": session.get(EXPECTED_KEY.format(i), ""),
        }
        for i in range(count)
    ]


def _seed(rows: list[dict[str, str]], again: bool = False) -> None:
    """The boxes start from the rows; boxes already on screen keep what they hold."""
    session = st.session_state
    for i, row in enumerate(rows):
        for key, field in ((TEXT_KEY.format(i), "text"), (EXPECTED_KEY.format(i), "expected")):
            if again or key not in session:
                session[key] = row[field]


def reset() -> None:
    """The rows were replaced from elsewhere (a workspace opened): the boxes start anew."""
    for key in [k for k in st.session_state if k.startswith(("eval_row_text_", "eval_row_exp"))]:
        del st.session_state[key]


def _apply(count: int) -> None:
    state.set_evaluation_rows(_typed(count))


def _add(count: int) -> None:
    typed = _typed(count)
    try:
        state.check_room_for_evaluation_row()
    except InputError as error:
        state.set_evaluation_rows(typed)  # what was typed is kept; the row is not added
        state.flash(error_text(error))
        return
    state.set_evaluation_rows([*typed, dict(EMPTY_ROW)])


def _restore(rows: list[dict[str, str]]) -> None:
    state.set_evaluation_rows(rows)
    _seed(rows, again=True)


def _remove(count: int, index: int) -> None:
    before = _typed(count)
    rows = [row for i, row in enumerate(before) if i != index]
    state.set_evaluation_rows(rows)
    _seed(rows, again=True)
    removed = before[index]["text"] or before[index]["expected"]
    offer_undo("evaluate", t("undo.removed", item=removed), _restore, before)


def rows_editor() -> list[dict[str, str]]:
    """Draw the rows form; the applied rows (what is evaluated)."""
    rows = state.evaluation_rows()
    _seed(rows)
    count = len(rows)
    state.show_flash()  # a row refused past the limit
    # Enter would press the form's first button, a row's ✕: rows are applied by the button only.
    with st.form("eval_rows_form", enter_to_submit=False):
        for i in range(count):
            with st.container(horizontal=True, vertical_alignment="bottom", wrap=False):
                shown = "visible" if i == 0 else "collapsed"
                st.text_input(t("eval.text"), key=TEXT_KEY.format(i), label_visibility=shown)
                st.text_input(
                    t("eval.expected"),
                    key=EXPECTED_KEY.format(i),
                    label_visibility=shown,
                    width=120,
                )
                st.form_submit_button(
                    "✕",
                    key=f"eval_row_remove_{i}",
                    help=t("eval.remove_row"),
                    on_click=_remove,
                    args=(count, i),
                )
        st.caption(t("eval.rows_hint"))
        with st.container(horizontal=True):
            st.form_submit_button(
                t("eval.apply"), type="primary", key=APPLY_KEY, on_click=_apply, args=(count,)
            )
            st.form_submit_button(t("eval.add_row"), key=ADD_KEY, on_click=_add, args=(count,))
    return state.evaluation_rows()

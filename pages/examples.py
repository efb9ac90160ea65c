"""Examples: the seed's sentences and yours, classified all at once into a score matrix."""

import pandas as pd
import streamlit as st

from core.errors import InputError
from core.exploration.score_matrix import score_matrix
from web.ui import state
from web.ui.components import (
    classify_all,
    explained_refusals,
    model_status_banner,
    multi_label_toggle,
    require_model,
    run_caption,
    score_table,
)
from web.ui.i18n import error_text, plain, t
from web.ui.navigation import CLASSIFY_PAGE

TOP_MARK = "★ "


def _add() -> None:
    text = st.session_state["examples_new"].strip()
    if not text:
        state.flash(t("error.empty_example"))
        return
    if text not in state.examples():
        try:
            state.check_room_for_example()
        except InputError as error:
            state.flash(error_text(error))
            return
        state.set_examples([*state.examples(), text])
    st.session_state["examples_new"] = ""


def _remove(index: int) -> None:
    state.set_examples([e for i, e in enumerate(state.examples()) if i != index])


def _run_all(items: list[str], labels: list[str], multi_label: bool) -> None:
    results = classify_all(items, labels, multi_label, "examples.progress")
    state.set_example_run(state.ExampleRun(tuple(labels), tuple(r for r in results if r)))


def _matrix_frame(run: state.ExampleRun) -> pd.DataFrame:
    rows = score_matrix(run.results, run.labels)
    frame = pd.DataFrame([row.scores for row in rows], columns=list(run.labels))
    frame.insert(0, t("examples.example"), [row.text for row in rows])
    frame[t("examples.top")] = [TOP_MARK + row.top_label for row in rows]
    return frame


st.title(t("examples.header"))
model_status_banner()
state.show_flash()

items = state.examples()
if not items:
    st.info(t("examples.empty"))
for i, text in enumerate(items):
    text_col, send_col, remove_col = st.columns([7, 2, 1], vertical_alignment="center")
    text_col.markdown(plain(text))
    if send_col.button(t("examples.send"), key=f"examples_send_{i}"):
        state.send_to_classify(text)
        st.switch_page(CLASSIFY_PAGE)
    remove_col.button(
        "✕", key=f"examples_remove_{i}", help=t("examples.remove"), on_click=_remove, args=(i,)
    )

add_col, add_button_col = st.columns([7, 3], vertical_alignment="bottom")
add_col.text_input(t("examples.add"), key="examples_new")
add_button_col.button(t("examples.add_button"), key="examples_add", on_click=_add)

labels = state.current_labels()
multi_label = multi_label_toggle("examples_multi")
run_caption(labels)
if st.button(t("examples.run_all"), key="examples_run_all", type="primary", disabled=not items):
    with explained_refusals():
        require_model()
        _run_all(items, labels, multi_label)

run = state.example_run()
if run is not None:
    st.subheader(t("examples.matrix"))
    frame = _matrix_frame(run)
    st.dataframe(score_table(frame, list(run.labels)), hide_index=True)

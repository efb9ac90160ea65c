"""Examples: the seed's sentences and yours, classified all at once into a score matrix."""

import pandas as pd
import streamlit as st

from core.errors import InputError
from core.exploration.score_matrix import score_matrix
from core.labels.written import label_names
from web.ui import state
from web.ui.components import (
    add_box,
    classify_with_progress,
    explained_refusals,
    model_status_banner,
    multi_label_toggle,
    require_model,
    run_caption,
    score_table,
)
from web.ui.i18n import error_text, plain, t
from web.ui.navigation import CLASSIFY_PAGE
from web.ui.undo import offer_undo, undo_box

TOP_MARK = "★ "


def _add(typed: str) -> None:
    text = typed.strip()
    if not text:
        state.flash(t("error.empty_example"))
    elif text not in state.examples():
        try:
            state.check_room_for_example()
        except InputError as error:
            state.flash(error_text(error))
            return
        state.set_examples([*state.examples(), text])


def _put_back(index: int, text: str) -> None:
    items = state.examples()
    if text not in items:
        state.set_examples([*items[:index], text, *items[index:]])


def _remove(index: int) -> None:
    text = state.examples()[index]
    state.set_examples([e for i, e in enumerate(state.examples()) if i != index])
    offer_undo("examples", t("undo.removed", item=text), _put_back, index, text)


def _run_all(items: list[str], labels: list[str], multi_label: bool) -> None:
    results = classify_with_progress(items, labels, multi_label, "examples.progress")
    names = tuple(label_names(labels))
    made_with = (tuple(items), tuple(labels), state.template(), multi_label)
    state.set_example_run(state.ExampleRun(names, tuple(r for r in results if r), made_with))


def _matrix_frame(run: state.ExampleRun) -> pd.DataFrame:
    rows = score_matrix(run.results, run.labels)
    frame = pd.DataFrame([row.scores for row in rows], columns=list(run.labels))
    # The answer beside the text, then the scores: a phone shows more than the text alone.
    frame.insert(0, t("examples.top"), [TOP_MARK + row.top_label for row in rows])
    frame.insert(0, t("examples.example"), [row.text for row in rows])
    return frame


st.title(t("examples.header"))
model_status_banner()
state.show_flash()

items = state.examples()
if not items:
    st.info(t("examples.empty"))
undo_box("examples")
for i, text in enumerate(items):
    # One line on every width (columns would stack on a phone, ✕ over the next example).
    row = st.container(
        horizontal=True, vertical_alignment="center", gap="small", wrap=False, key=f"example_{i}"
    )
    row.markdown(plain(text), width="stretch")
    if row.button(t("examples.send"), key=f"examples_send_{i}"):
        state.send_to_classify(text)
        st.switch_page(CLASSIFY_PAGE)
    row.button(
        "✕", key=f"examples_remove_{i}", help=t("examples.remove"), on_click=_remove, args=(i,)
    )

add_box(t("examples.add"), "examples_new", t("examples.add_button"), "examples_add", _add)

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
    made_with = (tuple(items), tuple(labels), state.template(), multi_label)
    if run.made_with is not None and run.made_with != made_with:
        # Made from other examples, labels, template or mode than those on screen: say so.
        st.warning(t("examples.stale"))
    frame = _matrix_frame(run)
    st.dataframe(
        score_table(frame, list(run.labels)),
        hide_index=True,
        column_config={t("examples.example"): st.column_config.TextColumn(width="medium")},
    )

"""Compare templates: the same texts under 2 to 4 hypothesis templates, side by side."""

import pandas as pd
import streamlit as st

from core.errors import InputError
from core.exploration.template_compare import (
    clean_templates,
    compare_templates,
    template_problems,
)
from core.labels.written import label_names
from web.resources import get_settings
from web.ui import state
from web.ui.components import (
    classify_with_progress,
    explained_refusals,
    model_status_banner,
    multi_label_toggle,
    require_model,
    score_table,
)
from web.ui.i18n import error_text, joined, plain, t


def _keep_typed() -> None:
    state.set_compare_templates(st.session_state["compare_templates"])
    state.set_compare_text(st.session_state["compare_text"])


st.title(t("compare.header"))
model_status_banner()

# Seeded from the session's plain key on every run, copied back on submit: the lines survive
# other pages (where this widget is not drawn) and are kept in the workspace.
state.seed_widget("compare_templates", state.compare_templates())
state.seed_widget("compare_text", state.compare_text())
labels = state.current_labels()
st.caption(f"{t('classify.labels')}: {plain(joined(labels))}")
multi_label = multi_label_toggle("compare_multi")
# Outside the form: choosing "all examples" greys the text box out at once.
scope = st.radio(
    t("compare.scope"),
    ["text", "examples"],
    format_func=lambda s: t(f"compare.scope_{s}"),
    horizontal=True,
    key="compare_scope",
)
with st.form("compare_form"):
    raw_templates = st.text_area(t("compare.templates"), key="compare_templates", height=120)
    text = st.text_input(t("compare.text"), key="compare_text", disabled=scope != "text")
    run = st.form_submit_button(
        t("compare.run"),
        type="primary",
        key="compare_run",
        on_click=_keep_typed,
    )

if run:
    lines = raw_templates.splitlines()
    problems = template_problems(lines, get_settings())
    for number, template, error in problems:
        st.error(t("compare.bad_line", line=number, template=template, reason=error_text(error)))
    texts = [text] if scope == "text" else state.examples()
    with explained_refusals():
        if problems:
            st.stop()  # each bad line is named above; nothing runs until they are fixed
        templates = clean_templates(lines)
        require_model()
        if not any(item.strip() for item in texts):
            raise InputError("error.empty_text")
        found = classify_with_progress(texts, labels, multi_label, "compare.progress", templates)
        results = [result for result in found if result is not None]
        state.set_compare_result(compare_templates(results, label_names(labels)))

comparison = state.compare_result()
if comparison is not None:
    if tuple(comparison.labels) != tuple(label_names(labels)):
        st.warning(t("compare.stale"))
    differing = comparison.differing_texts()
    if differing:
        st.warning(t("compare.differs", count=len(differing)))
    else:
        st.success(t("compare.same"))
    shown_labels = list(comparison.labels)
    frame = pd.DataFrame([row.scores for row in comparison.rows], columns=shown_labels)
    frame.insert(0, t("compare.template"), [row.template for row in comparison.rows])
    frame.insert(0, t("compare.text"), [row.text for row in comparison.rows])
    frame[t("examples.top")] = [
        ("⚠ " if row.text in differing else "") + row.top_label for row in comparison.rows
    ]
    st.dataframe(
        score_table(frame, shown_labels),
        hide_index=True,
        key="compare_table",
        # Narrow enough that a phone shows scores beside the text, not the text alone.
        column_config={t("compare.text"): st.column_config.TextColumn(width="medium")},
    )
    for i, template in enumerate(comparison.templates):
        current = template == state.template()
        st.button(
            t("compare.use", template=template) + (" ✓" if current else ""),
            key=f"compare_use_{i}",
            disabled=current,
            on_click=state.set_template,
            args=(template,),
        )

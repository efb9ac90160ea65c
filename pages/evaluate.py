"""Evaluate: how good the current labels and template are on texts whose answer is known."""

import pandas as pd
import streamlit as st

from core.exploration import batch_files as batch
from core.exploration.evaluation import (
    check_example_count,
    evaluate,
    guess_expected_column,
    parse_expected,
    predict,
)
from core.labels.written import label_names
from web import resources
from web.ui import state
from web.ui.components import (
    classify_with_progress,
    confusion_chart,
    explained_refusals,
    model_status_banner,
    multi_label_toggle,
    require_model,
    run_caption,
)
from web.ui.evaluation_rows import rows_editor
from web.ui.i18n import t
from web.ui.undo import undo_box

DEFAULT_THRESHOLD = 0.5
# Rows the model got wrong stand out in the per-text table.
WRONG_ROW_STYLE = "background-color: #fde2e1"


def _cell(value: object) -> str:
    """A typed cell as text: a new row's empty cells come back as None or NaN."""
    return "" if value is None or pd.isna(value) else str(value)


st.title(t("eval.header"))
model_status_banner()
st.caption(t("eval.caption"))
labels = state.current_labels()
# Results, answers and tables are keyed by the names (`旅行` of `旅行=旅行|観光`).
names = label_names(labels)
max_rows = resources.get_settings().limits.max_evaluation_rows

source = st.radio(
    t("eval.source"),
    ["table", "file"],
    format_func=lambda s: t(f"eval.source_{s}"),
    horizontal=True,
    key="eval_source",
)
rows = None
if source == "table":
    undo_box("evaluate")
    rows = [(r["text"], r["expected"]) for r in rows_editor()]
else:
    upload = st.file_uploader(
        t("batch.upload"), type=["csv", "tsv", "txt", "xlsx"], key="eval_file"
    )
    if upload is not None:
        with explained_refusals():
            frame = batch.read_table(upload.name, upload.getvalue())
            columns = list(frame.columns)
            # Guessed from the file; a choice left from another file is guessed again.
            text_guess = batch.guess_text_column(frame, batch.text_columns(frame))
            if st.session_state.get("eval_text_column") not in columns:
                st.session_state["eval_text_column"] = text_guess
            text_col = st.selectbox(t("batch.column"), columns, key="eval_text_column")
            if st.session_state.get("eval_expected_column") not in columns:
                st.session_state["eval_expected_column"] = guess_expected_column(
                    frame, columns, names, text_col
                )
            expected_col = st.selectbox(
                t("eval.expected_column"), columns, key="eval_expected_column"
            )
            rows = list(
                zip(
                    batch.texts_of(frame, text_col),
                    [_cell(value) for value in frame[expected_col]],
                    strict=True,
                )
            )

multi_label = multi_label_toggle("eval_multi")
run_caption(labels)
threshold = st.slider(
    t("eval.threshold"),
    0.0,
    1.0,
    DEFAULT_THRESHOLD,
    0.05,
    key="eval_threshold",
    disabled=not multi_label,
)

if rows is not None:
    typed = [(text, expected) for text, expected in rows if text.strip()]
    kept = [(text, parse_expected(expected)) for text, expected in typed if expected.strip()]
    if len(kept) < len(typed):
        # A row with a text and no expected label cannot be scored: skipped, and said so.
        st.info(t("eval.skipped", count=len(typed) - len(kept)))
    with explained_refusals():
        check_example_count(len(kept), max_rows)
        require_model()
        texts = [text for text, _ in kept]
        found = classify_with_progress(texts, labels, multi_label, "eval.progress")
        results = [result for result in found if result is not None]
        predicted = [predict(r, multi_label, threshold) for r in results]
        report = evaluate([e for _, e in kept], predicted, names, multi_label)
        accuracy_col, f1_col = st.columns(2)
        accuracy_col.metric(t("eval.accuracy"), f"{report.accuracy:.1%}")
        f1_col.metric(t("eval.macro_f1"), f"{report.macro_f1:.3f}")
        per_label = pd.DataFrame(
            {
                t("result.label"): [s.label for s in report.per_label],
                t("eval.precision"): [s.precision for s in report.per_label],
                t("eval.recall"): [s.recall for s in report.per_label],
                t("eval.f1"): [s.f1 for s in report.per_label],
                t("eval.support"): [s.support for s in report.per_label],
            }
        )
        st.dataframe(per_label, hide_index=True, key="eval_per_label")
        st.subheader(t("eval.confusion"))
        confusion_chart(report.confusion, key="eval_confusion")
        details = pd.DataFrame(
            {
                t("eval.text"): [text for text, _ in kept],
                t("eval.expected"): ["|".join(sorted(e)) for _, e in kept],
                t("eval.predicted"): ["|".join(sorted(p)) for p in report.predictions],
                t("eval.correct"): ["✓" if ok else "✗" for ok in report.correct],
                **{label: [r.score_of(label) for r in results] for label in names},
            }
        )
        st.caption(t("eval.details_caption"))
        st.dataframe(
            details.style.apply(
                lambda row: [WRONG_ROW_STYLE if row[t("eval.correct")] == "✗" else ""] * len(row),
                axis=1,
            ).format("{:.3f}", subset=list(names)),
            hide_index=True,
            key="eval_details",
        )

"""Evaluate's result, kept for the session by the digest of what it was made from.

Every rerun of the page (a page switch, a row applied, the language changed) drew the evaluation
again: the texts classified (from the pair cache), the report computed, the confusion chart and
the per-text table built. A rerun whose inputs are unchanged now draws the kept result instead;
any change to the rows, labels (wordings included), template, mode, threshold or model makes a
new one. One result is kept per session: memory stays bounded by the row limit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from core.exploration.evaluation import Evaluation
from core.inference.result import ClassificationResult
from web.ui.components import ConfusionChart, confusion_spec
from web.ui.i18n import lang, t

KEPT_KEY = "eval_view"
# Rows the model got wrong stand out in the per-text table.
WRONG_ROW_STYLE = "background-color: #fde2e1"


@dataclass(frozen=True)
class EvaluationView:
    """What Evaluate draws, built once per result: the report, the per-label table, the
    confusion chart and the per-text table (styled)."""

    report: Evaluation
    per_label: pd.DataFrame
    chart: ConfusionChart
    details: Styler


def evaluation_digest(
    rows: Sequence[tuple[str, frozenset[str]]],
    labels: Sequence[str],
    template: str,
    multi_label: bool,
    threshold: float,
    model_id: str,
) -> str:
    """SHA-256 of everything an evaluation and its drawing depend on (rows as text and sorted
    answers; the UI language, which titles the tables and the chart)."""
    parts = [
        [[text, sorted(expected)] for text, expected in rows],
        list(labels),
        template,
        multi_label,
        threshold,
        model_id,
        lang(),
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _view(
    report: Evaluation,
    results: Sequence[ClassificationResult],
    texts: Sequence[str],
    expected: Sequence[frozenset[str]],
    names: Sequence[str],
) -> EvaluationView:
    per_label = pd.DataFrame(
        {
            t("result.label"): [s.label for s in report.per_label],
            t("eval.precision"): [s.precision for s in report.per_label],
            t("eval.recall"): [s.recall for s in report.per_label],
            t("eval.f1"): [s.f1 for s in report.per_label],
            t("eval.support"): [s.support for s in report.per_label],
        }
    )
    details = pd.DataFrame(
        {
            t("eval.text"): list(texts),
            t("eval.expected"): ["|".join(sorted(e)) for e in expected],
            t("eval.predicted"): ["|".join(sorted(p)) for p in report.predictions],
            t("eval.correct"): ["✓" if ok else "✗" for ok in report.correct],
            **{label: [r.score_of(label) for r in results] for label in names},
        }
    )
    # One array of styles for the whole table: a function per row cost more than the rest.
    shades = pd.DataFrame(
        [[WRONG_ROW_STYLE if not ok else ""] * details.shape[1] for ok in report.correct],
        index=details.index,
        columns=details.columns,
    )
    styled = details.style.apply(lambda _: shades, axis=None).format("{:.3f}", subset=list(names))
    return EvaluationView(report, per_label, confusion_spec(report.confusion), styled)


def kept_evaluation(
    digest: str,
    rows: Sequence[tuple[str, frozenset[str]]],
    names: Sequence[str],
    make: Callable[[], tuple[Evaluation, Sequence[ClassificationResult]]],
    progress_key: str,
) -> EvaluationView:
    """The session's view for `digest`, under the finished progress bar the run that made it
    left (`progress_key`'s text: how many rows it covers); else one of `make()`'s (report, one
    result per row of `rows`; `make` draws its own bar), kept. Whatever `make` raises (bad
    input, a model not ready) keeps nothing."""
    kept = st.session_state.get(KEPT_KEY)
    if kept is not None and kept[0] == digest:
        st.progress(1.0, text=t(progress_key, done=len(rows), total=len(rows)))
        return kept[1]
    report, results = make()
    texts = [text for text, _ in rows]
    view = _view(report, results, texts, [expected for _, expected in rows], names)
    st.session_state[KEPT_KEY] = (digest, view)
    return view

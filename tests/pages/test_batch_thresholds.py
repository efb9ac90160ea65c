"""Batch files with a saved set carrying fitted thresholds: a row no label reaches is 該当なし."""

from __future__ import annotations

import pandas as pd

from core.exploration.thresholds import LabelThreshold, Thresholds
from tests.pages.conftest import as_shown, batch_table, goto, run_batch_job
from tests.pages.test_classify_thresholds import LABELS, _as_saved_set

ROWS = ["明日は晴れるでしょう。", "そうだ京都に行こう!"]


def test_rows_below_the_sets_minimum_top_score_are_none_in_the_results(app):
    per_label = tuple(LabelThreshold(label, 0.999, 0, 0, 0, 1) for label in LABELS)
    _as_saved_set(app, Thresholds(False, per_label=per_label, min_top_score=0.999))
    goto(app, "pages/batch.py")
    csv_bytes = pd.DataFrame({"text": ROWS}).to_csv(index=False).encode()
    app.file_uploader(key="batch_file").set_value(("texts.csv", csv_bytes, "text/csv")).run()
    app.selectbox(key="batch_column").set_value("text")
    table = batch_table(run_batch_job(app))
    assert list(table["最上位ラベル"]) == ["該当なし", "該当なし"]
    assert all(0 < table[label].iloc[0] < 1 for label in LABELS)  # the scores are kept


def test_the_job_says_which_saved_sets_thresholds_decided(app):
    per_label = tuple(LabelThreshold(label, 0.999, 0, 0, 0, 1) for label in LABELS)
    name = _as_saved_set(app, Thresholds(False, per_label=per_label, min_top_score=0.999))
    goto(app, "pages/batch.py")
    csv_bytes = pd.DataFrame({"text": ROWS}).to_csv(index=False).encode()
    app.file_uploader(key="batch_file").set_value(("texts.csv", csv_bytes, "text/csv")).run()
    app.selectbox(key="batch_column").set_value("text")
    run_batch_job(app)
    said = [as_shown(c.value) for c in app.caption]
    assert any(name in text and "該当なし" in text for text in said), said

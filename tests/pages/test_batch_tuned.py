"""Batch files with a saved set that carries a tuned adapter: rows are scored by the set's own
model, as the Classify page and /api/classify by name do."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from core.inference.adapters import AdapterRef
from tests.pages.conftest import batch_table, goto, run_batch_job
from tests.pages.test_classify_tuned import LABELS, _as_tuned_set

ROWS = ["明日は晴れるでしょう。", "", "そうだ京都に行こう!"]


def test_rows_are_scored_by_the_tuned_sets_own_model(app, tiny_model_dir, ready_service):
    _, data = _as_tuned_set(app, tiny_model_dir)
    goto(app, "pages/batch.py")
    csv_bytes = pd.DataFrame({"text": ROWS}).to_csv(index=False).encode()
    app.file_uploader(key="batch_file").set_value(("texts.csv", csv_bytes, "text/csv")).run()
    app.selectbox(key="batch_column").set_value("text")
    table = batch_table(run_batch_job(app))
    adapter = AdapterRef(hashlib.sha256(data).hexdigest(), lambda: data)
    tuned = ready_service.classify(ROWS[2], LABELS, adapter=adapter)
    for label, score in zip(tuned.labels, tuned.scores, strict=True):
        assert table[label].iloc[2] == pytest.approx(score, abs=1e-6)
    assert pd.isna(table[LABELS[0]].iloc[1])  # the empty row stays empty

"""A tuned set saved in the store is served by name by a fresh server process, with the scores
of the model `tune` trained in this process."""

from __future__ import annotations

import httpx
import pytest

from bench.live_server import READY_TIMEOUT_SECONDS, live_server
from bench.model_builder import topic_rows
from core.config import DEFAULT_TEMPLATE
from core.exploration.thresholds import Thresholds
from core.exploration.tuning import score_rows
from core.labels.defaults import DEFAULT_LABELS
from core.labels.measurements import Measurement, MeasurementStore
from core.labels.store import LabelSetStore, SavedSet

LABELS = list(DEFAULT_LABELS)


def test_a_fresh_process_serves_a_learned_set_by_name_with_tunes_scores(
    learned, tmp_path, open_database
):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    adapter = learned.adapter
    database = open_database(url)
    saved = LabelSetStore(database).save(SavedSet("tuned", tuple(LABELS), DEFAULT_TEMPLATE))
    measurements = MeasurementStore(database)
    measurements.put_adapter("tuned", saved.version, adapter.digest, adapter.data, {})
    rows, rows_hash = adapter.metadata["rows"], adapter.metadata["rows_hash"]
    measured = Measurement(
        rows, rows_hash, False, {}, Thresholds(False), adapter_digest=adapter.digest
    )
    measurements.put("tuned", saved.version, measured)
    texts, expected = topic_rows(LABELS, 1, seed=3)  # texts tuning never saw
    here = score_rows(learned.model, texts, LABELS, DEFAULT_TEMPLATE, False)
    env = {"MODEL_ID": str(learned.model_dir), "DATABASE_URL": url}
    with live_server(tmp_path, **env) as server:
        server.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        answers = [
            httpx.post(
                server.url + "/api/classify", json={"text": text, "label_set": "tuned"}, timeout=60
            ).json()
            for text in texts
        ]
    for answer, scores, labels in zip(answers, here, expected, strict=True):
        assert answer["label_set"] == {
            "name": "tuned",
            "version": 1,
            "tuned": True,
            "thresholds": True,
        }
        served = dict(zip(answer["labels"], answer["scores"], strict=True))
        assert served == pytest.approx(scores, abs=1e-5)
        assert {answer["labels"][0]} == labels  # learned: the text's topic first

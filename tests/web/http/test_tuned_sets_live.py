"""A tuned set saved in the store is served by name by a fresh server process: a learned one
with the scores of the model `tune` trained in this process, and the same answer over MCP as
over the API."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from bench.live_server import READY_TIMEOUT_SECONDS, live_server
from bench.model_builder import random_adapter, topic_rows
from core.config import DEFAULT_TEMPLATE
from core.exploration.thresholds import Thresholds
from core.exploration.tuning import score_rows
from core.inference.adapters import AdapterRef
from core.inference.service import ClassifierService
from core.labels.defaults import DEFAULT_LABELS
from core.labels.measurements import Measurement, MeasurementStore
from core.labels.store import LabelSetStore, SavedSet
from tests.conftest import loaded

LABELS = DEFAULT_LABELS
TEXT = "そうだ京都に行こう!"
SERVED_SET = {"name": "tuned", "version": 1, "tuned": True, "thresholds": True}


def _save_tuned(url: str, open_database, data: bytes, digest: str, rows: int, rows_hash: str):
    """A saved set "tuned" (LABELS, the default template) with this adapter and thresholds."""
    database = open_database(url)
    saved = LabelSetStore(database).save(SavedSet("tuned", LABELS, DEFAULT_TEMPLATE))
    measurements = MeasurementStore(database)
    measurements.put_adapter("tuned", saved.version, digest, data, {})
    measured = Measurement(rows, rows_hash, False, {}, Thresholds(False), adapter_digest=digest)
    measurements.put("tuned", saved.version, measured)


@pytest.fixture
def tuned_set(tiny_model_dir, settings, tmp_path, open_database):
    """(database URL, this process's result through the adapter) for a saved set "tuned" with
    a random adapter and thresholds."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    data = random_adapter(tiny_model_dir)
    digest = hashlib.sha256(data).hexdigest()
    _save_tuned(url, open_database, data, digest, 6, "h" * 64)
    with loaded(ClassifierService(settings)) as service:
        here = service.classify(TEXT, LABELS, adapter=AdapterRef(digest, lambda: data))
    return url, here


def test_a_fresh_process_serves_a_learned_set_by_name_with_tunes_scores(
    learned, tmp_path, open_database
):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    adapter = learned.adapter
    rows, rows_hash = adapter.metadata["rows"], adapter.metadata["rows_hash"]
    _save_tuned(url, open_database, adapter.data, adapter.digest, rows, rows_hash)
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
        assert answer["label_set"] == SERVED_SET
        served = dict(zip(answer["labels"], answer["scores"], strict=True))
        assert served == pytest.approx(scores, abs=1e-5)
        assert {answer["labels"][0]} == labels  # learned: the text's topic first


def test_mcp_serves_a_set_by_name_as_the_api_does(tiny_model_dir, tmp_path, tuned_set):
    from mcp import Client

    from tests.conftest import run_apart

    url, here = tuned_set
    env = {"MODEL_ID": str(tiny_model_dir), "DATABASE_URL": url}
    with live_server(tmp_path, **env) as server:
        server.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        body = {"text": TEXT, "label_set": "tuned"}
        api = httpx.post(server.url + "/api/classify", json=body, timeout=60).json()

        async def call():
            async with Client(server.url + "/mcp") as client:
                return await client.call_tool("classify", body)

        mcp = run_apart(call()).structured_content
    assert api["label_set"] == SERVED_SET
    assert mcp["labels"] == api["labels"] == list(here.labels)
    assert mcp["scores"] == pytest.approx(api["scores"], abs=1e-6)
    assert mcp["abstained"] == api["abstained"]
    assert mcp["predicted"] == api["predicted"]
    assert mcp["label_set"] == {"name": "tuned", "version": 1}

"""A tuned set saved in the store is served by name by a fresh server process, with the scores
this process computes through the same adapter."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from bench.live_server import READY_TIMEOUT_SECONDS, live_server
from bench.model_builder import random_adapter
from core.exploration.thresholds import Thresholds
from core.inference.adapters import AdapterRef
from core.inference.service import ClassifierService
from core.labels.measurements import Measurement, MeasurementStore
from core.labels.store import LabelSetStore, SavedSet
from tests.conftest import loaded

LABELS = ("旅行", "料理", "踊り")
TEXT = "そうだ京都に行こう!"


@pytest.fixture
def tuned_set(tiny_model_dir, settings, tmp_path, open_database):
    """(database URL, this process's result through the adapter) for a saved set "tuned" with
    a random adapter and thresholds."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    data = random_adapter(tiny_model_dir)
    digest = hashlib.sha256(data).hexdigest()
    database = open_database(url)
    saved = LabelSetStore(database).save(SavedSet("tuned", LABELS, "この例は{}です。"))
    measurements = MeasurementStore(database)
    measurements.put_adapter("tuned", saved.version, digest, data, {})
    measured = Measurement(6, "h" * 64, False, {}, Thresholds(False), adapter_digest=digest)
    measurements.put("tuned", saved.version, measured)
    with loaded(ClassifierService(settings)) as service:
        here = service.classify(TEXT, LABELS, adapter=AdapterRef(digest, lambda: data))
    return url, here


def test_a_fresh_process_serves_the_tuned_set_by_name(tiny_model_dir, tmp_path, tuned_set):
    url, here = tuned_set
    env = {"MODEL_ID": str(tiny_model_dir), "DATABASE_URL": url}
    with live_server(tmp_path, **env) as server:
        server.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        body = {"text": TEXT, "label_set": "tuned"}
        answer = httpx.post(server.url + "/api/classify", json=body, timeout=60).json()
    assert answer["label_set"] == {"name": "tuned", "version": 1, "tuned": True, "thresholds": True}
    assert answer["labels"] == list(here.labels)
    assert answer["scores"] == pytest.approx(list(here.scores), abs=1e-6)


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
    assert mcp["labels"] == api["labels"] == list(here.labels)
    assert mcp["scores"] == pytest.approx(api["scores"], abs=1e-6)
    assert mcp["abstained"] == api["abstained"]
    assert mcp["predicted"] == api["predicted"]
    assert mcp["label_set"] == {"name": "tuned", "version": 1}

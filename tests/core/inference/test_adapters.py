"""Tuned sets' adapters on the one base model: plain scores untouched, each adapter its own
scores and cache entries, mixed batches equal to separate passes."""

from __future__ import annotations

import hashlib

import pytest

from bench.model_builder import random_adapter
from core.errors import InputError
from core.inference.adapters import AdapterRef, load_adapter
from core.inference.model_loading import load_model
from core.inference.service import ClassifierService
from tests.conftest import loaded

LABELS = ["旅行", "料理", "踊り"]
TEXT = "そうだ京都に行こう!"


def _ref(data: bytes, fetched: list[int] | None = None) -> AdapterRef:
    def fetch() -> bytes:
        if fetched is not None:
            fetched.append(1)
        return data

    return AdapterRef(hashlib.sha256(data).hexdigest(), fetch)


@pytest.fixture(scope="module")
def adapters(tiny_model_dir):
    return random_adapter(tiny_model_dir, seed=1), random_adapter(tiny_model_dir, seed=2)


def test_a_tuned_set_scores_through_its_adapter_and_plain_scores_stay_exact(settings, adapters):
    with loaded(ClassifierService(settings)) as service:
        plain = service.classify(TEXT, LABELS)
        tuned = service.classify(TEXT, LABELS, adapter=_ref(adapters[0]))
        service.pairs.clear()
        plain_again = service.classify(TEXT, LABELS)
    assert tuned.scores != plain.scores
    assert plain_again.scores == plain.scores and plain_again.labels == plain.labels


def test_cache_keys_name_the_adapter(settings, adapters):
    fetched: list[int] = []
    with loaded(ClassifierService(settings)) as service:
        service.classify(TEXT, LABELS)
        first = service.classify(TEXT, LABELS, adapter=_ref(adapters[0], fetched))
        second = service.classify(TEXT, LABELS, adapter=_ref(adapters[0], fetched))
    assert first.computed_pairs == len(LABELS)  # the plain pairs do not answer for it
    assert second.from_cache and second.scores == first.scores
    assert fetched == [1]  # its zip read once


def test_a_batch_mixing_adapters_equals_each_alone(settings, adapters):
    with loaded(ClassifierService(settings)) as service:
        alone = [service.classify(TEXT, LABELS, adapter=_ref(data)).scores for data in adapters] + [
            service.classify(TEXT, LABELS).scores
        ]
    model = load_model(settings.model.model_id)
    from core.inference import scoring
    from core.inference.adapters import ADAPTER_KEY
    from core.inference.request import build_request

    request = build_request(TEXT, LABELS, settings)
    names = [load_adapter(model, hashlib.sha256(d).hexdigest(), d) for d in adapters]
    features = scoring.encode(model, request).features
    mixed = [{**f, ADAPTER_KEY: name} for name in names for f in features] + features
    logits = scoring.forward(model, mixed)
    n = len(LABELS)
    for index, expected in enumerate(alone):
        rows = logits[index * n : (index + 1) * n]
        scores = sorted(scoring.postprocess(model, rows, False), reverse=True)
        assert scores == pytest.approx(list(expected), abs=1e-6)


def test_int8_model_refuses_a_tuned_set(tiny_model_dir, adapters):
    model = load_model(str(tiny_model_dir), quantize="int8")
    with pytest.raises(InputError) as refused:
        load_adapter(model, "d" * 64, adapters[0])
    assert refused.value.key == "tuning.needs_full_precision"


def test_an_adapter_of_another_model_is_refused(tiny_model_dir, adapters):
    model = load_model(str(tiny_model_dir))
    model.model_id = "another/model"
    with pytest.raises(InputError) as refused:
        load_adapter(model, "e" * 64, adapters[0])
    assert refused.value.key == "tuning.other_model"

"""The result cache in the inference layer: repeats cost no model work and report their own time."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.inference import scoring
from core.inference.result import ClassificationResult
from core.inference.result_cache import ResultCache
from core.inference.service import ClassifierService
from tests.core.inference.conftest import loaded

LABELS = ["旅行", "料理"]
# Nine thousand seconds: no real run of the tiny model comes near it.
SLOW_MS = 9e6


@pytest.fixture
def service(settings, forward_passes):
    with loaded(ClassifierService(settings)) as service:
        yield service


def test_repeated_request_costs_no_model_work(service, forward_passes):
    first = service.classify("週末は温泉です。", LABELS)
    passes = len(forward_passes)
    again = service.classify("週末は温泉です。", LABELS)
    assert len(forward_passes) == passes
    assert (again.labels, again.scores) == (first.labels, first.scores)
    assert again.from_cache and not first.from_cache


def test_a_cache_hit_reports_its_own_time_not_the_first_run(service, monkeypatch):
    # The first run reports an absurd time: a hit that copied it would report it too.
    real_classify = scoring.classify
    monkeypatch.setattr(
        scoring, "classify", lambda *a, **k: replace(real_classify(*a, **k), elapsed_ms=SLOW_MS)
    )
    first = service.classify("週末は海です。", LABELS)
    again = service.classify("週末は海です。", LABELS)
    assert first.elapsed_ms == SLOW_MS
    assert again.from_cache
    assert 0 <= again.elapsed_ms < SLOW_MS


def test_a_different_mode_is_not_served_from_the_cache(service, forward_passes):
    service.classify("週末は山です。", LABELS)
    passes = len(forward_passes)
    again = service.classify("週末は山です。", LABELS, multi_label=True)
    assert len(forward_passes) == passes + 1
    assert not again.from_cache


def test_duplicates_dropped_belong_to_each_request(service):
    service.classify("週末は川です。", LABELS)
    again = service.classify("週末は川です。", [*LABELS, "旅行"])
    assert again.from_cache
    assert again.dropped_labels == ("旅行",)


def test_the_cache_forgets_the_least_recently_used_entry():
    cache = ResultCache(max_entries=2)
    result = ClassificationResult("t", ("a",), (1.0,), False, "{}", "m", 1.0)
    cache.put("a", result)
    cache.put("b", result)
    assert cache.get("a") is result  # "a" is now the most recent
    cache.put("c", result)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (result, None, result)
    assert len(cache) == 2

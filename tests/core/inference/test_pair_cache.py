"""The pair cache: a request runs the model only for pairs never seen, and scores stay exact."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.config import BatchingSettings
from core.inference import scoring
from core.inference.pair_cache import PairCache, PairLogits, entry_bytes
from core.inference.request import build_request
from core.inference.service import ClassifierService
from tests.conftest import loaded

LABELS = ["旅行", "料理", "踊り"]
TEXTS = ["そうだ京都に行こう!", "ラーメン二郎が大好きです。", "京都に行こう。" * 300]
# Padding next to longer pairs changes float rounding only.
TOLERANCE = 1e-5


@pytest.fixture
def service(settings, forward_passes):
    with loaded(ClassifierService(settings)) as service:
        yield service


def _alone(tiny_model, settings, text, labels, multi_label=False):
    return scoring.classify(tiny_model, build_request(text, labels, settings, None, multi_label))


@pytest.mark.parametrize("multi_label", [False, True], ids=["single", "multi"])
@pytest.mark.parametrize("text", TEXTS, ids=["short", "medium", "truncated"])
def test_cached_and_uncached_results_equal_scoring_alone(
    service, tiny_model, settings, text, multi_label
):
    expected = _alone(tiny_model, settings, text, LABELS, multi_label)
    first = service.classify(text, LABELS, multi_label=multi_label)
    again = service.classify(text, LABELS, multi_label=multi_label)
    for result in (first, again):
        assert result.labels == expected.labels
        assert result.scores == pytest.approx(expected.scores, abs=TOLERANCE)
        assert result.truncated == expected.truncated
    assert (first.computed_pairs, again.computed_pairs, again.cached_pairs) == (3, 0, 3)
    assert again.from_cache and not first.from_cache


def test_one_label_added_runs_one_pair(service, forward_passes):
    service.classify(TEXTS[0], LABELS)
    before = list(forward_passes)
    result = service.classify(TEXTS[0], [*LABELS, "音楽"])
    assert (result.computed_pairs, result.cached_pairs) == (1, 3)
    assert forward_passes[len(before) :] == [1]


def test_switching_to_multi_label_runs_nothing(service, forward_passes):
    service.classify(TEXTS[1], LABELS)
    passes = len(forward_passes)
    result = service.classify(TEXTS[1], LABELS, multi_label=True)
    assert len(forward_passes) == passes
    assert result.from_cache and result.multi_label


def test_a_cache_hit_reports_its_own_time(service, monkeypatch):
    # The first run reports an absurd time: a hit that copied it would report it too.
    slow_ms = 9e6
    real_rank = scoring.rank
    monkeypatch.setattr(
        scoring, "rank", lambda *a, **k: replace(real_rank(*a, **k), elapsed_ms=slow_ms)
    )
    service.classify(TEXTS[0], LABELS)
    monkeypatch.setattr(scoring, "rank", real_rank)
    again = service.classify(TEXTS[0], LABELS)
    assert again.from_cache
    assert 0 <= again.elapsed_ms < slow_ms


def test_several_texts_go_to_the_model_in_one_pass_and_equal_one_at_a_time(
    forward_passes, tiny_model, settings
):
    # One pass when the token bound allows it (MAX_BATCH_TOKENS cuts larger work into passes).
    wide = settings.model_copy(
        update=dict(batching=settings.batching.model_copy(update=dict(max_batch_tokens=1_000_000)))
    )
    with loaded(ClassifierService(wide)) as service:
        results = service.classify_many(TEXTS, LABELS)
    assert forward_passes == [len(TEXTS) * len(LABELS)]
    for text, result in zip(TEXTS, results, strict=True):
        alone = _alone(tiny_model, settings, text, LABELS)
        assert result.labels == alone.labels
        assert result.scores == pytest.approx(alone.scores, abs=TOLERANCE)


def test_a_grid_runs_each_distinct_pair_once(service, forward_passes):
    templates = ["この例は{}です。", "これは{}の話です。"]
    label_sets = [LABELS, ["旅行", "料理", "音楽"]]
    for template in templates:
        for labels in label_sets:
            service.classify_many(TEXTS[:2], labels, template)
    distinct = len(TEXTS[:2]) * len(templates) * len({*label_sets[0], *label_sets[1]})
    assert sum(forward_passes) == distinct


def test_duplicates_dropped_belong_to_each_request(service):
    service.classify(TEXTS[0], LABELS)
    again = service.classify(TEXTS[0], [*LABELS, "旅行"])
    assert again.from_cache
    assert again.dropped_labels == ("旅行",)


def test_the_cache_stays_within_its_bound_and_forgets_the_oldest():
    row = PairLogits((0.1, 0.2, 0.3), False)
    keys = [("m", "", f"テキスト{i:03d}", "この例は旅行です。") for i in range(100)]
    bound = entry_bytes(keys[0]) * 10
    cache = PairCache(max_bytes=bound)
    for key in keys:
        cache.put(key, row)
    assert len(cache) == 10
    assert cache.estimated_bytes <= bound
    assert cache.get(keys[0]) is None and cache.get(keys[-1]) == row


def test_the_service_cache_is_bounded_by_the_setting(settings, forward_passes):
    small = settings.model_copy(update=dict(batching=BatchingSettings(pair_cache_mb=1)))
    with loaded(ClassifierService(small)) as service:
        # 60 texts x 3 pairs of ~10 KB each: about twice the bound.
        for i in range(60):
            service.classify_many([f"{i:02d}番目の" + "長い文です。" * 800], LABELS)
        assert service.pairs.estimated_bytes <= 1024 * 1024
        assert len(service.pairs) < 60 * len(LABELS)

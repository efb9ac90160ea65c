from __future__ import annotations

import threading

import pytest

from core.config import BatchingSettings, ModelSettings, Settings
from core.errors import ModelBusy
from core.inference import scoring
from core.inference.microbatch import INTERACTIVE, MicroBatcher
from core.inference.request import build_request
from core.inference.service import ClassifierService
from tests.conftest import loaded

TEXTS = [
    "そうだ京都に行こう!",
    "ラーメン二郎が大好きです。",
    "ブレイクダンスでダンスバトルです。",
    "京都でお番菜を食べた後に、日舞を見ます。" * 3,
]
LABELS = ["旅行", "料理", "踊り"]
# Padding to a longer neighbour changes float rounding only.
BATCHED_TOLERANCE = 1e-5
# Only an upper bound: each test sets max_pairs to exactly the pairs it sends, so the worker stops
# gathering the moment the last request arrives, however slow the machine.
GATHER_SECONDS = 60.0


def _concurrently(fn, args_list):
    results = [None] * len(args_list)
    start = threading.Barrier(len(args_list))

    def run(i, args):
        start.wait()
        results[i] = fn(*args)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def gathering_service(tiny_model_dir, forward_passes):
    settings = Settings(
        model=ModelSettings(model_id=str(tiny_model_dir)),
        batching=BatchingSettings(
            batch_wait_ms=GATHER_SECONDS * 1000, max_batch_pairs=len(TEXTS) * len(LABELS)
        ),
    )
    with loaded(ClassifierService(settings)) as service:
        yield service


def test_concurrent_requests_share_one_forward_pass(gathering_service, forward_passes):
    _concurrently(gathering_service.classify, [(text, LABELS) for text in TEXTS])
    assert forward_passes == [len(TEXTS) * len(LABELS)]


def test_batched_results_equal_unbatched_ones(gathering_service, tiny_model, settings):
    batched = _concurrently(gathering_service.classify, [(text, LABELS) for text in TEXTS])
    for text, result in zip(TEXTS, batched, strict=True):
        alone = scoring.classify(tiny_model, build_request(text, LABELS, settings))
        assert result.labels == alone.labels
        assert result.scores == pytest.approx(alone.scores, abs=BATCHED_TOLERANCE)


def test_a_batch_is_cut_at_max_pairs(tiny_model, settings):
    sizes = []

    def run(features):
        sizes.append(len(features))
        return scoring.forward(tiny_model, features)

    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=4)
    request = build_request(TEXTS[0], ["a", "b", "c", "d", "e", "f"], settings)
    batcher(scoring.encode(tiny_model, request).features)
    assert sizes == [4, 2]


def test_pairs_are_grouped_by_length(tiny_model, settings):
    lengths = []

    def run(features):
        lengths.append([len(f["input_ids"]) for f in features])
        return scoring.forward(tiny_model, features)

    batcher = MicroBatcher(run, max_wait_seconds=GATHER_SECONDS, max_pairs=8)
    encoded = [
        scoring.encode(tiny_model, build_request(text, LABELS, settings)).features
        for text in (TEXTS[3], TEXTS[0], TEXTS[3])
    ]
    _concurrently(batcher, [(features,) for features in encoded])
    flat = [n for batch in lengths for n in batch]
    assert [len(batch) for batch in lengths] == [8, 1]
    assert flat == sorted(flat)


def test_one_failing_request_does_not_fail_the_others(tiny_model, settings):
    poison = {"input_ids": [-1]}

    def run(features):
        if any(f is poison for f in features):
            raise ValueError("bad pair")
        return scoring.forward(tiny_model, features)

    # Seven pairs in all (3 + 1 + 3): the worker has them all before it runs.
    batcher = MicroBatcher(run, max_wait_seconds=GATHER_SECONDS, max_pairs=7)
    good = scoring.encode(tiny_model, build_request(TEXTS[0], LABELS, settings)).features

    def call(features):
        try:
            return batcher(features).shape[0]
        except ValueError as exc:
            return str(exc)

    assert _concurrently(call, [(good,), ([poison],), (good,)]) == [3, "bad pair", 3]


def test_shutdown_stops_the_worker_thread(tiny_model, settings):
    batcher = MicroBatcher(
        lambda features: scoring.forward(tiny_model, features), max_wait_seconds=0, max_pairs=8
    )
    good = scoring.encode(tiny_model, build_request(TEXTS[0], LABELS, settings)).features
    assert batcher(good).shape[0] == len(LABELS)
    batcher.shutdown(timeout=10)
    assert not batcher.running
    with pytest.raises(RuntimeError):
        batcher(good)


def _batcher_threads() -> int:
    return sum(t.name == "micro-batcher" and t.is_alive() for t in threading.enumerate())


def test_service_shutdown_stops_its_batcher_thread(gathering_service):
    gathering_service.classify(TEXTS[0], LABELS)
    before = _batcher_threads()
    gathering_service.shutdown()
    assert _batcher_threads() == before - 1


def test_a_full_queue_refuses_new_work_and_takes_it_again_once_drained(tiny_model, settings):
    release = threading.Event()
    started = threading.Event()

    def run(features):
        started.set()
        release.wait()
        return scoring.forward(tiny_model, features)

    good = scoring.encode(tiny_model, build_request(TEXTS[0], LABELS, settings)).features
    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=8, max_queued_pairs=len(good))
    first = threading.Thread(target=batcher, args=(good,))
    first.start()
    started.wait()
    with pytest.raises(ModelBusy):
        batcher(good)
    release.set()
    first.join()
    assert batcher(good).shape[0] == len(LABELS)
    batcher.shutdown(timeout=10)


def test_rows_are_views_into_the_batch_output_not_copies(tiny_model, settings):
    outputs = []

    def run(features):
        outputs.append(scoring.forward(tiny_model, features))
        return outputs[-1]

    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=8)
    good = scoring.encode(tiny_model, build_request(TEXTS[0], LABELS, settings)).features
    rows = batcher.rows(good)
    assert all(
        row.untyped_storage().data_ptr() == outputs[0].untyped_storage().data_ptr() for row in rows
    )
    batcher.shutdown(timeout=10)


def test_an_interactive_request_goes_before_the_rest_of_a_bulk_job(tiny_model, settings):
    release, running = threading.Event(), threading.Event()
    calls: list[str] = []

    def run(features):
        calls.append("interactive" if features[0].get("tag") == ["i"] else "bulk")
        running.set()
        release.wait()
        return scoring.forward(
            tiny_model, [{k: v for k, v in f.items() if k != "tag"} for f in features]
        )

    good = scoring.encode(tiny_model, build_request(TEXTS[0], LABELS, settings)).features
    bulk = [dict(f) for f in good * 3]  # three passes of three pairs
    interactive = [{**f, "tag": ["i"]} for f in good]
    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=len(LABELS))
    worker = threading.Thread(target=batcher.rows, args=(bulk,), kwargs={"bulk": True})
    worker.start()
    assert running.wait(60)  # the first bulk pass runs; two more wait
    queued = threading.Event()
    put = batcher._put

    def noting_put(priority, job):
        put(priority, job)
        if priority == INTERACTIVE:
            queued.set()

    batcher._put = noting_put
    person = threading.Thread(target=batcher.rows, args=(interactive,))
    person.start()
    assert queued.wait(60)  # the person's request waits in the queue beside the bulk pieces
    release.set()
    worker.join()
    person.join()
    assert calls == ["bulk", "interactive", "bulk", "bulk"]
    batcher.shutdown(timeout=10)

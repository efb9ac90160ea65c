from __future__ import annotations

import threading

import pytest

from core.config import BatchingSettings, ModelSettings, Settings
from core.errors import ModelBusy
from core.inference import microbatch, scoring
from core.inference.microbatch import BULK, INTERACTIVE, MicroBatcher
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


@pytest.fixture(autouse=True)
def gather_one_pass(monkeypatch):
    """The worker takes one pass's worth at a time, so a test that sets max_pairs to exactly the
    pairs it sends stops gathering the moment the last one arrives."""
    monkeypatch.setattr(microbatch, "GATHER_PASSES", 1)


def _count_queued(batcher: MicroBatcher, priority: int = INTERACTIVE) -> threading.Semaphore:
    """A semaphore released each time a job of `priority` enters the batcher's queue, so a test
    knows its requests wait there before it lets the worker go on."""
    queued = threading.Semaphore(0)
    put = batcher._put

    def noting_put(job_priority, job, *stamp):
        put(job_priority, job, *stamp)
        if job_priority == priority:
            queued.release()

    batcher._put = noting_put
    return queued


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


def test_a_batch_over_max_pairs_runs_in_even_passes(tiny_model, settings):
    sizes = []

    def run(features):
        sizes.append(len(features))
        return scoring.forward(tiny_model, features)

    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=4)
    request = build_request(TEXTS[0], ["a", "b", "c", "d", "e", "f"], settings)
    batcher.rows(scoring.encode(tiny_model, request).features)
    assert sizes == [3, 3]


def test_a_request_that_would_overflow_a_pass_waits_for_the_next_one(tiny_model, settings):
    release, running = threading.Event(), threading.Event()
    sizes: list[int] = []

    def run(features):
        sizes.append(len(features))
        running.set()
        release.wait()
        return scoring.forward(tiny_model, features)

    good = scoring.encode(tiny_model, build_request(TEXTS[0], LABELS, settings)).features
    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=len(LABELS) + 1)
    blocker = threading.Thread(target=batcher.rows, args=(good[:1],))
    blocker.start()
    assert running.wait(60)  # the worker is busy; the next two requests queue up
    both_queued = _count_queued(batcher)
    people = [threading.Thread(target=batcher.rows, args=(good,)) for _ in range(2)]
    for person in people:
        person.start()
    for _ in people:
        assert both_queued.acquire(timeout=60)
    release.set()
    for thread in (blocker, *people):
        thread.join()
    # 3 + 3 pairs at a bound of 4: two full passes, never 4 + a pass for the 2 left over.
    assert sizes == [1, len(LABELS), len(LABELS)]
    batcher.shutdown(timeout=10)


def test_pairs_are_grouped_by_length(tiny_model, settings):
    lengths = []

    def run(features):
        lengths.append([len(f["input_ids"]) for f in features])
        return scoring.forward(tiny_model, features)

    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=4)
    mixed = [
        pair
        for text in (TEXTS[3], TEXTS[0], TEXTS[3])
        for pair in scoring.encode(tiny_model, build_request(text, LABELS, settings)).features
    ]
    batcher.rows(mixed)
    flat = [n for batch in lengths for n in batch]
    assert [len(batch) for batch in lengths] == [3, 3, 3]
    assert flat == sorted(flat)
    batcher.shutdown(timeout=10)


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
            return len(batcher.rows(features))
        except ValueError as exc:
            return str(exc)

    assert _concurrently(call, [(good,), ([poison],), (good,)]) == [3, "bad pair", 3]


def test_shutdown_stops_the_worker_thread(tiny_model, settings):
    batcher = MicroBatcher(
        lambda features: scoring.forward(tiny_model, features), max_wait_seconds=0, max_pairs=8
    )
    good = scoring.encode(tiny_model, build_request(TEXTS[0], LABELS, settings)).features
    assert len(batcher.rows(good)) == len(LABELS)
    batcher.shutdown(timeout=10)
    assert not batcher.running
    with pytest.raises(RuntimeError):
        batcher.rows(good)


def _batcher_threads() -> int:
    return sum(t.name == "micro-batcher" and t.is_alive() for t in threading.enumerate())


def test_service_shutdown_stops_its_batcher_thread(gathering_service):
    # Every text at once fills the pass, so the worker does not wait out its gathering time.
    _concurrently(gathering_service.classify, [(text, LABELS) for text in TEXTS])
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
    first = threading.Thread(target=batcher.rows, args=(good,))
    first.start()
    started.wait()
    with pytest.raises(ModelBusy):
        batcher.rows(good)
    release.set()
    first.join()
    assert len(batcher.rows(good)) == len(LABELS)
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
    queued = _count_queued(batcher)
    person = threading.Thread(target=batcher.rows, args=(interactive,))
    person.start()
    # The person's request waits in the queue beside the bulk pieces.
    assert queued.acquire(timeout=60)
    release.set()
    worker.join()
    person.join()
    assert calls == ["bulk", "interactive", "bulk", "bulk"]
    batcher.shutdown(timeout=10)


def test_waiting_requests_are_grouped_by_length_across_requests(tiny_model, settings, monkeypatch):
    monkeypatch.setattr(microbatch, "GATHER_PASSES", 3)
    release, running = threading.Event(), threading.Event()
    lengths: list[list[int]] = []

    def run(features):
        lengths.append([len(f["input_ids"]) for f in features])
        running.set()
        release.wait()
        return scoring.forward(tiny_model, features)

    def pairs(text):
        return scoring.encode(tiny_model, build_request(text, LABELS, settings)).features

    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=len(LABELS))
    blocker = threading.Thread(target=batcher.rows, args=(pairs(TEXTS[1]),))
    blocker.start()
    assert running.wait(60)  # the worker is busy; three requests queue up meanwhile
    queued = _count_queued(batcher)
    # A long text, a short one and a long one again: as they came, every pass would pad.
    people = [
        threading.Thread(target=batcher.rows, args=(pairs(text),))
        for text in (TEXTS[3], TEXTS[0], TEXTS[3])
    ]
    for person in people:
        person.start()
        assert queued.acquire(timeout=60)
    release.set()
    for thread in (blocker, *people):
        thread.join()
    short, long_ = len(pairs(TEXTS[0])[0]["input_ids"]), len(pairs(TEXTS[3])[0]["input_ids"])
    assert max(lengths[1]) <= short + 2  # the short text's pairs ran together, unpadded
    assert min(lengths[2] + lengths[3]) >= long_ - 2
    batcher.shutdown(timeout=10)


def _pairs_of(tokens: int, count: int, tag: str = "") -> list[dict]:
    """`count` made-up pairs of `tokens` tokens each (the batcher only reads their length)."""
    return [{"input_ids": [1] * tokens, "tag": [tag]} for _ in range(count)]


def _held_worker(passes: list[list[dict]]):
    """A run_batch that records each pass and holds the first until `release` is set."""
    import torch

    release, running = threading.Event(), threading.Event()

    def run(features):
        passes.append(features)
        running.set()
        release.wait()
        return torch.zeros(len(features), 3)

    return run, release, running


def test_a_pass_is_bounded_by_tokens_not_only_pairs():
    passes: list[list[dict]] = []
    run, release, _ = _held_worker(passes)
    release.set()
    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=64, max_tokens=1024)
    batcher.rows(_pairs_of(512, 6) + _pairs_of(16, 64), bulk=True)
    assert all(microbatch.pass_tokens(p) <= 1024 for p in passes)
    assert sum(len(p) for p in passes) == 70
    batcher.shutdown(timeout=10)


def test_an_interactive_request_waits_behind_one_token_bounded_pass_of_bulk_work():
    passes: list[list[dict]] = []
    run, release, running = _held_worker(passes)
    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=64, max_tokens=1024)
    bulk = threading.Thread(
        target=batcher.rows, args=(_pairs_of(512, 70, "bulk"),), kwargs={"bulk": True}
    )
    bulk.start()
    assert running.wait(60)
    queued = _count_queued(batcher)
    person = threading.Thread(target=batcher.rows, args=(_pairs_of(20, 3, "person"),))
    person.start()
    assert queued.acquire(timeout=60)
    release.set()
    person.join()
    bulk.join()
    before_person = next(i for i, p in enumerate(passes) if p[0]["tag"] == ["person"])
    assert before_person == 1  # one pass of 2 long pairs ran first, not 64
    assert len(passes[0]) == 2
    batcher.shutdown(timeout=10)


def test_a_cancelled_request_leaves_the_queue_and_its_caller_is_told_at_once():
    from core.errors import Cancelled
    from core.inference.microbatch import Cancellation

    passes: list[list[dict]] = []
    run, release, running = _held_worker(passes)
    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=4, max_tokens=4096)
    blocker = threading.Thread(target=batcher.rows, args=(_pairs_of(10, 1, "blocker"),))
    blocker.start()
    assert running.wait(60)
    queued = _count_queued(batcher)
    gone = Cancellation()
    outcome: list[object] = []

    def leaving_client():
        try:
            outcome.append(batcher.rows(_pairs_of(10, 12, "gone"), cancel=gone))
        except Cancelled as exc:
            outcome.append(exc)

    client = threading.Thread(target=leaving_client)
    client.start()
    for _ in range(3):  # its three pieces wait
        assert queued.acquire(timeout=60)
    gone.cancel()
    client.join()  # answered while the worker is still held
    assert isinstance(outcome[0], Cancelled)
    release.set()
    blocker.join()
    batcher.rows(_pairs_of(10, 1, "after"))
    assert [p[0]["tag"] for p in passes] == [["blocker"], ["after"]]
    batcher.shutdown(timeout=10)


def test_clients_share_the_worker_fairly():
    passes: list[list[dict]] = []
    run, release, running = _held_worker(passes)
    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=4, max_tokens=4096)
    blocker = threading.Thread(target=batcher.rows, args=(_pairs_of(10, 1, "x"),))
    blocker.start()
    assert running.wait(60)
    queued = _count_queued(batcher)
    greedy = [
        threading.Thread(
            target=batcher.rows, args=(_pairs_of(10, 4, "greedy"),), kwargs={"client": "g"}
        )
        for _ in range(3)
    ]
    for thread in greedy:
        thread.start()
        assert queued.acquire(timeout=60)
    honest = threading.Thread(
        target=batcher.rows, args=(_pairs_of(10, 3, "honest"),), kwargs={"client": "h"}
    )
    honest.start()
    assert queued.acquire(timeout=60)
    release.set()
    for thread in (blocker, *greedy, honest):
        thread.join()
    tags = [p[0]["tag"][0] for p in passes]
    # The honest client's request goes after the greedy one's first piece, not its third.
    assert tags == ["x", "greedy", "honest", "greedy", "greedy"]
    batcher.shutdown(timeout=10)


def test_work_from_one_client_takes_turns_with_other_bulk_clients():
    # A training job's steps (MicroBatcher.call) beside a batch job's passes, both bulk: each
    # step is charged a full pass, so the steps do not all go before the batch's second piece.
    import torch

    ran: list[str] = []
    release, running = threading.Event(), threading.Event()

    def run(features):
        ran.append(features[0]["tag"][0])
        running.set()
        release.wait()
        return torch.zeros(len(features), 3)

    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=4, max_tokens=40)
    blocker = threading.Thread(target=batcher.rows, args=(_pairs_of(10, 1, "x"),))
    blocker.start()
    assert running.wait(60)
    queued = _count_queued(batcher, BULK)
    batch = threading.Thread(
        target=batcher.rows, args=(_pairs_of(10, 8, "batch"),), kwargs={"bulk": True}
    )
    batch.start()
    for _ in range(2):  # its two pieces wait
        assert queued.acquire(timeout=60)
    steps = [
        threading.Thread(
            target=batcher.call,
            args=(lambda: ran.append("step"),),
            kwargs={"bulk": True, "client": "tuning"},
        )
        for _ in range(3)
    ]
    for thread in steps:
        thread.start()
        assert queued.acquire(timeout=60)
    release.set()
    for thread in (blocker, batch, *steps):
        thread.join()
    assert ran == ["x", "batch", "step", "batch", "step", "step"]
    batcher.shutdown(timeout=10)


def test_one_client_cannot_fill_the_queue():
    passes: list[list[dict]] = []
    run, release, running = _held_worker(passes)
    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=4, max_queued_pairs=16)
    first = threading.Thread(target=batcher.rows, args=(_pairs_of(10, 4),), kwargs={"client": "g"})
    first.start()
    assert running.wait(60)
    with pytest.raises(ModelBusy):
        batcher.rows(_pairs_of(10, 4), client="g")
    other = threading.Thread(target=batcher.rows, args=(_pairs_of(10, 4),), kwargs={"client": "h"})
    other.start()
    release.set()
    first.join()
    other.join()
    assert len(passes) == 2
    batcher.shutdown(timeout=10)


def test_a_request_arriving_during_long_work_waits_for_one_token_bounded_pass():
    import torch

    passes: list[str] = []
    hold, held = threading.Event(), threading.Event()
    arrived = threading.Semaphore(0)
    person: list[threading.Thread] = []

    def run(features):
        passes.append(features[0]["tag"][0])
        if passes == ["x"]:
            held.set()
            hold.wait()
        if passes == ["x", "long"]:  # during the first long pass, a person's request arrives
            person.append(threading.Thread(target=batcher.rows, args=(_pairs_of(10, 3, "p"),)))
            person[0].start()
            assert arrived.acquire(timeout=60)
        return torch.zeros(len(features), 3)

    batcher = MicroBatcher(run, max_wait_seconds=0, max_pairs=64, max_tokens=1024)
    blocker = threading.Thread(target=batcher.rows, args=(_pairs_of(10, 1, "x"),))
    blocker.start()
    assert held.wait(60)
    queued = _count_queued(batcher)
    put = batcher._put

    def noting_put(priority, job, *stamp):
        put(priority, job, *stamp)
        if job is not None and job.features[0]["tag"] == ["p"]:
            arrived.release()

    batcher._put = noting_put
    long_work = threading.Thread(
        target=batcher.rows, args=(_pairs_of(512, 8, "long"),), kwargs={"client": "a"}
    )
    long_work.start()
    for _ in range(4):  # four pieces of two long pairs wait, all queued before any runs
        assert queued.acquire(timeout=60)
    hold.set()
    long_work.join()
    blocker.join()
    person[0].join()
    # The long pieces are not run as one group: the person waits for one pass, not four.
    assert passes == ["x", "long", "p", "long", "long", "long"]
    batcher.shutdown(timeout=10)

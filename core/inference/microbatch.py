"""Micro-batching: pairs from concurrent requests share one forward pass.

Requests from different browser sessions and API clients each hand their tokenized pairs to one
worker thread. The worker takes the first waiting request, waits a few milliseconds for more, sorts
all pairs by length (so padding stays small), runs them in even chunks of at most `max_pairs`, and
hands each request its rows as soon as its last pair is done.

Interactive requests go first: bulk work (a batch file, run-all, an experiment grid) is handed over
in pieces of one forward pass each, queued behind any interactive request, so a person classifying
one sentence waits for at most one pass of someone else's batch.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.errors import ModelBusy

T = TypeVar("T")
Features = dict[str, list[int]]
RunBatch = Callable[[list[Features]], Any]

# Queue order: interactive before bulk; the shutdown mark after every job already queued.
INTERACTIVE, BULK, SHUTDOWN = 0, 1, 2
# Interactive requests waiting together are taken up to this many passes' worth at once, so
# their pairs are grouped by length across requests (less padding) before being cut into passes.
GATHER_PASSES = 4


@dataclass
class _Job:
    features: list[Features]
    done: threading.Event = field(default_factory=threading.Event)
    rows: list[Any] = field(default_factory=list)
    error: BaseException | None = None
    # Other work on the model run between passes (a training step, loading an adapter).
    work: Callable[[], Any] | None = None


class MicroBatcher:
    """Merge concurrent forward passes; results equal running each request alone."""

    def __init__(
        self,
        run_batch: RunBatch,
        max_wait_seconds: float,
        max_pairs: int,
        max_queued_pairs: int | None = None,
    ) -> None:
        self._run_batch = run_batch
        self._max_wait = max_wait_seconds
        self._max_pairs = max_pairs
        # Pairs handed over and not yet answered; past the bound new work is refused (ModelBusy).
        self._max_queued = max_queued_pairs
        self._queued = 0
        self._count_lock = threading.Lock()
        self._queue: queue.PriorityQueue[tuple[int, int, _Job | None]] = queue.PriorityQueue()
        self._order = itertools.count()  # first come, first served within a priority
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="micro-batcher", daemon=True)
        self._thread.start()

    def shutdown(self, timeout: float | None = None) -> None:
        """Finish the jobs already queued, then stop the worker thread."""
        self._closed = True
        self._put(SHUTDOWN, None)
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _put(self, priority: int, job: _Job | None) -> None:
        self._queue.put((priority, next(self._order), job))

    def rows(self, features: list[Features], bulk: bool = False) -> list[Any]:
        """Logits rows for `features`, in order (views into the batches' outputs, not copies);
        blocks until the worker has run them. ModelBusy if too much work is waiting already.
        `bulk` work waits behind interactive requests, one forward pass at a time."""
        if self._closed:
            raise RuntimeError("the micro-batcher is shut down")
        with self._count_lock:
            # One job alone is always taken, however large: a bound must not refuse all work.
            over = self._queued + len(features) > (self._max_queued or 0)
            if self._max_queued is not None and self._queued and over:
                raise ModelBusy(f"{self._queued} pairs are waiting")
            self._queued += len(features)
        try:
            if bulk:
                size = self._max_pairs
                jobs = [_Job(features[i : i + size]) for i in range(0, len(features), size)]
            else:
                jobs = [_Job(features)]
            for job in jobs:
                self._put(BULK if bulk else INTERACTIVE, job)
            for job in jobs:
                job.done.wait()
        finally:
            with self._count_lock:
                self._queued -= len(features)
        for job in jobs:
            if job.error is not None:
                raise job.error
        return [row for job in jobs for row in job.rows]

    def call(self, work: Callable[[], T], bulk: bool = False) -> T:
        """Run `work` on the worker thread between forward passes, never beside one (so it may
        change the model or train it); its result, or its exception. `bulk` work waits behind
        interactive requests, as a bulk pass does."""
        if self._closed:
            raise RuntimeError("the micro-batcher is shut down")
        job = _Job([], work=work)
        self._put(BULK if bulk else INTERACTIVE, job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.rows[0]

    def __call__(self, features: list[Features]) -> Any:
        """Logits for `features`, in order, as one tensor (a `run_forward` for scoring)."""
        import torch

        return torch.stack(self.rows(features))

    def _collect(self) -> list[_Job] | None:
        """The next jobs to run together; None once shut down and every queued job is done."""
        first_priority, _, first = self._queue.get()
        if first is None:
            return None
        if first.work is not None:
            return [first]
        jobs = [first]
        pairs = len(first.features)
        # Bulk work is taken one pass at a time, so an interactive request waits at most one.
        limit = self._max_pairs * (GATHER_PASSES if first_priority == INTERACTIVE else 1)
        deadline = time.monotonic() + self._max_wait
        while pairs < limit:
            remaining = deadline - time.monotonic()
            try:
                item = (
                    self._queue.get(timeout=remaining)
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                break
            priority, _, job = item
            if (
                job is None
                or job.work is not None
                or (priority == BULK and first_priority == INTERACTIVE)
                or pairs + len(job.features) > limit
            ):
                # The shutdown mark, bulk work behind an interactive pass, or a job that would
                # spill into a nearly empty extra pass: put it back (its place in line is kept)
                # for the next collect, and run what was gathered now.
                self._queue.put(item)
                break
            jobs.append(job)
            pairs += len(job.features)
        return jobs

    def _loop(self) -> None:
        while (jobs := self._collect()) is not None:
            try:
                self._run(jobs)
            except Exception:
                # One bad request must not fail the others merged with it: run each alone.
                for job in jobs:
                    if not job.done.is_set():
                        self._run_alone(job)
            for job in jobs:
                job.done.set()

    def _run_alone(self, job: _Job) -> None:
        try:
            self._run([job])
        except Exception as exc:
            job.error = exc

    def _run(self, jobs: list[_Job]) -> None:
        if jobs[0].work is not None:
            try:  # run once, even when it fails (never again alone, as passes are)
                jobs[0].rows = [jobs[0].work()]
            except Exception as exc:
                jobs[0].error = exc
            return
        items = [
            (job, index, feature) for job in jobs for index, feature in enumerate(job.features)
        ]
        items.sort(key=lambda item: len(item[2]["input_ids"]))
        left = {id(job): len(job.features) for job in jobs}
        for job in jobs:
            job.rows = [None] * len(job.features)
        # Even chunks: 9 pairs at a bound of 8 run as 5 + 4, not 8 + a pass for one pair.
        passes = -(-len(items) // self._max_pairs)
        size = -(-len(items) // passes)
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            logits = self._run_batch([feature for _, _, feature in chunk])
            for (job, index, _), row in zip(chunk, logits, strict=True):
                job.rows[index] = row
                left[id(job)] -= 1
                if not left[id(job)]:
                    # Answered as soon as its last pair is done, not when the whole group is.
                    job.done.set()

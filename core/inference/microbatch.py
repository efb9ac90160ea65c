"""Micro-batching: pairs from concurrent requests share one forward pass, fairly.

Requests from different browser sessions and API clients each hand their tokenized pairs to one
worker thread. Every request is cut into pieces of at most one forward pass, bounded in pairs
(`max_pairs`) and in padded tokens (`max_tokens`: pairs × the longest pair), because a pass's
time grows with its tokens: 64 short pairs take a fraction of a second, 64 pairs of 512 tokens
minutes. The worker takes the first waiting piece, waits a few milliseconds for more, sorts all
pairs by length (so padding stays small), runs them in even passes within both bounds, and hands
each request its rows as soon as its last pair is done.

Who goes first: interactive requests before bulk work (a batch file, run-all, an experiment
grid); within each, clients share the worker fairly (start-time fair queueing on tokens, the
rule of Goyal et al., SIGCOMM 1996): each piece is stamped with its client's running total of
tokens, never less than the stamp of the piece running now, and the lowest stamp goes first. A
client sending a lot therefore waits behind its own work, not in front of everyone else's: a
small request waits for the pass running now and at most one piece of each other client.

A request whose caller has gone is cancelled (`Cancellation`): its pieces leave the queue, and
the caller gets `Cancelled` at once.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.errors import Cancelled, ModelBusy

T = TypeVar("T")
Features = dict[str, list[int]]
RunBatch = Callable[[list[Features]], Any]

# Queue order: interactive before bulk; the shutdown mark after every job already queued.
INTERACTIVE, BULK, SHUTDOWN = 0, 1, 2
# Interactive requests waiting together are taken up to this many passes' worth at once, so
# their pairs are grouped by length across requests (less padding) before being cut into passes.
GATHER_PASSES = 4
# The most of the queue's pairs one client may have waiting (when it has anything waiting at
# all): four clients filling the queue together before a fifth is told "busy".
CLIENT_QUEUE_SHARE = 0.25
# Clients whose stamps the worker has passed are forgotten past this many remembered.
MAX_REMEMBERED_CLIENTS = 1000


def pass_tokens(features: Sequence[Features]) -> int:
    """The padded size of one forward pass over `features`: pairs × the longest pair's tokens."""
    return len(features) * max((len(f["input_ids"]) for f in features), default=0)


class Cancellation:
    """Set when the work's caller has gone (a closed tab, a dropped connection, a stopped job).

    Thread-safe; `cancel` runs every registered callback once, on the calling thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def check(self) -> None:
        """Raise Cancelled if the caller has gone."""
        if self._cancelled:
            raise Cancelled()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` on cancel (at once if cancelled already); returns its removal."""
        with self._lock:
            if not self._cancelled:
                self._callbacks.append(callback)
                return lambda: self._remove(callback)
        callback()
        return lambda: None

    def _remove(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)


@dataclass
class _Job:
    """One piece of a request: at most one forward pass of its pairs."""

    features: list[Features]
    done: threading.Event = field(default_factory=threading.Event)
    rows: list[Any] = field(default_factory=list)
    error: BaseException | None = None
    cancelled: bool = False
    # Other work on the model run between passes (a training step, loading an adapter).
    work: Callable[[], Any] | None = None


def cut_passes(lengths: Sequence[int], max_pairs: int, max_tokens: int | None) -> list[int]:
    """Sizes of consecutive passes over pairs of these `lengths` (sorted ascending), each within
    `max_pairs` pairs and `max_tokens` padded tokens (a pair longer than the bound runs alone).
    As even as the bounds allow: 9 pairs at a bound of 8 run as 5 + 4, not 8 + 1."""
    sizes: list[int] = []
    start = 0
    while start < len(lengths):
        size = 1
        while (
            start + size < len(lengths)
            and size + 1 <= max_pairs
            and (max_tokens is None or (size + 1) * lengths[start + size] <= max_tokens)
        ):
            size += 1
        sizes.append(size)
        start += size
    if len(sizes) < 2:
        return sizes
    size = -(-len(lengths) // len(sizes))
    evened = [min(size, len(lengths) - i) for i in range(0, len(lengths), size)]
    bounds = [0, *itertools.accumulate(evened)]
    fits = len(evened) == len(sizes) and all(
        max_tokens is None or (end - begin) * lengths[end - 1] <= max_tokens
        for begin, end in itertools.pairwise(bounds)
    )
    return evened if fits else sizes


class MicroBatcher:
    """Merge concurrent forward passes; results equal running each request alone."""

    def __init__(
        self,
        run_batch: RunBatch,
        max_wait_seconds: float,
        max_pairs: int,
        max_queued_pairs: int | None = None,
        max_tokens: int | None = None,
    ) -> None:
        self._run_batch = run_batch
        self._max_wait = max_wait_seconds
        self._max_pairs = max_pairs
        # Padded tokens per pass; None: pairs alone bound a pass.
        self._max_tokens = max_tokens
        # Pairs handed over and not yet answered; past the bound new work is refused (ModelBusy).
        self._max_queued = max_queued_pairs
        self._queued = 0
        self._queued_by: dict[object, int] = {}
        self._count_lock = threading.Lock()
        self._queue: queue.PriorityQueue[tuple[int, float, int, _Job | None]] = (
            queue.PriorityQueue()
        )
        self._order = itertools.count()  # first come, first served at equal stamps
        # Fair queueing: the stamp of the piece taken last, and each client's next stamp.
        self._virtual = 0.0
        self._stamps: dict[object, float] = {}
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

    def _put(self, priority: int, job: _Job | None, stamp: float = 0.0) -> None:
        self._queue.put(
            (priority, stamp if job is not None else float("inf"), next(self._order), job)
        )

    def _stamp(self, client: object, cost: int) -> float:
        """The fair-queueing stamp of a piece of `cost` tokens from `client` (count_lock held)."""
        start = max(self._virtual, self._stamps.get(client, 0.0))
        self._stamps[client] = start + cost
        if len(self._stamps) > MAX_REMEMBERED_CLIENTS:
            self._stamps = {c: t for c, t in self._stamps.items() if t > self._virtual}
        return start

    def _pieces(self, features: list[Features]) -> tuple[list[_Job], list[list[int]]]:
        """`features` cut into pass-sized pieces of similar length, with each piece's indices."""
        order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
        lengths = [len(features[i]["input_ids"]) for i in order]
        pieces, indices, start = [], [], 0
        for size in cut_passes(lengths, self._max_pairs, self._max_tokens):
            chosen = order[start : start + size]
            pieces.append(_Job([features[i] for i in chosen]))
            indices.append(chosen)
            start += size
        return pieces, indices

    def rows(
        self,
        features: list[Features],
        bulk: bool = False,
        client: object = None,
        cancel: Cancellation | None = None,
    ) -> list[Any]:
        """Logits rows for `features`, in order (views into the batches' outputs, not copies);
        blocks until the worker has run them. ModelBusy if too much work is waiting already (in
        all, or from this `client`: a session id, a client address; None: a client of its own).
        `bulk` work waits behind interactive requests. Cancelled, at once, if `cancel` is set
        while the pairs wait: they leave the queue."""
        if self._closed:
            raise RuntimeError("the micro-batcher is shut down")
        if cancel is not None:
            cancel.check()
        client = object() if client is None else client
        pieces, indices = self._pieces(features)
        with self._count_lock:
            # One job alone is always taken, however large: a bound must not refuse all work.
            if self._max_queued is not None:
                over = self._queued + len(features) > self._max_queued
                mine = self._queued_by.get(client, 0)
                over_share = mine + len(features) > self._max_queued * CLIENT_QUEUE_SHARE
                if (self._queued and over) or (mine and over_share):
                    raise ModelBusy(f"{self._queued} pairs are waiting ({mine} of this client)")
            self._queued += len(features)
            self._queued_by[client] = self._queued_by.get(client, 0) + len(features)
            stamps = [self._stamp(client, pass_tokens(piece.features)) for piece in pieces]
        remove = cancel.on_cancel(lambda: self._cancel(pieces)) if cancel is not None else None
        try:
            for piece, stamp in zip(pieces, stamps, strict=True):
                self._put(BULK if bulk else INTERACTIVE, piece, stamp)
            for piece in pieces:
                piece.done.wait()
        finally:
            if remove is not None:
                remove()
            with self._count_lock:
                self._queued -= len(features)
                left = self._queued_by.pop(client) - len(features)
                if left:
                    self._queued_by[client] = left
        if cancel is not None:
            cancel.check()
        for piece in pieces:
            if piece.error is not None:
                raise piece.error
        rows: list[Any] = [None] * len(features)
        for piece, chosen in zip(pieces, indices, strict=True):
            for index, row in zip(chosen, piece.rows, strict=True):
                rows[index] = row
        return rows

    @staticmethod
    def _cancel(pieces: list[_Job]) -> None:
        for piece in pieces:
            piece.cancelled = True
            piece.done.set()

    def call(
        self,
        work: Callable[[], T],
        bulk: bool = False,
        client: object = None,
    ) -> T:
        """Run `work` on the worker thread between forward passes, never beside one (so it may
        change the model or train it); its result, or its exception. `bulk` work waits behind
        interactive requests, as a bulk pass does. Queued fairly like a pass: charged one full
        pass (`max_tokens`) to `client` (None: a client of its own), so
        a client calling again and again (a training job's steps) takes turns with the others
        instead of going before them every time."""
        if self._closed:
            raise RuntimeError("the micro-batcher is shut down")
        job = _Job([], work=work)
        charge = self._max_tokens or 0
        with self._count_lock:
            stamp = self._stamp(object() if client is None else client, charge)
        self._put(BULK if bulk else INTERACTIVE, job, stamp)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.rows[0]

    def _next(self, timeout: float | None) -> tuple[int, float, int, _Job | None]:
        """The next queued item that is not cancelled (queue.Empty past `timeout`)."""
        while True:
            if timeout is None:
                item = self._queue.get()
            elif timeout > 0:
                item = self._queue.get(timeout=timeout)
            else:
                item = self._queue.get_nowait()
            job = item[3]
            if job is None or not job.cancelled:
                return item

    def _collect(self) -> list[_Job] | None:
        """The next jobs to run together; None once shut down and every queued job is done."""
        first_priority, stamp, _, first = self._next(None)
        if first is None:
            return None
        self._virtual = max(self._virtual, stamp)
        if first.work is not None:
            return [first]
        jobs = [first]
        pairs = len(first.features)
        # Bulk work is taken one pass at a time, so an interactive request waits at most one.
        passes = GATHER_PASSES if first_priority == INTERACTIVE else 1
        limit = self._max_pairs * passes
        # Tokens are gathered one pass's worth at most: the gathered group runs to its end, so
        # a request arriving meanwhile waits for all of it, and a pass is what the bound promises.
        token_limit = self._max_tokens
        deadline = time.monotonic() + self._max_wait
        while pairs < limit:
            try:
                item = self._next(deadline - time.monotonic())
            except queue.Empty:
                break
            priority, _, _, job = item
            if (
                job is None
                or job.work is not None
                or (priority == BULK and first_priority == INTERACTIVE)
                or pairs + len(job.features) > limit
                or (
                    token_limit is not None
                    and pass_tokens([f for j in (*jobs, job) for f in j.features]) > token_limit
                )
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
        lengths = [len(feature["input_ids"]) for _, _, feature in items]
        start = 0
        for size in cut_passes(lengths, self._max_pairs, self._max_tokens):
            chunk = items[start : start + size]
            start += size
            logits = self._run_batch([feature for _, _, feature in chunk])
            for (job, index, _), row in zip(chunk, logits, strict=True):
                job.rows[index] = row
                left[id(job)] -= 1
                if not left[id(job)]:
                    # Answered as soon as its last pair is done, not when the whole group is.
                    job.done.set()

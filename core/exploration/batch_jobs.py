"""Batch jobs: a batch file classified on a worker thread, its progress and results in the store.

A job outlives the page that started it: leaving the page, a reload, or another task behind the
load balancer finds it by id (kept in the workspace) and shows its progress or its results. It
can be stopped, and a stopped or interrupted job goes on from the rows it had done.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
)

from core.errors import Cancelled, InputError, ModelBusy, ModelNotReady, StoreUnavailable
from core.exploration.batch_files import texts_of
from core.exploration.jobs import PROCESS_TOKEN, JobStatus, JobTable, JobThreads, aware
from core.exploration.jobs import STALE_SECONDS as STALE_SECONDS
from core.inference.microbatch import Cancellation
from core.storage import Database, metadata

# URL-safe and unguessable, like workspace ids: the id is the only key to a job's rows.
ID_BYTES = 16
MAX_ID_CHARS = 64
# Pairs per hand-over to the model: a stop is heard between hand-overs. 64 pairs took 2-4 s
# on the BERT-base shape with 2 threads, so a stop took that long and rows kept coming after
# it (issue 20); 16 take a fraction of a second, and pairs of different texts still share passes.
JOB_CHUNK_PAIRS = 16


@dataclass(frozen=True)
class ScoredRow:
    """One row's result as the results table reads it."""

    top_label: str
    scores: Mapping[str, float]

    def score_of(self, label: str) -> float:
        return self.scores[label]


@dataclass(frozen=True)
class JobSpec:
    """What a job classifies: which file (by name and content hash), column, labels, how."""

    file_name: str
    file_hash: str
    column: str
    labels: tuple[str, ...]
    template: str
    multi_label: bool
    # The saved set (and the version read) the labels came from: its thresholds apply.
    set_name: str = ""
    set_version: int = 0


@dataclass(frozen=True)
class BatchJob:
    id: str
    spec: JobSpec
    status: JobStatus
    done: int
    total: int
    rows: list[ScoredRow | None]
    table: pd.DataFrame = field(repr=False)
    started_at: datetime
    updated_at: datetime
    stop_requested: bool = False
    error: tuple[str, dict[str, Any]] | None = None  # an InputError's key and params

    def seconds_left(self, now: datetime | None = None) -> float | None:
        """At the pace so far; None before the first chunk is done."""
        if not self.done or self.status != JobStatus.RUNNING:
            return None
        spent = ((now or datetime.now(UTC)) - self.started_at).total_seconds()
        return spent / self.done * (self.total - self.done)


batch_jobs = Table(
    "batch_jobs",
    metadata,
    Column("id", String(MAX_ID_CHARS), primary_key=True),
    Column("spec", Text, nullable=False),  # JSON
    Column("status", String(16), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("rows", Text, nullable=False),  # JSON: [[top label, {label: score}] | null]
    Column("table_json", Text, nullable=False),  # the file as read (pandas "split" JSON)
    Column("error", Text, nullable=True),  # JSON: [key, params]
    Column("stop_requested", Boolean, nullable=False, default=False),
    Column("runner", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def _rows_json(rows: Sequence[ScoredRow | None]) -> str:
    plain = [None if row is None else [row.top_label, dict(row.scores)] for row in rows]
    return json.dumps(plain, ensure_ascii=False)


def _rows_from(text: str) -> list[ScoredRow | None]:
    return [None if row is None else ScoredRow(row[0], row[1]) for row in json.loads(text)]


class JobStore(JobTable):
    """Batch jobs in one table of a database (the shared statements: JobTable)."""

    def __init__(self, database: Database) -> None:
        super().__init__(database, batch_jobs)

    def create(self, spec: JobSpec, table: pd.DataFrame) -> BatchJob:
        """A new running job over `table` (as read from the file), nothing done yet."""
        now = datetime.now(UTC)
        total = len(table)
        job = BatchJob(
            secrets.token_urlsafe(ID_BYTES),
            spec,
            JobStatus.RUNNING,
            0,
            total,
            [None] * total,
            table,
            now,
            now,
        )
        values = {
            "id": job.id,
            "spec": json.dumps({**spec.__dict__, "labels": list(spec.labels)}, ensure_ascii=False),
            "status": job.status.value,
            "done": 0,
            "total": total,
            "rows": _rows_json(job.rows),
            "table_json": table.to_json(orient="split", force_ascii=False, index=False),
            "stop_requested": False,
            "runner": PROCESS_TOKEN,
            "started_at": now,
            "updated_at": now,
        }
        self._execute(insert(batch_jobs).values(**values))
        return job

    def get(self, job_id: str, light: bool = False) -> BatchJob | None:
        """The job; `light`: without the file and its rows (an empty table, no rows), for the
        reads made every second or every chunk, which need only its status and progress."""
        if not job_id or len(job_id) > MAX_ID_CHARS:
            return None
        heavy = {"table_json", "rows"}
        columns = [c for c in batch_jobs.c if not (light and c.name in heavy)]
        row = self._execute(select(*columns).where(batch_jobs.c.id == job_id), fetch=True)
        if row is None:
            return None
        spec = json.loads(row.spec)
        status = JobStatus(row.status)
        updated_at = aware(row.updated_at)
        if status == JobStatus.RUNNING and not _runners.alive(row.id, row.runner, updated_at):
            status = JobStatus.INTERRUPTED
        if light:
            table, rows = pd.DataFrame(), []
        else:
            table = pd.read_json(
                io.StringIO(row.table_json), orient="split", dtype=False, convert_dates=False
            )
            rows = _rows_from(row.rows)
        return BatchJob(
            row.id,
            JobSpec(**{**spec, "labels": tuple(spec["labels"])}),
            status,
            row.done,
            row.total,
            rows,
            table,
            aware(row.started_at),
            updated_at,
            row.stop_requested,
            tuple(json.loads(row.error)) if row.error else None,
        )

    def record(self, job_id: str, done: int, rows: Sequence[ScoredRow | None]) -> None:
        """Rows done so far (also the runner's sign of life)."""
        self.update(job_id, done=done, rows=_rows_json(rows))


# Jobs this process runs, by id: any number, one thread each.
_runners = JobThreads("batch-job")
_shutting_down = _runners.shutting_down
# Wait for this process's runner of a job to end; True if it has (or never ran here).
wait = _runners.wait
# Stop every job this process runs after its current chunk (each is left interrupted, to go
# on elsewhere or after the restart).
shutdown = _runners.shutdown


# Rows' texts → their scores; the Cancellation is set when the job is stopped in this process,
# and the job's id names its client (its fair share of the model).
Score = Callable[[list[str], Cancellation, str], list[ScoredRow | None]]
# This process's running jobs' cancellations: a stop drops the chunk waiting for the model.
_cancels: dict[str, Cancellation] = {}


def run(store: JobStore, job_id: str, score: Score) -> None:
    """Classify the job's rows from where it stands, chunk by chunk, recording each; stop when
    asked (or when the process shuts down), fail with the input error that stopped it."""
    job = store.get(job_id)
    if job is None:
        return
    texts = texts_of(job.table, job.spec.column)
    rows = list(job.rows)
    per_chunk = max(1, JOB_CHUNK_PAIRS // max(1, len(job.spec.labels)))
    done = job.done
    cancel = _cancels[job_id] = Cancellation()
    try:
        while done < job.total:
            current = store.get(job_id, light=True)
            if current is None or current.stop_requested:
                store.finish(job_id, JobStatus.STOPPED)
                return
            if _shutting_down.is_set():
                store.finish(job_id, JobStatus.INTERRUPTED)
                return
            end = min(job.total, done + per_chunk)
            try:
                rows[done:end] = score(texts[done:end], cancel, job_id)
            except Cancelled:
                store.finish(job_id, JobStatus.STOPPED)
                return
            except InputError as error:
                if error.index is not None:  # one row was bad: say which, as the file counts
                    error = InputError(error.key, **error.params, row=done + error.index + 1)
                store.finish(job_id, JobStatus.FAILED, error)
                return
            except ModelNotReady:
                store.finish(job_id, JobStatus.FAILED, InputError("batch.model_not_ready"))
                return
            except ModelBusy:
                store.finish(job_id, JobStatus.FAILED, InputError("batch.model_busy"))
                return
            done = end
            store.record(job_id, done, rows)
        store.finish(job_id, JobStatus.DONE)
    except StoreUnavailable:
        # The store itself failed: the job shows as interrupted once its heartbeat is stale.
        return
    except Exception as exc:  # a bug must end the job visibly, not leave it "running"
        error = InputError("batch.job_failed", detail=type(exc).__name__)
        store.finish(job_id, JobStatus.FAILED, error)
    finally:
        _cancels.pop(job_id, None)


def cancel_here(job_id: str) -> None:
    """Drop the chunk this process's runner of the job has waiting for the model, at once (the
    stop recorded in the store ends the job; this spares the wait for the chunk)."""
    cancel = _cancels.get(job_id)
    if cancel is not None:
        cancel.cancel()


def start(store: JobStore, job_id: str, score: Score) -> None:
    """Run the job on a thread of its own, unless this process runs it already."""
    _runners.start(job_id, lambda: run(store, job_id, score))

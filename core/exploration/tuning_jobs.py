"""Tuning jobs: a label set's adapter trained on a worker thread, its progress and result in the
store (the `tuning_jobs` table, made by the migration 0003), like batch jobs.

A job outlives the page (or HTTP client) that started it: found by id, it shows its progress,
time left, then its report and adapter. One runs at a time in a process (training takes the
model's threads; each step waits behind people classifying, through the micro-batcher). A stop
is heard after the step under way; a job whose process went away shows as interrupted and can be
started again (from the start: steps are not kept).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    insert,
    select,
)

from core.errors import InputError, StoreUnavailable
from core.exploration.batch_jobs import ID_BYTES, MAX_ID_CHARS
from core.exploration.jobs import PROCESS_TOKEN, JobStatus, JobTable, JobThreads, aware
from core.exploration.tuning import TuningSettings, TuningStopped
from core.labels.store import MAX_NAME_CHARS
from core.storage import Database, metadata

# Progress is written (and a stop looked for) at most this often: a step can take milliseconds.
RECORD_SECONDS = 1.0

# Progress, then the report and the adapter.
tuning_jobs = Table(
    "tuning_jobs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("set_name", String(MAX_NAME_CHARS), nullable=False),
    Column("spec", Text, nullable=False),  # JSON: TuningSpec (the rows included)
    Column("status", String(16), nullable=False),
    Column("done", Integer, nullable=False),  # training steps
    Column("total", Integer, nullable=False),
    Column("report", Text, nullable=True),  # JSON: the tuning report, once done
    Column("adapter", LargeBinary, nullable=True),  # the adapter zip, once done
    Column("adapter_digest", String(64), nullable=True),
    Column("attached", Boolean, nullable=False, default=False),
    Column("error", Text, nullable=True),  # JSON: [key, params]
    Column("stop_requested", Boolean, nullable=False, default=False),
    Column("runner", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class TuningSpec:
    """What a job tunes: a set (name and version read), its labels, template, mode, the rows."""

    set_name: str
    set_version: int
    labels: tuple[str, ...]
    template: str
    multi_label: bool
    texts: tuple[str, ...]
    expected: tuple[tuple[str, ...], ...]
    settings: TuningSettings
    # Keep the adapter and its measurement for the set version when it beats zero-shot.
    attach: bool = False

    def to_json(self) -> str:
        plain = asdict(self)
        return json.dumps(plain, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> TuningSpec:
        data = json.loads(text)
        return cls(
            set_name=data["set_name"],
            set_version=int(data["set_version"]),
            labels=tuple(data["labels"]),
            template=data["template"],
            multi_label=bool(data["multi_label"]),
            texts=tuple(data["texts"]),
            expected=tuple(tuple(e) for e in data["expected"]),
            settings=TuningSettings(**data["settings"]),
            attach=bool(data.get("attach", False)),
        )


@dataclass(frozen=True)
class TuningJob:
    id: str
    spec: TuningSpec
    status: JobStatus
    done: int  # training steps
    total: int
    started_at: datetime
    updated_at: datetime
    report: dict[str, Any] | None = None  # TuningReport.to_json() (+ thresholds) once done
    adapter: bytes | None = None  # the adapter zip once done
    adapter_digest: str | None = None
    attached: bool = False  # kept as the set version's model
    stop_requested: bool = False
    error: tuple[str, dict[str, Any]] | None = None

    def seconds_left(self, now: datetime | None = None) -> float | None:
        if not self.done or self.status != JobStatus.RUNNING:
            return None
        spent = ((now or datetime.now(UTC)) - self.started_at).total_seconds()
        return spent / self.done * (self.total - self.done)


class TuningJobStore(JobTable):
    """Tuning jobs in one table of the process's database (the shared statements: JobTable)."""

    def __init__(self, database: Database) -> None:
        super().__init__(database, tuning_jobs)

    def create(self, spec: TuningSpec) -> str:
        now = datetime.now(UTC)
        job_id = secrets.token_urlsafe(ID_BYTES)
        self._execute(
            insert(tuning_jobs).values(
                id=job_id,
                set_name=spec.set_name,
                spec=spec.to_json(),
                status=JobStatus.RUNNING.value,
                done=0,
                total=0,
                stop_requested=False,
                attached=False,
                runner=PROCESS_TOKEN,
                started_at=now,
                updated_at=now,
            )
        )
        return job_id

    def get(self, job_id: str, light: bool = False) -> TuningJob | None:
        """The job; `light`: without the adapter's bytes."""
        if not job_id or len(job_id) > MAX_ID_CHARS:
            return None
        columns = [c for c in tuning_jobs.c if not (light and c.name == "adapter")]
        row = self._execute(select(*columns).where(tuning_jobs.c.id == job_id), fetch=True)
        if row is None:
            return None
        status = JobStatus(row.status)
        updated_at = aware(row.updated_at)
        if status == JobStatus.RUNNING and not _runners.alive(row.id, row.runner, updated_at):
            status = JobStatus.INTERRUPTED
        return TuningJob(
            id=row.id,
            spec=TuningSpec.from_json(row.spec),
            status=status,
            done=row.done,
            total=row.total,
            started_at=aware(row.started_at),
            updated_at=updated_at,
            report=json.loads(row.report) if row.report else None,
            adapter=None if light or row.adapter is None else bytes(row.adapter),
            adapter_digest=row.adapter_digest,
            attached=row.attached,
            stop_requested=row.stop_requested,
            error=tuple(json.loads(row.error)) if row.error else None,
        )

    def claim(self, job_id: str, **values: Any) -> None:
        """Mark a stopped, failed or interrupted job running again here, from the start."""
        super().claim(job_id, done=0, started_at=datetime.now(UTC), **values)


# The job this process trains: one at a time (training takes the model's threads).
_runners = JobThreads("tuning-job", busy=lambda: InputError("tuning.running"))
# The id of the job this process is training, if any.
running_here = _runners.running
# Wait for this process's runner of a job to end; True if it has (or never ran here).
wait = _runners.wait
# Stop the job this process trains after its current step (left interrupted).
shutdown = _runners.shutdown


# (spec, report(done, total), should_stop) → (report JSON, adapter zip, digest); raises
# TuningStopped when asked to stop, InputError for bad rows or settings.
Train = Callable[
    [TuningSpec, Callable[[int, int], None], Callable[[], bool]],
    tuple[dict[str, Any], bytes, str],
]
# (spec, report JSON, adapter zip, digest) → kept as the set version's model?
Attach = Callable[[TuningSpec, dict[str, Any], bytes, str], bool]


def run(store: TuningJobStore, job_id: str, train: Train, attach: Attach) -> None:
    """Train the job's adapter, recording progress; keep the result (and attach it when the
    spec asks and it beats zero-shot)."""
    job = store.get(job_id, light=True)
    if job is None:
        return
    last = [0.0]
    stop = [False]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= RECORD_SECONDS or done == total:
            last[0] = now
            store.update(job_id, done=done, total=total)
            current = store.get(job_id, light=True)
            stop[0] = current is None or current.stop_requested

    def should_stop() -> bool:
        return stop[0] or _runners.shutting_down.is_set()

    try:
        report_json, adapter, digest = train(job.spec, report, should_stop)
        store.update(job_id, report=json.dumps(report_json, ensure_ascii=False))
        store.update(job_id, adapter=adapter, adapter_digest=digest)
        attached = job.spec.attach and attach(job.spec, report_json, adapter, digest)
        store.update(job_id, attached=bool(attached))
        store.finish(job_id, JobStatus.DONE)
    except TuningStopped:
        interrupted = _runners.shutting_down.is_set() and not stop[0]
        store.finish(job_id, JobStatus.INTERRUPTED if interrupted else JobStatus.STOPPED)
    except StoreUnavailable:
        return  # the store itself failed: shown as interrupted once its heartbeat is stale
    except InputError as error:
        store.finish(job_id, JobStatus.FAILED, error)
    except Exception as exc:  # a bug must end the job visibly, not leave it "running"
        store.finish(job_id, JobStatus.FAILED, InputError("tuning.job_failed", detail=repr(exc)))


def start(store: TuningJobStore, job_id: str, train: Train, attach: Attach) -> None:
    """Run the job on a thread of its own; InputError `tuning.running` while another job is
    training in this process (one at a time)."""
    _runners.start(job_id, lambda: run(store, job_id, train, attach))

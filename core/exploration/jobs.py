"""The threads that run a process's jobs (batch files, tuning), shared by each kind of job.

A job's state lives in the store (its table), so it outlives the page or HTTP client that
started it; what lives here is only which of those jobs this process is running now, one thread
per job. A job marked running by this process with no live thread here was cut short (a crash
in the runner); one marked running by another process is alive while its heartbeat (the row's
`updated_at`) is fresh. At shutdown the runners are asked to stop after their current step and
are waited for, so their jobs are left interrupted, to go on after the restart or elsewhere.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, update

from core.errors import InputError
from core.storage import Database

# Which process runs a job (the `runner` column): a per-process token, new at every start.
PROCESS_TOKEN = secrets.token_hex(8)
# A job whose runner has said nothing for this long is taken as interrupted (its task is gone):
# a batch chunk or a training step takes seconds, even waiting behind other people's requests.
STALE_SECONDS = 120


class JobStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # its process went away mid-run; it can go on


def aware(moment: datetime) -> datetime:
    """A time read back from the store, in UTC (SQLite hands back naive datetimes for what was
    written in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class JobTable:
    """What every job table is asked the same way: one short transaction per call, with the
    database's deadline; a database failure raises StoreUnavailable. `table` has the columns
    `id`, `status`, `error`, `stop_requested` and `updated_at` (the runner's heartbeat)."""

    def __init__(self, database: Database, table: Table) -> None:
        self._db = database
        self._table = table

    def _execute(self, statement, fetch: bool = False):
        def call(conn):
            result = conn.execute(statement)
            return result.first() if fetch else result.rowcount

        return self._db.write(call)

    def update(self, job_id: str, **values: Any) -> int:
        """Set columns of the job's row (and its heartbeat); the rows changed (0: no such job)."""
        values["updated_at"] = datetime.now(UTC)
        table = self._table
        return self._execute(update(table).where(table.c.id == job_id).values(**values))

    def request_stop(self, job_id: str) -> None:
        """Ask the runner to stop after its current step; what it did is kept."""
        self.update(job_id, stop_requested=True)

    def claim(self, job_id: str, **values: Any) -> None:
        """Mark a stopped, failed or interrupted job running again, by this process (and set
        `values` too)."""
        self.update(
            job_id,
            status=JobStatus.RUNNING.value,
            stop_requested=False,
            error=None,
            runner=PROCESS_TOKEN,
            **values,
        )

    def finish(self, job_id: str, status: JobStatus, error: InputError | None = None) -> None:
        """End a run; a failed one keeps the error that stopped it, to say so on every page."""
        reason = json.dumps([error.key, error.params], ensure_ascii=False) if error else None
        self.update(job_id, status=status.value, error=reason)


class JobThreads:
    """This process's runners of one kind of job, by job id.

    `kind` names the threads (`batch-job-…`); `busy`: one job at a time in the process, and
    starting another while one runs raises `busy()` (tuning takes the model's threads); without
    it, any number run, one thread per job.
    """

    def __init__(self, kind: str, busy: Callable[[], InputError] | None = None) -> None:
        self._kind = kind
        self._busy = busy
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()
        # Set while the process shuts down: runners stop after their current step.
        self.shutting_down = threading.Event()

    def start(self, job_id: str, target: Callable[[], None]) -> None:
        """Run `target` on a thread of its own as job `job_id`'s runner, unless this process
        runs that job already. `busy()` is raised while another job runs (one at a time)."""
        with self._lock:
            thread = self._threads.get(job_id)
            if thread is not None and thread.is_alive():
                return
            for finished in [key for key, t in self._threads.items() if not t.is_alive()]:
                del self._threads[finished]  # their state is in the store; keep live runners
            if self._busy is not None and self._threads:
                raise self._busy()
            thread = threading.Thread(target=target, name=f"{self._kind}-{job_id[:8]}", daemon=True)
            self._threads[job_id] = thread
        thread.start()

    def alive(self, job_id: str, runner: str, updated_at: datetime) -> bool:
        """Whether a job the store says is running has a runner: its thread here, when this
        process is its `runner`; else a heartbeat within STALE_SECONDS."""
        if runner == PROCESS_TOKEN:
            with self._lock:
                thread = self._threads.get(job_id)
            return thread is not None and thread.is_alive()
        return (datetime.now(UTC) - updated_at).total_seconds() < STALE_SECONDS

    def running(self) -> str | None:
        """The id of a job this process is running, if any."""
        with self._lock:
            for job_id, thread in self._threads.items():
                if thread.is_alive():
                    return job_id
        return None

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Wait for this process's runner of a job to end; True if it has (or never ran here).
        Units: seconds."""
        with self._lock:
            thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def shutdown(self, timeout: float | None = None) -> None:
        """Ask every runner to stop after its current step (`shutting_down`), and wait for
        each up to `timeout` seconds; their jobs are left interrupted."""
        self.shutting_down.set()
        with self._lock:
            threads = list(self._threads.values())
        for thread in threads:
            thread.join(timeout)
        self.shutting_down.clear()

"""Batch jobs: stored on SQLite always and on a real PostgreSQL; run, stopped, failed, resumed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import create_engine, update

from core.errors import InputError, ModelNotReady
from core.exploration import batch_jobs
from core.exploration.batch_jobs import JobSpec, JobStatus, JobStore, ScoredRow
from tests.conftest import STORE_BACKENDS, empty_store_url

TABLE = pd.DataFrame(
    {"id": ["001", "002", "003", "004"], "text": ["京都に行こう", "", "ラーメン", "ダンス"]}
)
SPEC = JobSpec("texts.csv", "abc", "text", ("旅行", "料理"), "これは{}の文です。", False)


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path):
    return empty_store_url(request, tmp_path)


@pytest.fixture
def store(store_url, open_database):
    return JobStore(open_database(store_url))


def fake_scores(texts: list[str], *_) -> list[ScoredRow | None]:
    """A stand-in for the model: 旅行 scores by text length, so rows are told apart."""
    return [
        ScoredRow("旅行", {"旅行": len(t) / 10, "料理": 0.0}) if t.strip() else None for t in texts
    ]


def one_row_per_chunk(monkeypatch):
    monkeypatch.setattr(batch_jobs, "JOB_CHUNK_PAIRS", len(SPEC.labels))


def test_a_new_job_comes_back_with_its_file_as_read(store):
    job = store.create(SPEC, TABLE)
    again = store.get(job.id)
    assert again.spec == SPEC
    assert (again.done, again.total) == (0, 4)
    assert again.table.equals(TABLE)  # ids like "001" stay text


def test_a_run_scores_every_row_and_keeps_empty_rows_empty(store):
    job = store.create(SPEC, TABLE)
    batch_jobs.run(store, job.id, fake_scores)
    done = store.get(job.id)
    assert (done.status, done.done) == (JobStatus.DONE, 4)
    assert done.rows[1] is None
    assert done.rows[0] == ScoredRow("旅行", {"旅行": 0.6, "料理": 0.0})


def test_a_job_started_on_a_thread_is_running_until_it_ends(store):
    job = store.create(SPEC, TABLE)
    batch_jobs.start(store, job.id, fake_scores)
    assert batch_jobs.wait(job.id, timeout=30)
    assert store.get(job.id).status == JobStatus.DONE


def test_a_stop_request_ends_the_run_after_its_chunk_with_the_rows_done(store, monkeypatch):
    one_row_per_chunk(monkeypatch)
    job = store.create(SPEC, TABLE)

    def score_then_ask_to_stop(texts, *_):
        store.request_stop(job.id)
        return fake_scores(texts)

    batch_jobs.run(store, job.id, score_then_ask_to_stop)
    stopped = store.get(job.id)
    assert (stopped.status, stopped.done) == (JobStatus.STOPPED, 1)
    assert stopped.rows[0] is not None


def test_a_claimed_job_goes_on_from_the_rows_it_had(store, monkeypatch):
    one_row_per_chunk(monkeypatch)
    job = store.create(SPEC, TABLE)
    store.record(job.id, 2, [*fake_scores(["京都に行こう", ""]), None, None])
    store.finish(job.id, JobStatus.STOPPED)
    seen: list[list[str]] = []

    def noting(texts, *_):
        seen.append(texts)
        return fake_scores(texts)

    store.claim(job.id)
    batch_jobs.run(store, job.id, noting)
    assert seen == [["ラーメン"], ["ダンス"]]
    assert store.get(job.id).status == JobStatus.DONE


def test_a_bad_row_fails_the_job_naming_the_row_as_the_file_counts(store, monkeypatch):
    one_row_per_chunk(monkeypatch)
    job = store.create(SPEC, TABLE)

    def third_row_is_bad(texts, *_):
        if texts == ["ラーメン"]:
            raise InputError("error.text_too_long", length=9, limit=5).at(0)
        return fake_scores(texts)

    batch_jobs.run(store, job.id, third_row_is_bad)
    failed = store.get(job.id)
    assert (failed.status, failed.done) == (JobStatus.FAILED, 2)
    assert failed.error == ("error.text_too_long", {"length": 9, "limit": 5, "row": 3})


def test_a_model_that_is_not_ready_fails_the_job_with_a_way_on(store):
    job = store.create(SPEC, TABLE)

    def not_ready(texts, *_):
        raise ModelNotReady("loading")

    batch_jobs.run(store, job.id, not_ready)
    assert store.get(job.id).error == ("batch.model_not_ready", {})


def test_a_running_job_whose_runner_went_quiet_elsewhere_is_interrupted(store, store_url):
    job = store.create(SPEC, TABLE)
    quiet_since = datetime.now(UTC) - timedelta(seconds=batch_jobs.STALE_SECONDS + 1)
    engine = create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(
            update(batch_jobs.batch_jobs)
            .where(batch_jobs.batch_jobs.c.id == job.id)
            .values(runner="another-task", updated_at=quiet_since)
        )
    engine.dispose()
    assert store.get(job.id).status == JobStatus.INTERRUPTED


def test_a_running_job_of_another_task_that_reports_is_running(store, store_url):
    job = store.create(SPEC, TABLE)
    engine = create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(
            update(batch_jobs.batch_jobs)
            .where(batch_jobs.batch_jobs.c.id == job.id)
            .values(runner="another-task")
        )
    engine.dispose()
    assert store.get(job.id).status == JobStatus.RUNNING


def test_shutdown_leaves_a_running_job_interrupted_to_go_on_later(store, monkeypatch):
    one_row_per_chunk(monkeypatch)
    job = store.create(SPEC, TABLE)

    def score_during_shutdown(texts, *_):
        batch_jobs._shutting_down.set()
        return fake_scores(texts)

    try:
        batch_jobs.run(store, job.id, score_during_shutdown)
    finally:
        batch_jobs._shutting_down.clear()
    left = store.get(job.id)
    assert (left.status, left.done) == (JobStatus.INTERRUPTED, 1)


def test_time_left_follows_the_pace_so_far():
    started = datetime.now(UTC)
    halfway = batch_jobs.BatchJob(
        "id", SPEC, JobStatus.RUNNING, 2, 4, [None] * 4, TABLE, started, started
    )
    assert halfway.seconds_left(started + timedelta(seconds=10)) == pytest.approx(10.0)


def test_a_light_read_gives_progress_without_the_file(store):
    job = store.create(SPEC, TABLE)
    store.record(job.id, 1, [*fake_scores(["京都に行こう"]), None, None, None])
    light = store.get(job.id, light=True)
    assert (light.done, light.total, light.spec) == (1, 4, SPEC)
    assert light.table.empty and light.rows == []


def test_stopping_a_job_drops_the_chunk_waiting_for_the_model_at_once(store):
    import threading

    from core.errors import Cancelled

    job = store.create(SPEC, TABLE)
    waiting = threading.Event()

    def queued_until_cancelled(texts, cancel, client):
        assert client == job.id  # each job is a client of its own for fair sharing
        gone = threading.Event()
        cancel.on_cancel(gone.set)
        waiting.set()
        gone.wait()  # as the micro-batcher's caller waits; a stop wakes it
        raise Cancelled()

    batch_jobs.start(store, job.id, queued_until_cancelled)
    assert waiting.wait(60)
    store.request_stop(job.id)
    batch_jobs.cancel_here(job.id)
    assert batch_jobs.wait(job.id, timeout=60)
    assert store.get(job.id).status == batch_jobs.JobStatus.STOPPED

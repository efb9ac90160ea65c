"""Tuning jobs in the store: progress, a stop heard at the next step, one at a time, the result
kept (and attached only when the trainer says it beat zero-shot)."""

from __future__ import annotations

import threading

import pytest

from core.errors import InputError, StoreUnavailable
from core.exploration import tuning_jobs
from core.exploration.batch_jobs import JobStatus
from core.exploration.tuning import TuningSettings, TuningStopped
from core.exploration.tuning_jobs import TuningJobStore, TuningSpec

SPEC = TuningSpec(
    "s",
    1,
    ("旅行", "料理"),
    "この例は{}です。",
    False,
    ("a", "b"),
    (("旅行",), ("料理",)),
    TuningSettings(),
    attach=True,
)


@pytest.fixture
def store(tmp_path, open_database):
    return TuningJobStore(open_database(f"sqlite:///{tmp_path / 'jobs.db'}"))


def _trainer(steps: int, beats: bool):
    def train(spec, report, should_stop):
        for step in range(1, steps + 1):
            report(step, steps)
            if should_stop():
                raise TuningStopped
        return {"beats_zero_shot": beats}, b"zip", "d" * 64

    return train


def test_a_finished_job_keeps_its_report_and_adapter_and_attaches_it(store):
    attached = []
    job_id = store.create(SPEC)
    tuning_jobs.run(store, job_id, _trainer(3, True), lambda *a: attached.append(a) or True)
    job = store.get(job_id)
    assert job.status == JobStatus.DONE and (job.done, job.total) == (3, 3)
    assert job.report == {"beats_zero_shot": True} and job.adapter == b"zip"
    assert job.attached and attached[0][0] == SPEC


def test_a_stop_is_heard_at_the_next_step_and_nothing_is_kept(store):
    job_id = store.create(SPEC)
    store.request_stop(job_id)
    tuning_jobs.run(store, job_id, _trainer(5, True), lambda *a: True)
    job = store.get(job_id)
    assert job.status == JobStatus.STOPPED and job.adapter is None


def test_a_trainer_error_fails_the_job_with_its_message(store):
    def train(spec, report, should_stop):
        raise InputError("tuning.too_few_rows", labels="旅行", count=2)

    job_id = store.create(SPEC)
    tuning_jobs.run(store, job_id, train, lambda *a: True)
    job = store.get(job_id)
    assert job.status == JobStatus.FAILED and job.error[0] == "tuning.too_few_rows"


def test_one_job_trains_at_a_time_in_a_process(store):
    release = threading.Event()

    def slow(spec, report, should_stop):
        release.wait(30)
        return {"beats_zero_shot": False}, b"zip", "d" * 64

    first = store.create(SPEC)
    tuning_jobs.start(store, first, slow, lambda *a: False)
    try:
        with pytest.raises(InputError) as refused:
            tuning_jobs.start(store, store.create(SPEC), slow, lambda *a: False)
        assert refused.value.key == "tuning.running"
        assert store.get(first).status == JobStatus.RUNNING
    finally:
        release.set()
        assert tuning_jobs.wait(first, 30)
    assert store.get(first).status == JobStatus.DONE and not store.get(first).attached


def test_a_store_outage_while_training_leaves_the_job_interrupted_not_failed(store):
    def train(spec, report, should_stop):
        raise StoreUnavailable("store.unreachable", detail="OperationalError")

    job_id = store.create(SPEC)
    tuning_jobs.run(store, job_id, train, lambda *a: True)
    job = store.get(job_id)
    assert (job.status, job.error) == (JobStatus.INTERRUPTED, None)

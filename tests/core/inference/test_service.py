from __future__ import annotations

import threading

import pytest

from core.errors import InputError, ModelError, ModelNotReady
from core.inference.model_loading import load_from_settings
from core.inference.service import ClassifierService, ModelState


class GatedLoader:
    """Loads the real tiny model only when the test opens the gate, so 'loading' can be observed."""

    def __init__(self, fail_first: bool = False) -> None:
        self.gate = threading.Event()
        self.calls = 0
        self.fail_first = fail_first

    def __call__(self, settings):
        self.calls += 1
        self.gate.wait()
        if self.fail_first and self.calls == 1:
            raise ModelError("corrupt weights")
        return load_from_settings(settings)


def test_new_service_is_idle(settings):
    assert ClassifierService(settings).status().state == ModelState.IDLE


def test_status_is_loading_until_the_model_is_ready(settings):
    loader = GatedLoader()
    service = ClassifierService(settings, loader)
    service.start_loading()
    assert service.status().state == ModelState.LOADING
    loader.gate.set()
    assert service.wait_ready(30)
    assert service.status().state == ModelState.READY


def test_loading_starts_once(settings):
    loader = GatedLoader()
    service = ClassifierService(settings, loader)
    assert service.start_loading() is True
    assert service.start_loading() is False
    loader.gate.set()
    service.wait_ready(30)
    assert loader.calls == 1


def test_classify_while_loading_raises_not_ready_after_the_wait(settings):
    service = ClassifierService(settings, GatedLoader())
    service.start_loading()
    with pytest.raises(ModelNotReady):
        service.classify("京都に行こう", ["旅行"], wait=0)


def test_bad_input_is_refused_even_while_loading(settings):
    service = ClassifierService(settings, GatedLoader())
    service.start_loading()
    with pytest.raises(InputError):
        service.classify("", ["旅行"], wait=0)


def test_failed_load_reports_the_error_and_a_retry_recovers(settings):
    loader = GatedLoader(fail_first=True)
    loader.gate.set()
    service = ClassifierService(
        _retrying(settings, load_retry_seconds=3600.0, load_retry_max_seconds=3600.0), loader
    )
    service.start_loading()
    assert not service.wait_ready(30)
    status = service.status()
    assert (status.state, status.error, status.failed_loads) == (
        ModelState.ERROR,
        "corrupt weights",
        1,
    )
    assert service.start_loading() is True
    assert service.wait_ready(30)
    assert service.classify("京都", ["旅行", "料理"]).labels


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ModelError("no such directory"), "no such directory"),
        # A loader bug must still surface on /healthz, with its kind.
        (KeyError("boom"), "KeyError: 'boom'"),
    ],
)
def test_a_failed_load_is_an_error_state_with_its_message(settings, error, shown):
    def failing_loader(settings):
        raise error

    service = ClassifierService(settings, failing_loader)
    service.start_loading()
    with pytest.raises(ModelNotReady):
        service.model(wait=5)
    status = service.status()
    assert (status.state, status.model_id, status.error) == (
        ModelState.ERROR,
        settings.model.model_id,
        shown,
    )
    service.shutdown()


def test_classify_starts_loading_on_first_use(settings):
    service = ClassifierService(settings)
    result = service.classify("そうだ京都に行こう!", ["旅行", "料理", "踊り"], wait=60)
    assert sorted(result.labels) == sorted(["旅行", "料理", "踊り"])
    assert service.status().state == ModelState.READY


class FlakyLoader:
    """Fails the first `failures` loads, then loads the tiny model; tells when each call starts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.started = [threading.Event() for _ in range(failures + 2)]

    def __call__(self, settings):
        self.calls += 1
        self.started[min(self.calls, len(self.started)) - 1].set()
        if self.calls <= self.failures:
            raise ModelError(f"broken {self.calls}")
        return load_from_settings(settings)


def _retrying(settings, **model):
    # Retries come at once here: the backoff itself is the settings' business, not the test's.
    options = {"load_retry_seconds": 0.0, "load_retry_max_seconds": 0.0, **model}
    return settings.model_copy(update=dict(model=settings.model.model_copy(update=options)))


def test_a_failed_load_is_retried_by_itself(settings):
    loader = FlakyLoader(failures=1)
    service = ClassifierService(_retrying(settings), loader)
    service.start_loading()
    assert loader.started[1].wait(30)  # the second try began with nobody asking
    assert service.wait_ready(30)
    assert service.status().failed_loads == 0
    service.shutdown()


def test_the_process_turns_unhealthy_after_repeated_failures(settings):
    loader = FlakyLoader(failures=100)
    service = ClassifierService(_retrying(settings, unhealthy_after_failures=2), loader)
    assert service.status().healthy
    service.start_loading()
    assert loader.started[2].wait(30)  # the third try began: two failures are recorded
    status = service.status()
    assert status.failed_loads >= 2
    assert not status.healthy
    service.shutdown()


def test_a_call_for_the_model_retries_a_failed_load_at_once(settings):
    loader = FlakyLoader(failures=1)
    # The scheduled retry is far away: only the call can bring the model back in time.
    service = ClassifierService(
        _retrying(settings, load_retry_seconds=3600.0, load_retry_max_seconds=3600.0), loader
    )
    service.start_loading()
    assert not service.wait_ready(30)
    assert service.classify("京都に行こう", ["旅行", "料理"], wait=30).labels
    service.shutdown()

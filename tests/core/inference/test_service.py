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
    service = ClassifierService(settings, loader)
    service.start_loading()
    with pytest.raises(ModelNotReady, match="corrupt weights"):
        service.classify("京都", ["旅行"], wait=5)
    status = service.status()
    assert (status.state, status.error) == (ModelState.ERROR, "corrupt weights")
    assert service.start_loading() is True
    assert service.wait_ready(30)
    assert service.classify("京都", ["旅行", "料理"]).labels


def test_unexpected_loader_crash_is_an_error_state(settings):
    def broken_loader(settings):
        raise KeyError("boom")

    service = ClassifierService(settings, broken_loader)
    service.start_loading()
    with pytest.raises(ModelNotReady):
        service.model(wait=5)
    assert "KeyError" in service.status().error


def test_classify_starts_loading_on_first_use(settings):
    service = ClassifierService(settings)
    result = service.classify("そうだ京都に行こう!", ["旅行", "料理", "踊り"], wait=60)
    assert sorted(result.labels) == sorted(["旅行", "料理", "踊り"])
    assert service.status().state == ModelState.READY


def test_status_carries_the_error_message(settings):
    def failing_loader(settings):
        raise ModelError("no such directory")

    service = ClassifierService(settings, failing_loader)
    service.start_loading()
    with pytest.raises(ModelNotReady):
        service.model(wait=5)
    status = service.status()
    assert (status.state, status.model_id, status.error) == (
        ModelState.ERROR,
        settings.model.model_id,
        "no such directory",
    )

"""AppTest fixtures: the real app script, its process-wide service pointed at the tiny model."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from web import resources

APP_SCRIPT = str(ROOT / "app.py")
# First runs import torch and transformers; later runs take well under a second.
RUN_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="session")
def ready_service(tiny_model_dir):
    """The app's shared service with the tiny model loaded, as the lifespan hook would leave it."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MODEL_ID", str(tiny_model_dir))
    resources.get_service.clear()
    resources._cached_classify.clear()
    service = resources.get_service()
    service.start_loading()
    assert service.wait_ready(RUN_TIMEOUT_SECONDS)
    yield service
    mp.undo()
    resources.get_service.clear()


@pytest.fixture
def app(ready_service) -> AppTest:
    """A fresh browser session on the app's default page (Classify)."""
    at = AppTest.from_file(APP_SCRIPT, default_timeout=RUN_TIMEOUT_SECONDS)
    at.run()
    assert not at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at

"""AppTest fixtures: the real app script, its process-wide service pointed at the tiny model."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP_SCRIPT = str(ROOT / "app.py")
# First runs import torch and transformers; later runs take well under a second.
RUN_TIMEOUT_SECONDS = 60


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

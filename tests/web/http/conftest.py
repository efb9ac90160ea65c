"""In-process clients for the app's own routes (no Streamlit server, no network)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from core.config import Settings
from web.http.application import build_api


def client_for(settings: Settings) -> TestClient:
    """The app's FastAPI app for `settings`, without Streamlit beside it (nor its lifespan)."""
    return TestClient(build_api(settings), raise_server_exceptions=False)


@pytest.fixture
def open_client(ready_service) -> TestClient:
    """The routes of an open demo (no access control), with the tiny model ready."""
    return client_for(ready_service.settings)


@pytest.fixture
def guarded_client(guarded_service) -> TestClient:
    return client_for(guarded_service.settings)

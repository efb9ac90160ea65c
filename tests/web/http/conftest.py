"""In-process clients for the app's own routes (no Streamlit server, no network)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from core.config import Settings
from web.http.request_log import RequestLogMiddleware
from web.http.routes import build_routes


def client_for(settings: Settings) -> TestClient:
    app = Starlette(routes=build_routes(settings), middleware=[Middleware(RequestLogMiddleware)])
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def open_client(ready_service) -> TestClient:
    """The routes of an open demo (no access control), with the tiny model ready."""
    return client_for(ready_service.settings)


@pytest.fixture
def guarded_client(guarded_service) -> TestClient:
    return client_for(guarded_service.settings)

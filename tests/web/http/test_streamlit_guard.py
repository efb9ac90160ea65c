"""Streamlit's upload and metrics routes behind the app's rules (in process, stand-in inner app)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.conftest import API_TOKEN
from web.http import streamlit_guard
from web.http.streamlit_guard import StreamlitSurfaceGuard, UploadBudget

UPLOAD = "/_stcore/upload_file/{session}/file-1"


async def _stored(request):
    return PlainTextResponse("stored")


def _client(settings) -> TestClient:
    inner = [
        Route("/_stcore/upload_file/{session}/{file}", _stored, methods=["PUT"]),
        Route("/_stcore/metrics", _stored, methods=["GET"]),
    ]
    app = Starlette(routes=inner, middleware=[Middleware(StreamlitSurfaceGuard, settings=settings)])
    return TestClient(app)


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch):
    monkeypatch.setattr(streamlit_guard, "SIGNED_IN", streamlit_guard.SignedInSessions())
    monkeypatch.setattr(streamlit_guard, "BUDGET", UploadBudget())


def test_an_open_demo_takes_uploads_from_any_session(settings):
    response = _client(settings).put(UPLOAD.format(session="s1"), content=b"id,text\n")
    assert (response.status_code, response.text) == (200, "stored")


def test_an_upload_before_sign_in_is_refused(guarded_service):
    response = _client(guarded_service.settings).put(UPLOAD.format(session="s1"), content=b"x")
    assert response.status_code == 403
    assert response.json()["code"] == "upload.not_signed_in"


def test_a_signed_in_session_may_upload(guarded_service):
    streamlit_guard.SIGNED_IN.add("s1")
    response = _client(guarded_service.settings).put(UPLOAD.format(session="s1"), content=b"x")
    assert response.status_code == 200


def test_uploads_past_a_sessions_budget_are_refused(settings):
    client = _client(settings)
    chunk = b"x" * (streamlit_guard.UPLOAD_BYTES_PER_SESSION // 2)
    statuses = [
        client.put(UPLOAD.format(session="s1"), content=chunk).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    # Another session has its own budget.
    assert client.put(UPLOAD.format(session="s2"), content=b"x").status_code == 200


def test_the_process_wide_budget_holds_across_sessions():
    now = [0.0]
    budget = UploadBudget(clock=lambda: now[0])
    per_session = streamlit_guard.UPLOAD_BYTES_PER_SESSION
    sessions = streamlit_guard.UPLOAD_BYTES_TOTAL // per_session
    assert all(budget.take(f"s{i}", per_session, f"client{i}") for i in range(sessions))
    assert not budget.take("late", 1)
    now[0] += streamlit_guard.UPLOAD_WINDOW_SECONDS + 1
    assert budget.take("late", 1)


def test_metrics_need_credentials_when_access_control_is_on(guarded_service):
    client = _client(guarded_service.settings)
    assert client.get("/_stcore/metrics").status_code == 401
    headers = {"authorization": f"Bearer {API_TOKEN}"}
    assert client.get("/_stcore/metrics", headers=headers).status_code == 200


def test_one_client_cannot_take_the_whole_process_budget(settings):
    client = _client(settings)  # every request from one address, each from a new session
    chunk = b"x" * (streamlit_guard.UPLOAD_BYTES_PER_SESSION // 2)
    sessions = streamlit_guard.UPLOAD_BYTES_TOTAL // len(chunk)
    statuses = [
        client.put(UPLOAD.format(session=f"s{i}"), content=chunk).status_code
        for i in range(sessions)
    ]
    assert 429 in statuses
    taken = statuses.index(429) * len(chunk)
    assert taken <= streamlit_guard.UPLOAD_BYTES_TOTAL // 4
    # Everyone else still has the rest of the budget.
    assert streamlit_guard.BUDGET.take("other-session", len(chunk), "203.0.113.9")

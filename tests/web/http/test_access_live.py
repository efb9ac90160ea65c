"""The real server with access control on: status stays open, nothing else without credentials."""

from __future__ import annotations

import json

import httpx

from tests.conftest import API_TOKEN, PASSWORD

BODY = {"text": "ラーメン二郎が大好きです。", "labels": ["旅行", "料理", "踊り"]}


def test_the_api_refuses_a_request_without_the_token(guarded_server):
    response = httpx.post(guarded_server.url + "/api/classify", json=BODY)
    assert response.status_code == 401
    assert "labels" not in response.json()


def test_the_api_answers_with_the_token(guarded_server):
    headers = {"authorization": f"Bearer {API_TOKEN}"}
    response = httpx.post(guarded_server.url + "/api/classify", json=BODY, headers=headers)
    assert response.status_code == 200
    assert set(response.json()["labels"]) == set(BODY["labels"])


def test_the_plain_page_asks_for_the_password(guarded_server):
    response = httpx.get(guarded_server.url + "/lite")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert httpx.get(guarded_server.url + "/lite", auth=("me", PASSWORD)).status_code == 200


def test_health_says_only_the_state(guarded_server, tiny_model_dir):
    body = httpx.get(guarded_server.url + "/healthz").json()
    assert body == {"status": "ok", "model": {"state": "ready"}}


def test_logs_carry_one_line_per_request_and_no_secret_or_text(guarded_server):
    marker = "marker-request-0001"
    headers = {"authorization": f"Bearer {API_TOKEN}", "x-request-id": marker}
    httpx.post(guarded_server.url + "/api/classify", json=BODY, headers=headers)
    log = guarded_server.log()
    lines = [json.loads(line) for line in log.splitlines() if marker in line]
    assert len(lines) == 1
    assert lines[0]["route"] == "/api/classify"
    assert lines[0]["status"] == 200
    assert lines[0]["labels"] == 3
    for secret in (PASSWORD, API_TOKEN, BODY["text"]):
        assert secret not in log

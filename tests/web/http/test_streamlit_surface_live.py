"""Streamlit's own WebSocket messages, sent by a raw client as an attacker would, change nothing."""

from __future__ import annotations

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from websockets.sync.client import connect

from tests.conftest import API_TOKEN

# Each message used to build a second model service beside the first (~350 MB with BERT-base).
CLEAR_CACHE_MESSAGES = 5


def _send_clear_cache(url: str, count: int) -> None:
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    message = BackMsg(clear_cache=True).SerializeToString()
    with connect(ws_url, subprotocols=["streamlit"], open_timeout=30) as websocket:
        for _ in range(count):
            websocket.send(message)
        # A heartbeat's answer proves every message before it has been handled.
        websocket.send(BackMsg(app_heartbeat=True).SerializeToString())
        websocket.recv(timeout=30)


def test_clear_cache_before_login_builds_no_second_model(guarded_server):
    headers = {"authorization": f"Bearer {API_TOKEN}"}
    body = {"text": "そうだ京都に行こう!", "labels": ["旅行", "料理"]}
    assert httpx.post(guarded_server.url + "/api/classify", json=body, headers=headers).is_success

    _send_clear_cache(guarded_server.url, CLEAR_CACHE_MESSAGES)

    ready = httpx.get(guarded_server.url + "/readyz")
    assert (ready.status_code, ready.json()["model"]["state"]) == (200, "ready")
    answer = httpx.post(guarded_server.url + "/api/classify", json=body, headers=headers)
    # The same service answered: a rebuilt one would start idle, with an empty cache.
    assert answer.json()["from_cache"] is True

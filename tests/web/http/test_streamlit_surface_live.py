"""Streamlit's own WebSocket messages, sent by a raw client as an attacker would, change nothing."""

from __future__ import annotations

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
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


def _session_id_of_a_fresh_websocket(url: str, websocket) -> str:
    """Run the app once over the socket, as a browser does, and read the session id it is given."""
    rerun = BackMsg()
    rerun.rerun_script.query_string = ""
    rerun.rerun_script.page_name = ""
    websocket.send(rerun.SerializeToString())
    for _ in range(200):
        message = ForwardMsg()
        message.ParseFromString(websocket.recv(timeout=30))
        if message.HasField("new_session"):
            return message.new_session.initialize.session_id
    raise AssertionError("no new_session message")


def test_a_session_that_never_signed_in_cannot_upload(guarded_server):
    ws_url = guarded_server.url.replace("http://", "ws://") + "/_stcore/stream"
    with connect(ws_url, subprotocols=["streamlit"], open_timeout=30) as websocket:
        session_id = _session_id_of_a_fresh_websocket(guarded_server.url, websocket)
        response = httpx.put(
            f"{guarded_server.url}/_stcore/upload_file/{session_id}/file-1",
            files={"file": ("big.csv", b"text\n" + b"a" * 1024, "text/csv")},
        )
    # Refused by the app's rule (not only by Streamlit's XSRF check, which a script can pass).
    assert response.status_code == 403
    assert response.json()["code"] == "upload.not_signed_in"
    assert session_id not in guarded_server.log()


def test_metrics_are_not_public_behind_access_control(guarded_server):
    assert httpx.get(guarded_server.url + "/_stcore/metrics").status_code == 401

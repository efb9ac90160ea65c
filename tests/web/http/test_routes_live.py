"""The real server: health before the model, readiness after, the JSON API, Streamlit's health."""

from __future__ import annotations

import httpx
import pytest

from bench.live_server import READY_TIMEOUT_SECONDS, START_TIMEOUT_SECONDS, live_server


@pytest.fixture(scope="module")
def server(tiny_model_dir, tmp_path_factory):
    with live_server(
        tmp_path_factory.mktemp("live"), MODEL_ID=str(tiny_model_dir), READY_WAIT_SECONDS="0"
    ) as running:
        first_health = running.wait_until("/healthz", 200, START_TIMEOUT_SECONDS)
        first_ready = httpx.get(running.url + "/readyz")
        running.first_health = first_health
        running.first_ready = first_ready
        running.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        yield running


def test_healthz_answers_before_the_model_is_ready(server):
    assert server.first_health.status_code == 200
    assert server.first_health.json()["model"]["state"] == "loading"


def test_readyz_is_503_while_loading(server):
    assert server.first_ready.status_code == 503
    assert server.first_ready.json()["ready"] is False


def test_readyz_turns_200_with_the_model_ready(server):
    response = httpx.get(server.url + "/readyz")
    assert response.status_code == 200
    assert response.json()["model"]["state"] == "ready"


def test_classify_returns_the_pipeline_shape(server, tiny_model):
    from core.config import Settings
    from core.inference import scoring
    from core.inference.request import build_request

    body = {"text": "そうだ京都に行こう!", "labels": ["旅行", "料理", "踊り"]}
    response = httpx.post(server.url + "/api/classify", json=body)
    assert response.status_code == 200
    data = response.json()
    expected = scoring.classify(tiny_model, build_request(body["text"], body["labels"], Settings()))
    assert data["sequence"] == body["text"]
    assert data["labels"] == list(expected.labels)
    assert data["scores"] == pytest.approx(expected.scores, abs=1e-6)
    assert data["multi_label"] is False
    assert data["hypothesis_template"] == "この例は{}です。"
    assert data["model"].endswith("tiny-nli-model0")
    assert data["elapsed_ms"] >= 0


def test_classify_honours_template_and_multi_label(server):
    body = {
        "text": "ラーメン二郎が大好きです。",
        "labels": ["料理", "旅行"],
        "hypothesis_template": "これは{}の話です。",
        "multi_label": True,
    }
    data = httpx.post(server.url + "/api/classify", json=body).json()
    assert data["multi_label"] is True
    assert data["hypothesis_template"] == "これは{}の話です。"
    assert sum(data["scores"]) != pytest.approx(1.0, abs=1e-3)


def test_malformed_json_is_400_with_an_error(server):
    response = httpx.post(server.url + "/api/classify", content=b"{not json")
    assert response.status_code == 400
    assert "error" in response.json()


def test_bad_input_is_400_with_the_reason(server):
    response = httpx.post(server.url + "/api/classify", json={"text": " ", "labels": ["旅行"]})
    assert response.status_code == 400
    assert response.json()["code"] == "error.empty_text"


def test_english_errors_on_request(server):
    response = httpx.post(
        server.url + "/api/classify",
        json={"text": "京都", "labels": []},
        headers={"Accept-Language": "en"},
    )
    assert response.json()["error"].startswith("There are no labels")


def test_streamlit_own_health_is_200(server):
    assert httpx.get(server.url + "/_stcore/health").status_code == 200


def test_app_page_is_served(server):
    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    assert '<div id="root">' in response.text


def test_model_that_fails_to_load_keeps_health_200_and_ready_503(tmp_path):
    with live_server(tmp_path, MODEL_ID=str(tmp_path / "no-such-model")) as broken:
        body = broken.wait_for_model_state("error", READY_TIMEOUT_SECONDS)
        assert "no-such-model" in body["model"]["error"]
        assert httpx.get(broken.url + "/readyz").status_code == 503
        refused = httpx.post(
            broken.url + "/api/classify", json={"text": "京都", "labels": ["旅行"]}
        )
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "5"


def test_a_client_that_leaves_mid_body_is_no_500_and_logs_no_traceback(server):
    import socket
    from urllib.parse import urlsplit

    address = urlsplit(server.url)
    head = (
        "POST /api/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 60000\r\nX-Request-ID: left-mid-body\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(head.encode() + b'{"text": "')
    # Its log line is written once the server has seen the client go.
    server.wait_until("/healthz", 200, 10)
    deadline_log = [line for line in server.log().splitlines() if "left-mid-body" in line]
    honest = httpx.post(server.url + "/api/classify", json={"text": "京都", "labels": ["旅行"]})
    assert honest.status_code == 200
    log = server.log()
    assert "Traceback" not in log
    assert all('"status": 500' not in line for line in log.splitlines() if "left-mid-body" in line)
    assert deadline_log is not None

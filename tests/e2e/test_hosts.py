"""The same app behind the two kinds of host: one that carries WebSockets and one that does not."""

from __future__ import annotations

import socket

import httpx
import pytest
import yaml
from playwright.sync_api import expect

from bench.live_server import READY_TIMEOUT_SECONDS, live_server
from tests.conftest import ROOT
from tests.e2e.conftest import screenshot
from tests.proxies import nginx_proxy

APP_RUNNER_MANIFEST = ROOT / "copilot" / "zeroshot" / "manifest.yml"


def _manifest_variables() -> dict[str, str]:
    manifest = yaml.safe_load(APP_RUNNER_MANIFEST.read_text(encoding="utf-8"))
    return {name: str(value) for name, value in manifest["variables"].items()}


@pytest.fixture(scope="module")
def alb_like(tiny_model_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("alb")
    with live_server(tmp, MODEL_ID=str(tiny_model_dir)) as app:
        app.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        port = int(app.url.rsplit(":", 1)[1])
        with nginx_proxy(tmp / "nginx", port, websockets=True) as url:
            yield url


@pytest.fixture(scope="module")
def app_runner_like(tiny_model_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("apprunner")
    with live_server(tmp, MODEL_ID=str(tiny_model_dir), **_manifest_variables()) as app:
        app.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        port = int(app.url.rsplit(":", 1)[1])
        with nginx_proxy(tmp / "nginx", port, websockets=False) as url:
            yield url


def _websocket_handshake_status(url: str) -> int:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"GET /_stcore/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        return int(sock.recv(1024).split(b" ")[1])


def test_alb_like_proxy_carries_the_websocket(alb_like):
    assert _websocket_handshake_status(alb_like) == 101


def test_app_runner_like_proxy_does_not(app_runner_like):
    assert _websocket_handshake_status(app_runner_like) != 101


def test_streamlit_app_classifies_through_the_alb_like_proxy(page, alb_like):
    page.goto(alb_like + "/")
    page.get_by_role("textbox", name="テキスト", exact=True).fill("ラーメン二郎が大好きです。")
    page.get_by_role("button", name="分類する").click()
    expect(page.locator('[data-testid="stTable"] tbody tr')).to_have_count(3)
    screenshot(page, "alb-like-streamlit")


def test_plain_http_page_classifies_through_the_app_runner_like_proxy(page, app_runner_like):
    page.goto(app_runner_like + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("日本語ゼロショット分類 (ライト版)")
    page.get_by_role("button", name="ブレイクダンスでダンスバトルです。").click()
    expect(page.get_by_role("textbox", name="テキスト")).to_have_value(
        "ブレイクダンスでダンスバトルです。"
    )
    page.get_by_role("textbox", name="カスタムラベル").fill("音楽")
    page.get_by_role("button", name="分類する").click()
    rows = page.locator("#results li")
    expect(rows).to_have_count(4)
    labels = [rows.nth(i).get_attribute("data-label") for i in range(4)]
    scores = [float(rows.nth(i).get_attribute("data-score")) for i in range(4)]
    assert sorted(labels) == sorted(["旅行", "料理", "踊り", "音楽"])
    assert scores == sorted(scores, reverse=True)
    screenshot(page, "app-runner-like-lite")


def test_plain_http_page_shows_user_html_as_text(page, app_runner_like):
    page.goto(app_runner_like + "/")
    page.get_by_role("textbox", name="テキスト").fill("京都")
    # No `=` or `|` in the markup: those write a label's wordings (core.labels.written).
    page.get_by_role("textbox", name="カスタムラベル").fill("<img src onerror>")
    page.get_by_role("button", name="分類する").click()
    expect(page.locator("#results li")).to_have_count(4)
    expect(page.get_by_text("<img src onerror>", exact=True)).to_be_visible()
    assert page.locator("#results img").count() == 0


def test_plain_http_page_explains_bad_input(page, app_runner_like):
    page.goto(app_runner_like + "/")
    page.get_by_role("button", name="分類する").click()
    expect(page.get_by_role("status")).to_contain_text("テキストが空です")


def test_healthz_answers_through_the_app_runner_like_proxy(app_runner_like):
    response = httpx.get(app_runner_like + "/healthz")
    assert response.status_code == 200
    assert response.json()["model"]["state"] == "ready"

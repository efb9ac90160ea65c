"""The plain-HTTP page: rendered from our own strings, escaped, strict about what it serves."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from web.http import lite_page as lite
from web.http.application import build_api


@pytest.fixture
def client(settings):
    return TestClient(build_api(settings))


def test_page_is_japanese_first(client):
    response = client.get("/lite")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.text
    assert "日本語ゼロショット分類 (ライト版)" in response.text


def test_page_in_english_on_request(client):
    assert "Japanese zero-shot classification (lite)" in client.get("/lite?lang=en").text


def test_page_sends_a_strict_content_security_policy(client):
    policy = client.get("/lite").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_template_setting_is_escaped_in_the_page():
    page = lite.render_page("ja", '"><script>alert(1)</script>{}', http_only=False)
    assert "<script>alert(1)</script>" not in page
    assert "&quot;&gt;&lt;script&gt;" in page


def test_only_known_assets_are_served(client):
    assert client.get("/lite/lite.js").status_code == 200
    assert client.get("/lite/index.html").status_code == 404
    assert client.get("/lite/..%2Fcore%2Fconfig.py").status_code == 404


def test_defaults_give_the_seed_labels_and_examples(client):
    body = client.get("/api/defaults").json()
    assert body["labels"] == ["旅行", "料理", "踊り"]
    assert body["examples"][0] == "そうだ京都に行こう!"


def test_http_only_makes_the_lite_page_the_root(settings):
    only = settings.model_copy(update={"http_only": True})
    root = TestClient(build_api(only)).get("/")
    assert root.status_code == 200
    assert '<html lang="ja">' in root.text
    assert TestClient(build_api(settings)).get("/").status_code == 404

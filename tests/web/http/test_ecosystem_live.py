"""The real server spoken to by the real clients: huggingface_hub's InferenceClient, the mcp SDK,
an OpenAPI validator, plain HTTP."""

from __future__ import annotations

import json

import httpx
import pytest
from huggingface_hub import InferenceClient
from huggingface_hub import constants as hub_constants
from huggingface_hub.errors import HfHubHTTPError
from mcp import Client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
from openapi_spec_validator import validate

from bench.live_server import READY_TIMEOUT_SECONDS, live_server
from tests.conftest import API_TOKEN, run_apart

TEXT = "週末は京都で寺を巡って、おいしい湯豆腐を食べました。"
LABELS = ["旅行", "料理", "踊り"]


@pytest.fixture(scope="module")
def server(tiny_model_dir, tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("ecosystem"), MODEL_ID=str(tiny_model_dir)) as running:
        running.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        yield running


@pytest.fixture(autouse=True)
def hub_client_may_reach_our_server(monkeypatch):
    # The tests run with HF_HUB_OFFLINE=1 (never the hub); the client then refuses every URL,
    # ours included. Our server is on 127.0.0.1: let the client speak to it.
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)


def _classify(url: str, headers: dict | None = None, **body) -> httpx.Response:
    return httpx.post(url + "/api/classify", json=body, headers=headers or {}, timeout=30)


@pytest.mark.parametrize(
    ("multi_label", "template"),
    [(False, None), (True, None), (False, "これは{}の話です。")],
    ids=["single", "multi", "template"],
)
def test_inference_client_gets_what_the_api_gives(server, multi_label, template):
    client = InferenceClient(model=server.url + "/api/hf")
    answer = client.zero_shot_classification(
        TEXT, LABELS, multi_label=multi_label, hypothesis_template=template
    )
    ours = _classify(
        server.url,
        text=TEXT,
        labels=LABELS,
        multi_label=multi_label,
        **({"hypothesis_template": template} if template else {}),
    ).json()
    assert [item.label for item in answer] == ours["labels"]
    assert [item.score for item in answer] == pytest.approx(ours["scores"], abs=1e-6)


def test_inference_client_errors_carry_the_message(server):
    client = InferenceClient(model=server.url + "/api/hf")
    with pytest.raises(HfHubHTTPError) as empty:
        client.zero_shot_classification("", LABELS)
    assert empty.value.response.status_code == 400
    assert "テキストが空です" in str(empty.value)
    with pytest.raises(HfHubHTTPError) as too_many:
        client.zero_shot_classification(TEXT, [f"L{i}" for i in range(51)])
    assert too_many.value.response.status_code == 400
    assert "51" in str(too_many.value)


def test_inference_client_works_with_the_token_and_not_without(guarded_server):
    url = guarded_server.url + "/api/hf"
    answer = InferenceClient(model=url, api_key=API_TOKEN).zero_shot_classification(TEXT, LABELS)
    assert sorted(item.label for item in answer) == sorted(LABELS)
    with pytest.raises(HfHubHTTPError) as refused:
        InferenceClient(model=url).zero_shot_classification(TEXT, LABELS)
    assert refused.value.response.status_code == 401


def test_a_comma_separated_label_string_is_accepted(server):
    body = {"inputs": TEXT, "parameters": {"candidate_labels": "旅行,料理, 踊り"}}
    response = httpx.post(server.url + "/api/hf", json=body)
    assert sorted(item["label"] for item in response.json()) == sorted(LABELS)
    assert response.headers["x-truncated"] == "false"
    assert response.headers["x-dropped-labels"] == "[]"


def test_a_list_of_three_texts_equals_three_single_calls(server):
    texts = [TEXT, "ラーメンが好きです。", "ダンスバトルに出ます。"]
    many = _classify(server.url, text=texts, labels=LABELS).json()
    singles = [_classify(server.url, text=text, labels=LABELS).json() for text in texts]
    assert [r["sequence"] for r in many] == texts
    for batched, single in zip(many, singles, strict=True):
        assert batched["labels"] == single["labels"]
        assert batched["scores"] == pytest.approx(single["scores"], abs=1e-5)


def test_a_bad_item_in_a_list_is_named_by_its_index(server):
    response = _classify(
        server.url, text=[TEXT, " "], labels=LABELS, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("text[1]:")


def test_the_openapi_document_validates_and_names_every_route(server):
    document = httpx.get(server.url + "/api/openapi.json").json()
    validate(document)
    assert {
        "/healthz",
        "/readyz",
        "/api/classify",
        "/api/hf",
        "/api/defaults",
        "/api/openapi.json",
        "/lite",
    } <= set(document["paths"])


def test_unknown_api_paths_and_wrong_methods_answer_json(server):
    for path in ("/api/nothing-here", "/api"):
        missing = httpx.put(server.url + path)
        assert missing.status_code == 404
        assert missing.json()["code"] == "error.not_found"
    wrong = httpx.get(server.url + "/api/classify")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"
    assert wrong.json()["code"] == "error.method"


def test_an_mcp_client_lists_and_calls_the_tools(server):
    async def run():
        async with Client(server.url + "/mcp") as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            result = await client.call_tool("classify", {"text": TEXT, "labels": LABELS})
            sets = await client.call_tool("list_label_sets", {})
        return tools, result, sets

    tools, result, sets = run_apart(run())
    assert set(tools) == {"classify", "list_label_sets"}
    assert "候補ラベル" in str(tools["classify"].input_schema)
    assert not result.is_error
    ours = _classify(server.url, text=TEXT, labels=LABELS).json()
    assert result.structured_content["labels"] == ours["labels"]
    assert not sets.is_error


def test_mcp_is_behind_the_same_access_control(guarded_server):
    refused = httpx.post(guarded_server.url + "/mcp", json={"jsonrpc": "2.0", "id": 1})
    assert refused.status_code == 401

    async def run():
        http = create_mcp_http_client(headers={"authorization": f"Bearer {API_TOKEN}"})
        transport = streamable_http_client(guarded_server.url + "/mcp", http_client=http)
        async with Client(transport) as client:
            return await client.call_tool("classify", {"text": TEXT, "labels": LABELS})

    assert sorted(run_apart(run()).structured_content["labels"]) == sorted(LABELS)


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"text": TEXT, "labels": []}, "There are no labels"),
        ({"text": TEXT, "label_set": "no-such-set-" + "x" * 1000}, "There is no label set"),
    ],
    ids=["no labels", "unknown set"],
)
def test_mcp_refusals_carry_our_message_and_log_no_traceback(server, arguments, says):
    async def run():
        async with Client(server.url + "/mcp") as client:
            return await client.call_tool("classify", arguments)

    result = run_apart(run())
    assert result.is_error
    text = " ".join(getattr(part, "text", "") for part in result.content)
    assert says in text
    assert "Traceback" not in server.log()


def test_mcp_refusals_are_in_the_calls_language(server):
    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

    async def run():
        http = create_mcp_http_client(headers={"accept-language": "ja"})
        async with Client(streamable_http_client(server.url + "/mcp", http_client=http)) as client:
            return await client.call_tool("classify", {"text": TEXT, "labels": []})

    result = run_apart(run())
    assert result.is_error
    assert "ラベル" in " ".join(getattr(part, "text", "") for part in result.content)


def test_a_lone_surrogate_in_an_mcp_tool_call_is_refused_with_our_message(server):
    # The SDK's client cannot send one (it encodes UTF-8); a raw JSON-RPC call with the JSON
    # escape can, as any other client may.
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "classify", "arguments": {"text": "京都\ud800", "labels": LABELS}},
    }
    answer = httpx.post(
        server.url + "/mcp",
        content=json.dumps(call, ensure_ascii=True),
        headers={
            "content-type": "application/json",
            "accept": "application/json, text/event-stream",
            "mcp-protocol-version": "2025-06-18",
        },
        timeout=30,
    )
    # Refused before the SDK reads it, as on every route (the tool checks again for a
    # transport that lets it through).
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "error.bad_unicode"
    assert "サロゲート" in answer.json()["error"]
    assert "Traceback" not in server.log()


def _log_lines(server, route: str) -> list[dict]:
    found = [
        json.loads(line)
        for line in server.log().splitlines()
        if line.startswith('{"event": "request"')
    ]
    return [line for line in found if line["route"] == route]


def test_an_mcp_client_that_leaves_mid_body_is_not_an_error(server):
    import socket
    import time
    from urllib.parse import urlparse

    address = urlparse(server.url)
    head = (
        b"POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Accept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n"
    )

    def left() -> int:
        return sum(line["status"] == 499 for line in _log_lines(server, "/mcp"))

    before = left()
    for number in range(5):
        # Each from an address of its own: one client's share (MAX_CLIENT_REQUESTS) is not
        # what this checks.
        source = (f"127.0.0.{10 + number}", 0)
        with socket.create_connection((address.hostname, address.port), 10, source) as sock:
            sock.sendall(head + b'{"jsonrpc"')
    deadline = time.monotonic() + 30
    while left() < before + 5 and time.monotonic() < deadline:
        # The server logs each request once it has given up on it; wait for those lines.
        httpx.get(server.url + "/healthz", timeout=5)
    assert left() == before + 5
    assert 500 not in [line["status"] for line in _log_lines(server, "/mcp")]
    assert "Traceback" not in server.log() and "ClientDisconnect" not in server.log()


def test_an_mcp_body_past_the_limit_is_refused_like_every_route(server):
    from web.http.body_limit import MAX_BODY_BYTES

    body = b'{"jsonrpc": "2.0", "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    headers = {"content-type": "application/json", "accept": "application/json"}
    answer = httpx.post(server.url + "/mcp", content=body, headers=headers, timeout=30)
    assert answer.status_code == 413
    assert answer.json()["code"] == "error.body_too_large"

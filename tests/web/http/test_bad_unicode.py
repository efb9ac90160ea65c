"""A lone surrogate (JSON "\\ud800") in any JSON string of any route is a 400 with its own code
and message, never a 500; no response header grows with the input."""

from __future__ import annotations

import json

import pytest

from core.labels.defaults import DEFAULT_LABELS
from web.http.hf import MAX_DROPPED_HEADER_BYTES

BAD = "\ud800"
CLASSIFY = {"text": "京都に行く", "labels": ["旅行", "料理"]}
HF = {"inputs": "京都に行く", "parameters": {"candidate_labels": ["旅行", "料理"]}}
SET = {"labels": ["旅行", "料理"], "hypothesis_template": "これは{}の話です。", "notes": ""}

# (case id, method, path, body)
CASES = [
    ("classify text", "POST", "/api/classify", {**CLASSIFY, "text": "京都" + BAD}),
    ("classify a text of a list", "POST", "/api/classify", {**CLASSIFY, "text": ["京都", BAD]}),
    ("classify a label", "POST", "/api/classify", {**CLASSIFY, "labels": ["旅行", BAD]}),
    ("classify template", "POST", "/api/classify", {**CLASSIFY, "hypothesis_template": BAD + "{}"}),
    ("classify set name", "POST", "/api/classify", {"text": "京都", "label_set": BAD}),
    ("classify wordings key", "POST", "/api/classify", {**CLASSIFY, "wordings": {BAD: ["旅"]}}),
    ("classify an unknown field", "POST", "/api/classify", {**CLASSIFY, "extra": BAD}),
    ("hf inputs", "POST", "/api/hf", {**HF, "inputs": BAD}),
    (
        "hf parameters",
        "POST",
        "/api/hf",
        {**HF, "parameters": {"candidate_labels": "旅行," + BAD}},
    ),
    ("label-set put labels", "PUT", "/api/label-sets/u-test", {**SET, "labels": [BAD]}),
    ("label-set put notes", "PUT", "/api/label-sets/u-test", {**SET, "notes": BAD}),
    ("lite classify", "POST", "/lite/api/classify", {**CLASSIFY, "text": BAD}),
    ("login grant", "POST", "/auth/session", {"grant": BAD}),
    (
        "thresholds rows",
        "POST",
        "/api/label-sets/u-test/thresholds",
        {"rows": [{"text": BAD, "expected": ["旅行"]}]},
    ),
    (
        "tuning rows",
        "POST",
        "/api/label-sets/u-test/tuning",
        {"rows": [{"text": "京都", "expected": [BAD]}]},
    ),
    (
        "mcp tool arguments",
        "POST",
        "/mcp",
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "classify", "arguments": {"text": BAD, "labels": ["旅行"]}},
        },
    ),
]


def _send(client, method, path, body, lang="ja"):
    # ensure_ascii: the surrogate travels as the JSON escape "\ud800", as a client sends it.
    content = json.dumps(body, ensure_ascii=True).encode()
    headers = {"content-type": "application/json", "accept-language": lang}
    return client.request(method, path, content=content, headers=headers)


@pytest.mark.parametrize(
    ("method", "path", "body"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_lone_surrogate_is_a_400_with_its_own_code(open_client, method, path, body):
    answer = _send(open_client, method, path, body)
    assert answer.status_code == 400
    assert answer.json()["code"] == "error.bad_unicode"
    assert "サロゲート" in answer.json()["error"]
    english = _send(open_client, method, path, body, lang="en")
    assert "surrogate" in english.json()["error"]


def test_seven_thousand_duplicate_labels_leave_the_headers_small(open_client):
    answer = open_client.post(
        "/api/hf",
        json={"inputs": "京都に行く", "parameters": {"candidate_labels": ["旅行"] * 7000}},
    )
    assert answer.status_code in (400, 422)  # over MAX_LABELS, duplicates counted
    assert sum(len(k) + len(v) for k, v in answer.headers.items()) < 1024


def test_the_dropped_labels_header_stays_within_its_bound(open_client):
    labels = [f"{label}{'あ' * 40}{i}" for i, label in enumerate(DEFAULT_LABELS * 8)][:25]
    answer = open_client.post(
        "/api/hf", json={"inputs": "京都に行く", "parameters": {"candidate_labels": labels * 2}}
    )
    assert answer.status_code == 200
    header = answer.headers["x-dropped-labels"]
    assert len(header) <= MAX_DROPPED_HEADER_BYTES
    assert set(json.loads(header)) <= set(labels)

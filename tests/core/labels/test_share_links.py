from __future__ import annotations

import base64
import json
import zlib

import pytest

from core.config import Settings
from core.errors import InputError
from core.labels.share_links import MAX_PARAM_CHARS, SharedState, decode, encode, query_string

TYPICAL = SharedState(
    ("旅行", "料理", "踊り"), "この例は{}です。", False, "そうだ京都に行こう!", "標準"
)

SETTINGS = Settings()


def test_a_link_round_trips_every_field():
    assert decode(encode(TYPICAL), SETTINGS) == TYPICAL
    multi = SharedState(("a", "b"), "{}", True)
    assert decode(encode(multi), SETTINGS) == multi


def test_a_typical_link_stays_short():
    assert len(query_string(TYPICAL)) < 200


def test_a_link_too_long_for_a_url_is_refused():
    huge = SharedState(tuple(f"ラベル{i}" for i in range(3000)), "{}")
    with pytest.raises(InputError) as caught:
        encode(huge)
    assert caught.value.key == "share.too_long"


def _pack(data) -> str:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not base64 !!",
        base64.urlsafe_b64encode(b"not zlib").decode(),
        _pack([1, 2]),
        _pack({"v": 99, "l": ["a"], "t": "{}"}),
        _pack({"v": 1, "l": [], "t": "{}"}),
        _pack({"v": 1, "l": [1], "t": "{}"}),
        _pack({"v": 1, "l": ["a"], "t": "{}", "m": "yes"}),
        "A" * (MAX_PARAM_CHARS + 1),
    ],
    ids=["empty", "not-base64", "not-zlib", "not-object", "version", "no-labels",
         "label-type", "mode-type", "too-long"],
)  # fmt: skip
def test_a_malformed_link_fails_clearly(value):
    with pytest.raises(InputError) as caught:
        decode(value, SETTINGS)
    assert caught.value.key == "share.malformed"


def test_a_compression_bomb_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" * 1_000_000, 9)).decode()
    assert len(bomb) < MAX_PARAM_CHARS
    with pytest.raises(InputError):
        decode(bomb, SETTINGS)


def test_a_short_link_with_thousands_of_repeated_labels_is_refused():
    # 9,000 labels compress into a link of a few hundred characters; they once froze the page.
    # Repeats count toward the label limit as in a request.
    value = _pack({"v": 1, "l": ["あ", "い"] * 4500, "t": "{}", "m": False})
    assert len(value) < 1000
    with pytest.raises(InputError) as caught:
        decode(value, SETTINGS)
    assert caught.value.key == "error.too_many_labels"


def test_a_link_with_more_labels_than_a_request_may_have_is_refused():
    value = _pack({"v": 1, "l": [f"L{i}" for i in range(51)], "t": "{}", "m": False})
    with pytest.raises(InputError) as caught:
        decode(value, SETTINGS)
    assert caught.value.key == "error.too_many_labels"


def test_deeply_nested_json_in_a_link_is_a_clear_message():
    nested = base64.urlsafe_b64encode(zlib.compress(b"[" * 50_000 + b"]" * 50_000, 9)).decode()
    with pytest.raises(InputError) as caught:
        decode(nested.rstrip("="), SETTINGS)
    assert caught.value.key == "share.malformed"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"v": 1, "l": ["あ" * 51], "t": "{}", "m": False}, "error.label_too_long"),
        ({"v": 1, "l": ["旅行"], "t": "{}{0.__class__}", "m": False}, "error.template_braces"),
        ({"v": 1, "l": ["旅行"], "t": "{}", "m": False, "x": "あ" * 5001}, "error.text_too_long"),
    ],
)
def test_a_link_obeys_the_api_limits(data, key):
    with pytest.raises(InputError) as caught:
        decode(_pack(data), SETTINGS)
    assert caught.value.key == key

from __future__ import annotations

import base64
import json
import zlib

import pytest

from core.errors import InputError
from core.labels.share_links import MAX_PARAM_CHARS, SharedState, decode, encode, query_string

TYPICAL = SharedState(
    ("旅行", "料理", "踊り"), "この例は{}です。", False, "そうだ京都に行こう!", "標準"
)


def test_a_link_round_trips_every_field():
    assert decode(encode(TYPICAL)) == TYPICAL
    multi = SharedState(("a", "b"), "{}", True)
    assert decode(encode(multi)) == multi


def test_a_typical_link_stays_short():
    assert len(query_string(TYPICAL)) < 200


def test_a_link_too_long_for_a_url_is_refused():
    huge = SharedState(tuple(f"ラベル{i}" for i in range(3000)), "{}")
    with pytest.raises(InputError) as caught:
        encode(huge)
    assert caught.value.key == "share.too_long"


def _pack(data) -> str:
    raw = json.dumps(data).encode()
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
        decode(value)
    assert caught.value.key == "share.malformed"


def test_a_compression_bomb_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" * 1_000_000, 9)).decode()
    assert len(bomb) < MAX_PARAM_CHARS
    with pytest.raises(InputError):
        decode(bomb)

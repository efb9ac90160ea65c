"""Share links: the label set, template, mode and text in one short query parameter.

The state is JSON, compressed with zlib and base64url-encoded: Japanese text costs about 4 URL
characters per character this way, against 9 for plain percent-encoding.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass
from urllib.parse import urlencode

from core.config import Settings
from core.errors import InputError
from core.inference.request import check_plain_text, check_template, clean_labels, clean_text

QUERY_KEY = "s"
# Format version: links made today keep opening after the format changes.
VERSION = 1
# Browsers and proxies cut URLs somewhere past 8 KB; refuse to make a link that would be cut.
MAX_PARAM_CHARS = 6000
# Decompressed size cap: a crafted link cannot inflate into a memory bomb.
MAX_STATE_BYTES = 64 * 1024


@dataclass(frozen=True)
class SharedState:
    labels: tuple[str, ...]
    template: str
    multi_label: bool = False
    text: str = ""
    set_name: str = ""


def encode(state: SharedState) -> str:
    """The query parameter value for `state`."""
    data = {"v": VERSION, "l": list(state.labels), "t": state.template, "m": state.multi_label}
    if state.text:
        data["x"] = state.text
    if state.set_name:
        data["n"] = state.set_name
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    value = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    if len(value) > MAX_PARAM_CHARS:
        raise InputError("share.too_long", limit=MAX_PARAM_CHARS)
    return value


def query_string(state: SharedState) -> str:
    return urlencode({QUERY_KEY: encode(state)})


def _malformed() -> InputError:
    return InputError("share.malformed")


def decode(value: str, settings: Settings) -> SharedState:
    """The state in a link's parameter; a damaged or foreign link raises InputError, and so does
    one whose labels, template or text are over the API's limits (a crafted link cannot freeze
    the page with thousands of labels)."""
    if not value or len(value) > MAX_PARAM_CHARS:
        raise _malformed()
    try:
        packed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_STATE_BYTES)
        if inflater.unconsumed_tail:
            raise _malformed()
        data = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError, RecursionError):
        raise _malformed() from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise _malformed()
    labels, template = data.get("l"), data.get("t")
    text, name, multi = data.get("x", ""), data.get("n", ""), data.get("m", False)
    if not (
        isinstance(labels, list)
        and labels
        and all(isinstance(label, str) for label in labels)
        and isinstance(template, str)
        and isinstance(text, str)
        and isinstance(name, str)
        and isinstance(multi, bool)
    ):
        raise _malformed()
    kept, _ = clean_labels(labels, settings)
    check_template(template, settings)
    if text:
        text = clean_text(text, settings)
    return SharedState(kept, template, multi, text, check_plain_text(name, "name"))

"""A whole workspace as one JSON file: versioned, validated, with errors a person can act on."""

from __future__ import annotations

import json
from typing import Any

from core.errors import InputError
from core.workspaces.store import MAX_DOCUMENT_BYTES

FORMAT = "zeroshot-ja-workspace"
FORMAT_VERSION = 1


def export_document(data: dict[str, Any]) -> bytes:
    document = {"format": FORMAT, "version": FORMAT_VERSION, "workspace": data}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()


def parse_document(raw: bytes, expected: dict[str, type]) -> dict[str, Any]:
    """The workspace in an exported file; only the keys in `expected`, each of its type."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputError("workspace.too_large", limit=MAX_DOCUMENT_BYTES // (1024 * 1024))
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InputError("workspace.not_json") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError("workspace.wrong_format")
    if document.get("version") != FORMAT_VERSION:
        raise InputError(
            "workspace.wrong_version", found=document.get("version"), supported=FORMAT_VERSION
        )
    data = document.get("workspace")
    if not isinstance(data, dict):
        raise InputError("workspace.wrong_format")
    kept = {}
    for key, kind in expected.items():
        if key not in data:
            continue
        if not _is(data[key], kind):
            raise InputError("workspace.bad_field", field=key)
        kept[key] = data[key]
    return kept


def _is(value: Any, kind: type) -> bool:
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, (str, dict)) for v in value)
    if kind is dict:
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
            for k, v in value.items()
        )
    if kind is bool:
        return isinstance(value, bool)
    return isinstance(value, kind)

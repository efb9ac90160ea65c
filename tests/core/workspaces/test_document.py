"""A workspace as one JSON file: what is exported comes back; anything else is a clear refusal."""

from __future__ import annotations

import json

import pytest

from core.errors import InputError
from core.workspaces.document import FORMAT, FORMAT_VERSION, export_document, parse_document

TYPES = {"label_sets": dict, "examples": list, "input_text": str, "input_multi_label": bool}
DATA = {
    "label_sets": {"標準": ["旅行", "料理"]},
    "examples": ["京都に行こう"],
    "input_text": "テキスト",
    "input_multi_label": True,
}


def _file(workspace, **document) -> bytes:
    body = {"format": FORMAT, "version": FORMAT_VERSION, "workspace": workspace, **document}
    return json.dumps(body).encode()


def test_an_exported_workspace_comes_back_equal():
    assert parse_document(export_document(DATA), TYPES) == DATA


def test_unknown_keys_are_left_out():
    assert parse_document(_file({**DATA, "surprise": 1}), TYPES) == DATA


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b"\xff\xfe not json", "workspace.not_json"),
        (b"[1, 2]", "workspace.wrong_format"),
        (json.dumps({"format": "other", "version": 1}).encode(), "workspace.wrong_format"),
        (_file(DATA, version=99), "workspace.wrong_version"),
        (_file({"examples": "not a list"}), "workspace.bad_field"),
        (_file({"label_sets": {"標準": [1, 2]}}), "workspace.bad_field"),
        (_file({"input_multi_label": "yes"}), "workspace.bad_field"),
        (b"[" * 100_000, "workspace.not_json"),
    ],
    ids=[
        "not utf-8",
        "not an object",
        "another format",
        "a newer version",
        "examples not a list",
        "labels not text",
        "mode not a bool",
        "nested too deep",
    ],
)
def test_a_bad_file_is_a_clear_refusal(raw, key):
    with pytest.raises(InputError) as refused:
        parse_document(raw, TYPES)
    assert refused.value.key == key
    assert str(refused.value)

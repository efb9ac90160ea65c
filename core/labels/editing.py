"""Edit label lists and move label sets in and out as JSON. Pure functions on plain lists."""

from __future__ import annotations

import json

from core.errors import InputError

# A label-set file is a handful of short strings; anything larger is not one.
MAX_LABEL_SET_JSON_BYTES = 100_000


def _clean(label: str) -> str:
    label = label.strip()
    if not label:
        raise InputError("error.empty_label")
    return label


def add_label(labels: list[str], label: str) -> list[str]:
    label = _clean(label)
    if label in labels:
        raise InputError("error.label_exists", label=label)
    return [*labels, label]


def rename_label(labels: list[str], index: int, new: str) -> list[str]:
    new = _clean(new)
    if new != labels[index] and new in labels:
        raise InputError("error.label_exists", label=new)
    return [new if i == index else label for i, label in enumerate(labels)]


def remove_label(labels: list[str], index: int) -> list[str]:
    return [label for i, label in enumerate(labels) if i != index]


def move_label(labels: list[str], index: int, offset: int) -> list[str]:
    """Move one label `offset` places; moves past either end stop there."""
    target = min(max(index + offset, 0), len(labels) - 1)
    moved = list(labels)
    moved.insert(target, moved.pop(index))
    return moved


def export_label_set(name: str, labels: list[str]) -> str:
    return json.dumps({"name": name, "labels": list(labels)}, ensure_ascii=False, indent=2)


def import_label_set(data: str | bytes) -> tuple[str, list[str]]:
    """(name, labels) from JSON `{"name": ..., "labels": [...]}`; a bare list is accepted too."""
    if len(data) > MAX_LABEL_SET_JSON_BYTES:
        raise InputError("error.bad_label_set")
    try:
        parsed = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("error.bad_json", detail=str(exc)) from exc
    if isinstance(parsed, list):
        parsed = {"name": "", "labels": parsed}
    if not isinstance(parsed, dict):
        raise InputError("error.bad_label_set")
    name, raw_labels = parsed.get("name", ""), parsed.get("labels")
    if not isinstance(name, str) or not isinstance(raw_labels, list):
        raise InputError("error.bad_label_set")
    labels: list[str] = []
    for raw in raw_labels:
        if not isinstance(raw, str):
            raise InputError("error.bad_label_set")
        if raw.strip() and raw.strip() not in labels:
            labels.append(raw.strip())
    if not labels:
        raise InputError("error.no_labels")
    return name.strip(), labels

"""Edit label lists and move label sets in and out as JSON. Pure functions on plain lists."""

from __future__ import annotations

import json
from collections.abc import Iterable

from core.config import Settings
from core.errors import InputError
from core.inference.request import check_plain_text, check_template, clean_labels, normalize_label

# A label-set file is a handful of short strings; anything larger is not one.
MAX_LABEL_SET_JSON_BYTES = 100_000


def _clean(label: str, settings: Settings) -> str:
    """One label as the API would take it: stripped, no control characters, not too long."""
    label = label.strip()
    if not label:
        raise InputError("error.empty_label")
    (kept,), _ = clean_labels([label], settings)
    return kept


def _same_as(label: str, labels: Iterable[str]) -> str | None:
    """The label of `labels` the model cannot tell from `label` (same normal form), if any."""
    key = normalize_label(label)
    return next((other for other in labels if normalize_label(other) == key), None)


def add_label(labels: list[str], label: str, settings: Settings) -> list[str]:
    label = _clean(label, settings)
    existing = _same_as(label, labels)
    if existing is not None:
        raise InputError("error.label_exists", label=existing)
    if len(labels) >= settings.limits.max_labels:
        raise InputError(
            "error.too_many_labels", count=len(labels) + 1, limit=settings.limits.max_labels
        )
    return [*labels, label]


def rename_label(labels: list[str], index: int, new: str, settings: Settings) -> list[str]:
    new = _clean(new, settings)
    existing = _same_as(new, [label for i, label in enumerate(labels) if i != index])
    if existing is not None:
        raise InputError("error.label_exists", label=existing)
    return [new if i == index else label for i, label in enumerate(labels)]


def remove_label(labels: list[str], index: int) -> list[str]:
    return [label for i, label in enumerate(labels) if i != index]


def move_label(labels: list[str], index: int, offset: int) -> list[str]:
    """Move one label `offset` places; moves past either end stop there."""
    target = min(max(index + offset, 0), len(labels) - 1)
    moved = list(labels)
    moved.insert(target, moved.pop(index))
    return moved


def export_label_set(name: str, labels: list[str], template: str) -> str:
    body = {"name": name, "labels": list(labels), "hypothesis_template": template}
    return json.dumps(body, ensure_ascii=False, indent=2)


def unique_name(name: str, taken: Iterable[str]) -> str:
    """`name`, or `name (2)`, `name (3)`… when it is taken: an import never replaces a set."""
    taken = set(taken)
    if name not in taken:
        return name
    number = 2
    while f"{name} ({number})" in taken:
        number += 1
    return f"{name} ({number})"


def import_label_set(data: str | bytes, settings: Settings) -> tuple[str, list[str], str | None]:
    """(name, labels, template or None) from JSON `{"name", "labels", "hypothesis_template"?}`;
    a bare list of labels is accepted too.

    The labels obey the API's limits (count, length, characters), so an imported set can be
    classified with as it is.
    """
    if len(data) > MAX_LABEL_SET_JSON_BYTES:
        raise InputError("error.bad_label_set")
    try:
        parsed = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("error.bad_json", detail=str(exc)) from None
    except RecursionError:  # `[[[[…]]]]` nested past Python's limit
        raise InputError("error.bad_label_set") from None
    if isinstance(parsed, list):
        parsed = {"name": "", "labels": parsed}
    if not isinstance(parsed, dict):
        raise InputError("error.bad_label_set")
    name, raw_labels = parsed.get("name", ""), parsed.get("labels")
    if not isinstance(name, str) or not isinstance(raw_labels, list):
        raise InputError("error.bad_label_set")
    if not all(isinstance(raw, str) for raw in raw_labels):
        raise InputError("error.bad_label_set")
    labels, _ = clean_labels(raw_labels, settings)
    name = check_plain_text(name.strip(), "name")
    template = parsed.get("hypothesis_template")
    if template is not None:
        if not isinstance(template, str):
            raise InputError("error.bad_label_set")
        template = check_template(template, settings)
    return name, list(labels), template

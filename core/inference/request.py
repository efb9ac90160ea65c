"""A classification request: raw user input checked into a ClassificationRequest, or InputError."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from core.config import Settings
from core.errors import InputError

PLACEHOLDER = "{}"
# Shown from an over-long label, so the message names it without flooding the screen.
LABEL_PREVIEW_CHARS = 20


@dataclass(frozen=True)
class ClassificationRequest:
    """Validated input: labels are stripped, de-duplicated and in the user's order."""

    text: str
    labels: tuple[str, ...]
    hypothesis_template: str
    multi_label: bool = False
    dropped_labels: tuple[str, ...] = ()


# Control characters have no place in a label, a name or a template; NUL also breaks PostgreSQL.
_CONTROL = {chr(c) for c in range(32)} | {chr(127)}
_LINE_BREAKS = {"\n", "\r", "\t"}


def check_plain_text(value: str, field: str, allow_newlines: bool = False) -> str:
    """`value` unchanged, or InputError naming `field` if it holds a control character."""
    forbidden = _CONTROL - _LINE_BREAKS if allow_newlines else _CONTROL
    if any(char in forbidden for char in value):
        raise InputError("error.control_chars", field=field)
    return value


def check_unicode(value: object) -> None:
    """InputError("error.bad_unicode") if any string in `value` (nested lists and dicts, keys
    too) holds an unpaired surrogate: JSON's `"\\ud800"` decodes to one, and no encoder, tokenizer
    or database can take it (RFC 8259 section 8.2)."""
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError as error:
        char = f"U+{ord(error.object[error.start]):04X}"
        raise InputError("error.bad_unicode", char=char) from None


def check_template(template: str, settings: Settings) -> str:
    """A template with exactly one `{}` and no other braces (no format fields at all)."""
    if not isinstance(template, str):
        raise InputError("error.bad_request", detail="hypothesis_template")
    if len(template) > settings.limits.max_template_chars:
        raise InputError(
            "error.template_too_long",
            length=len(template),
            limit=settings.limits.max_template_chars,
        )
    check_plain_text(template, "hypothesis_template")
    count = template.count(PLACEHOLDER)
    if count != 1:
        raise InputError("error.template_placeholder", count=count)
    if "{" in template.replace(PLACEHOLDER, "") or "}" in template.replace(PLACEHOLDER, ""):
        raise InputError("error.template_braces")
    return template


def fill_template(template: str, label: str) -> str:
    """Put `label` where `{}` stands, by plain string splicing, never str.format."""
    before, after = template.split(PLACEHOLDER, 1)
    return before + label + after


def clean_text(text: object, settings: Settings) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError("error.empty_text")
    text = text.strip()
    if "\x00" in text:
        raise InputError("error.control_chars", field="text")
    if len(text) > settings.limits.max_text_chars:
        raise InputError(
            "error.text_too_long", length=len(text), limit=settings.limits.max_text_chars
        )
    return text


def normalize_label(label: str) -> str:
    """The form the model reads `label` in: BertJapaneseTokenizer's MecabTokenizer applies NFKC
    (``normalize_text=True``) and splits on whitespace, so width variants (テニス/ﾃﾆｽ), ideographic
    spaces and runs of spaces cannot be told apart by the model. Two labels with the same
    normal form are one label."""
    return " ".join(unicodedata.normalize("NFKC", label).split())


def clean_labels(
    labels: Iterable[object], settings: Settings
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Stripped labels in order with duplicates dropped, and the dropped ones.

    Duplicates are labels with the same `normalize_label` form; the first spelling is kept. Every
    non-blank label counts toward `max_labels`, duplicates too, so a request cannot send more
    than that many labels however it repeats them. Linear in the number of labels."""
    limit = settings.limits.max_labels
    kept: list[str] = []
    seen: set[str] = set()
    dropped: list[str] = []
    count = 0
    remaining = iter(labels)
    for raw in remaining:
        if not isinstance(raw, str):
            raise InputError("error.label_not_text")
        label = check_plain_text(raw.strip(), "labels")
        if not label:
            continue
        count += 1
        if count > limit:
            # Counted on as far as a list goes, so the message names the real number.
            count += sum(1 for rest in remaining if isinstance(rest, str) and rest.strip())
            raise InputError("error.too_many_labels", count=count, limit=limit)
        if len(label) > settings.limits.max_label_chars:
            raise InputError(
                "error.label_too_long",
                label=label[:LABEL_PREVIEW_CHARS],
                length=len(label),
                limit=settings.limits.max_label_chars,
            )
        key = normalize_label(label)
        if key in seen:
            dropped.append(label)
        else:
            seen.add(key)
            kept.append(label)
    if not kept:
        raise InputError("error.no_labels")
    return tuple(kept), tuple(dropped)


def build_request(
    text: object,
    labels: Iterable[object],
    settings: Settings,
    hypothesis_template: str | None = None,
    multi_label: bool = False,
) -> ClassificationRequest:
    template = check_template(
        settings.model.hypothesis_template if hypothesis_template is None else hypothesis_template,
        settings,
    )
    if isinstance(labels, str):
        labels = [labels]
    kept, dropped = clean_labels(labels, settings)
    return ClassificationRequest(
        text=clean_text(text, settings),
        labels=kept,
        hypothesis_template=template,
        multi_label=bool(multi_label),
        dropped_labels=dropped,
    )


def build_requests(
    items: Iterable[tuple[object, str | None]],
    labels: Iterable[object],
    settings: Settings,
    multi_label: bool = False,
) -> list[ClassificationRequest]:
    """One request per (text, template) item against the same labels; a bad item raises its
    InputError naming the item's position (`index`, from 0)."""
    labels = list(labels)
    requests = []
    for index, (text, template) in enumerate(items):
        try:
            requests.append(build_request(text, labels, settings, template, multi_label))
        except InputError as error:
            raise error.at(index) from None
    return requests

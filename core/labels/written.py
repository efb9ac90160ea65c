"""How people write labels: several in one box, and a label with several wordings.

One rule for every label box on every page, the plain-HTTP page and the API:
- a box holds several labels separated by a comma, half- or full-width, or the Japanese 、
  (`スポーツ、音楽` is two labels);
- a label may carry wordings: `旅行=旅行|観光|旅` is the label 旅行, scored as the best of the
  hypotheses made from 旅行, 観光 and 旅 (the Experiments page's format). `旅行|観光` alone is
  the label 旅行 with those two wordings. The name and each wording go into a template alone:
  a hypothesis never holds `=` or `|`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import InputError

# Separate labels typed in one box. Sent to the plain-HTTP page too (web/http/lite_page.py).
LABEL_SEPARATORS = (",", "、", "，")
_SPLIT = re.compile("|".join(re.escape(s) for s in LABEL_SEPARATORS))
# `name=wording|wording`
NAME_SEPARATOR = "="
WORDING_SEPARATOR = "|"


def split_labels(raw: str) -> list[str]:
    """Labels typed in one box, in order, blanks dropped: `スポーツ、音楽, 料理` → three."""
    return [part.strip() for part in _SPLIT.split(raw) if part.strip()]


@dataclass(frozen=True)
class LabelWordings:
    label: str  # the name shown and compared with the expected labels
    wordings: tuple[str, ...]  # what goes into the template


def has_wordings(entry: str) -> bool:
    return NAME_SEPARATOR in entry or WORDING_SEPARATOR in entry


def parse_label(entry: str) -> LabelWordings:
    """`旅行=旅行|観光|旅` → 旅行 with three wordings; `旅行|観光` → 旅行 with two; a plain `料理`
    is its own one wording. InputError (experiment.bad_wording) for an empty name or wording
    list, or a second `=`."""
    name, separator, rest = entry.partition(NAME_SEPARATOR)
    words = tuple(w.strip() for w in (rest if separator else name).split(WORDING_SEPARATOR))
    words = tuple(w for w in words if w)
    name = name.strip() if separator else (words[0] if words else "")
    if not name or not words or WORDING_SEPARATOR in name or NAME_SEPARATOR in rest:
        raise InputError("experiment.bad_wording", entry=entry)
    return LabelWordings(name, words)


def parse_wordings(entries: Sequence[str]) -> tuple[LabelWordings, ...]:
    """Each entry parsed by parse_label, in order."""
    return tuple(parse_label(entry) for entry in entries)


def names_and_wordings(entries: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Label names in order (blanks kept out), and the wordings of those that have more than
    their own name. Entries that are not text are passed on unchanged for the request check
    to refuse; one text is one entry."""
    if isinstance(entries, str):
        entries = [entries]
    names: list[str] = []
    wordings: dict[str, list[str]] = {}
    for entry in entries:
        if not isinstance(entry, str) or not has_wordings(entry):
            names.append(entry)
            continue
        parsed = parse_label(entry)
        names.append(parsed.label)
        if parsed.wordings != (parsed.label,):
            wordings.setdefault(parsed.label, list(parsed.wordings))
    return names, wordings


def label_names(entries: Sequence[str]) -> list[str]:
    """The names alone: what results, expected labels and tables are keyed by."""
    return names_and_wordings(entries)[0]


def write_label(label: LabelWordings) -> str:
    """The entry that parses back to `label`: `旅行=旅行|観光|旅`, or just `料理`."""
    if label.wordings == (label.label,):
        return label.label
    return f"{label.label}{NAME_SEPARATOR}{WORDING_SEPARATOR.join(label.wordings)}"


def shown_label(entry: str) -> str:
    """An entry as people read it: `旅行（旅行・観光・旅）`, or just `料理` (an unreadable
    entry as typed)."""
    try:
        parsed = parse_label(entry)
    except InputError:
        return entry
    if parsed.wordings == (parsed.label,):
        return parsed.label
    return f"{parsed.label}（{'・'.join(parsed.wordings)}）"

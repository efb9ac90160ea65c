"""Three-way merge of two windows' changes to one workspace, so neither loses what it typed.

`base` is what both read; `mine` and `theirs` what each made of it. Where only one side changed a
value, that change is kept. Where both changed a list (examples, a label set's labels), both
sides' additions are kept and both sides' removals apply; where both changed a dict (label sets
by name), each entry is merged the same way. Two different new values of one setting: mine wins;
so too for a key named in `whole` (a result), which is never merged field by field.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

_MISSING = object()


def _merge_lists(base: list, mine: list, theirs: list) -> list:
    removed_by_them = [x for x in base if x not in theirs]
    kept = [x for x in mine if x not in removed_by_them]
    added_by_them = [x for x in theirs if x not in base and x not in kept]
    return kept + added_by_them


def merge_value(base: Any, mine: Any, theirs: Any) -> Any:
    if mine == base:
        return theirs
    if theirs == base or mine == theirs:
        return mine
    if isinstance(mine, list) and isinstance(theirs, list):
        return _merge_lists(base if isinstance(base, list) else [], mine, theirs)
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return merge(base if isinstance(base, dict) else {}, mine, theirs)
    return mine


def merge(
    base: dict[str, Any],
    mine: dict[str, Any],
    theirs: dict[str, Any],
    whole: Collection[str] = (),
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in [*mine, *(k for k in theirs if k not in mine)]:
        old = base.get(key, _MISSING)
        mine_value = mine.get(key, _MISSING)
        their_value = theirs.get(key, _MISSING)
        if key in whole and mine_value != old:
            value = mine_value  # mine changed it: mine, whole (else theirs, below)
        else:
            value = merge_value(old, mine_value, their_value)
        if value is not _MISSING:
            merged[key] = value
    return merged

"""Why this label: occlusion, word by word.

Each word of the text (MeCab words, as the tokenizer splits them) is dropped in turn, the text is
scored again with the same labels, template and mode, and the word's effect is how much the chosen
label's score falls without it (positive: the word speaks for the label). Model-agnostic and honest
for a cross-encoder; it costs one pair per (word, label), which go to the model in one hand-over
and through the pair cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from core.errors import InputError
from core.inference.request import ClassificationRequest
from core.inference.result import ClassificationResult

_local = threading.local()


@dataclass(frozen=True)
class Word:
    """A span of the classified text: `text[start:end] == word`. Whitespace after a word is part
    of it, so the words of an explanation put together give the text back exactly."""

    word: str
    start: int
    end: int


@dataclass(frozen=True)
class WordEffect(Word):
    effect: float  # the label's score with the word minus without it


@dataclass(frozen=True)
class Explanation:
    label: str
    words: tuple[WordEffect, ...]
    total_words: int  # words in the whole text; more than len(words) when capped
    result: ClassificationResult  # the plain classification of the whole text

    @property
    def capped(self) -> bool:
        return self.total_words > len(self.words)


def _tagger():
    # MeCab taggers are not safe to share between threads: one per thread.
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import fugashi

        tagger = _local.tagger = fugashi.Tagger()
    return tagger


def split_words(text: str) -> list[Word]:
    """The words of `text` in order, covering it exactly from its first word to its end."""
    starts: list[int] = []
    position = 0
    for node in _tagger()(text):
        surface = node.surface
        if not surface.strip():
            continue  # whitespace joins the word before it
        found = text.find(surface, position)
        if found < 0:
            continue
        starts.append(found)
        position = found + len(surface)
    if not starts:
        return []
    starts[0] = 0  # leading whitespace (none after strip) and anything MeCab skipped
    ends = [*starts[1:], len(text)]
    return [Word(text[s:e], s, e) for s, e in zip(starts, ends, strict=True)]


def occluded_requests(
    request: ClassificationRequest, label: str, max_words: int
) -> list[ClassificationRequest]:
    """The request once per each of its text's first `max_words` words, without that word (in
    multi-label mode with `label` alone: a label's score there depends on its own pair only)."""
    occluded = [
        replace(request, text=request.text[: w.start] + request.text[w.end :])
        for w in split_words(request.text)[:max_words]
    ]
    if request.multi_label:
        occluded = [replace(r, labels=(label,)) for r in occluded]
    return occluded


def explain(
    request: ClassificationRequest,
    score: Callable[[Sequence[ClassificationRequest]], list[ClassificationResult]],
    label: str | None,
    max_words: int,
) -> Explanation:
    """The effect of each of the first `max_words` words on `label` (default: the top one).

    `score` is the service's: every occluded text goes to it in one call, so their pairs share
    forward passes and the pair cache.
    """
    if label is not None and label not in request.labels:
        raise InputError("error.explain_label", label=label)
    full = score([request])[0]
    label = label if label is not None else full.top_label
    words = split_words(request.text)
    explained = words[:max_words]
    occluded = occluded_requests(request, label, max_words)
    scored = score(occluded) if occluded else []
    base = full.score_of(label)
    effects = tuple(
        WordEffect(w.word, w.start, w.end, base - r.score_of(label))
        for w, r in zip(explained, scored, strict=True)
    )
    # The pairs it ran, the occluded texts' too: what the explanation cost, not the plain result.
    computed = full.computed_pairs + sum(r.computed_pairs for r in scored)
    cached = full.cached_pairs + sum(r.cached_pairs for r in scored)
    result = replace(full, computed_pairs=computed, cached_pairs=cached, from_cache=not computed)
    return Explanation(label, effects, len(words), result)

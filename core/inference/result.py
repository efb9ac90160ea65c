"""The typed result of one classification."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ClassificationResult:
    """Labels sorted by score, best first, as transformers' pipeline returns them."""

    text: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    multi_label: bool
    hypothesis_template: str
    model_id: str
    # This request's own time, cache hits included: never a copy of an earlier request's.
    elapsed_ms: float
    truncated: bool = False
    max_tokens: int = 0
    dropped_labels: tuple[str, ...] = field(default=())
    from_cache: bool = False  # no pair of it ran the model
    computed_pairs: int = 0  # pairs this request ran through the model
    cached_pairs: int = 0  # pairs answered from the pair cache

    @property
    def top_label(self) -> str:
        return self.labels[0]

    def score_of(self, label: str) -> float:
        return self.scores[self.labels.index(label)]

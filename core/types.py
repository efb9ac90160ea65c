"""Typed input and result of one classification."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ClassificationRequest:
    """Validated input: labels are stripped, de-duplicated and in the user's order."""

    text: str
    labels: tuple[str, ...]
    hypothesis_template: str
    multi_label: bool = False
    dropped_labels: tuple[str, ...] = ()

    def cache_key(self, model_id: str) -> tuple:
        return (model_id, self.text, self.labels, self.hypothesis_template, self.multi_label)


@dataclass(frozen=True)
class ClassificationResult:
    """Labels sorted by score, best first, as transformers' pipeline returns them."""

    text: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    multi_label: bool
    hypothesis_template: str
    model_id: str
    elapsed_ms: float
    truncated: bool = False
    max_tokens: int = 0
    dropped_labels: tuple[str, ...] = field(default=())

    @property
    def top_label(self) -> str:
        return self.labels[0]

    def score_of(self, label: str) -> float:
        return self.scores[self.labels.index(label)]

    def to_api(self) -> dict:
        """The JSON body of /api/classify: the pipeline's shape plus what produced it."""
        return {
            "sequence": self.text,
            "labels": list(self.labels),
            "scores": list(self.scores),
            "multi_label": self.multi_label,
            "hypothesis_template": self.hypothesis_template,
            "model": self.model_id,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "truncated": self.truncated,
            "dropped_labels": list(self.dropped_labels),
        }

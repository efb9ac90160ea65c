"""Score matrix: several texts against one label set, one row per text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.inference.result import ClassificationResult


@dataclass(frozen=True)
class MatrixRow:
    text: str
    scores: tuple[float, ...]  # in the order of the matrix's labels
    top_label: str


def score_matrix(results: Sequence[ClassificationResult], labels: Sequence[str]) -> list[MatrixRow]:
    """One row per result, scores in `labels` order, so rows line up as columns of a table."""
    return [
        MatrixRow(
            text=result.text,
            scores=tuple(result.score_of(label) for label in labels),
            top_label=result.top_label,
        )
        for result in results
    ]

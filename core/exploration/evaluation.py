"""How good a label set is on texts whose answer is known: accuracy, macro-F1, per-label
precision and recall, and a confusion matrix.

Single-label mode predicts the top label; it is right when the top label is one of the expected
ones. Multi-label mode predicts every label scoring at least the threshold; it is right when that
set equals the expected set. Per-label figures count one-vs-rest in both modes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import InputError
from core.inference.result import ClassificationResult

# The column of the confusion matrix for an example with no predicted label (multi-label mode).
NO_LABEL = "—"
# Separators allowed between several expected labels in one cell of a file.
EXPECTED_SEPARATORS = ("|", ",", "、", ";")


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # examples that expect this label


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    macro_f1: float
    per_label: tuple[LabelScore, ...]
    confusion: dict[str, dict[str, int]]  # expected label → predicted label → count
    predictions: tuple[frozenset[str], ...]
    correct: tuple[bool, ...]


def check_example_count(count: int, limit: int) -> None:
    """Refuse more rows than one evaluation may hold (typed in or from a file): `limit` is
    MAX_EVALUATION_ROWS (settings.limits.max_evaluation_rows)."""
    if count > limit:
        raise InputError("eval.too_many_examples", count=count, limit=limit)


def parse_expected(cell: object) -> frozenset[str]:
    """`料理|踊り` (or comma, 、, ;) → {料理, 踊り}; empty cells give an empty set."""
    text = "" if cell is None else str(cell)
    for separator in EXPECTED_SEPARATORS[1:]:
        text = text.replace(separator, EXPECTED_SEPARATORS[0])
    return frozenset(part.strip() for part in text.split(EXPECTED_SEPARATORS[0]) if part.strip())


def guess_expected_column(
    frame, columns: Sequence[str], labels: Sequence[str], text_column: str
) -> str:
    """The column most likely to hold the expected labels: the most cells naming known labels."""
    known = set(labels)

    def hits(column: str) -> int:
        cells = frame[column].dropna().astype(str)
        return sum(bool(parse_expected(cell) & known) for cell in cells)

    others = [c for c in columns if c != text_column] or list(columns)
    return max(others, key=hits)


def predict(result: ClassificationResult, multi_label: bool, threshold: float) -> frozenset[str]:
    if not multi_label:
        return frozenset({result.top_label})
    return frozenset(
        label
        for label, score in zip(result.labels, result.scores, strict=True)
        if score >= threshold
    )


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def evaluate(
    expected: Sequence[frozenset[str]],
    predicted: Sequence[frozenset[str]],
    labels: Sequence[str],
    multi_label: bool,
) -> Evaluation:
    if not expected:
        raise InputError("eval.no_examples")
    unknown = sorted(set().union(*expected) - set(labels))
    if unknown:
        raise InputError("eval.unknown_label", labels="、".join(unknown))
    pairs = list(zip(expected, predicted, strict=True))
    if multi_label:
        correct = tuple(e == p for e, p in pairs)
    else:
        correct = tuple(bool(e & p) for e, p in pairs)
    per_label = []
    for label in labels:
        tp = sum(label in e and label in p for e, p in pairs)
        fp = sum(label not in e and label in p for e, p in pairs)
        fn = sum(label in e and label not in p for e, p in pairs)
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = _ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0
        per_label.append(LabelScore(label, precision, recall, f1, tp + fn))
    columns = [*labels, NO_LABEL] if multi_label else list(labels)
    confusion = {label: dict.fromkeys(columns, 0) for label in labels}
    for e, p in pairs:
        for gold in e:
            for guess in p or {NO_LABEL}:
                confusion[gold][guess] += 1
    scored = [score for score in per_label if score.support]
    macro_f1 = sum(s.f1 for s in scored) / len(scored) if scored else 0.0
    return Evaluation(
        accuracy=sum(correct) / len(correct),
        macro_f1=macro_f1,
        per_label=tuple(per_label),
        confusion=confusion,
        predictions=tuple(predicted),
        correct=correct,
    )

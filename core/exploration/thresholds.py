"""Thresholds fitted on evaluation rows, and the "none of these" answer they allow.

- Multi-label: one cut per label, the one that maximises that label's F1 on the rows (one-vs-rest:
  the label is predicted when its score is at least the cut).
- Single-label: one minimum top score; below it the answer is 該当なし / "none" (abstained). The
  cut is the one that maximises the rows' macro-F1 when an abstention predicts nothing. Rows whose
  answer is 該当なし / none (texts that fit no label) teach it most: abstaining there removes a
  false positive; abstaining on a wrongly ranked row removes one too.

A cut lies halfway between two neighbouring scores of the rows (or is 0), so a row
scoring exactly as one of the rows did is decided the same way. Among cuts giving the same F1 the
lowest is kept (abstain, or leave a label out, no more than the rows ask).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

# What a row's expected labels say when the text fits none of the labels; the answer shown then.
NONE_LABEL = "該当なし"
NONE_WORDS = frozenset({NONE_LABEL, "none"})
# A label no row expects keeps this cut (multi-label): nothing was measured to move it.
DEFAULT_CUT = 0.5


@dataclass(frozen=True)
class LabelThreshold:
    """One label's fitted cut and what it gives on the rows it was fitted on."""

    label: str
    cut: float
    precision: float
    recall: float
    f1: float
    support: int  # rows expecting the label; 0: not fitted, the default cut kept


@dataclass(frozen=True)
class Thresholds:
    """A label set's fitted thresholds: per label (multi-label) or a minimum top score."""

    multi_label: bool
    per_label: tuple[LabelThreshold, ...] = ()
    min_top_score: float = 0.0  # single-label: below it, "none"
    # Single-label only: the figures at the fitted cut, over the fitted rows.
    macro_f1: float = 0.0
    accuracy: float = 0.0
    abstain_rate: float = 0.0
    rows: int = 0

    def cut_of(self, label: str) -> float:
        for item in self.per_label:
            if item.label == label:
                return item.cut
        return DEFAULT_CUT

    def to_json(self) -> dict[str, object]:
        return {
            "multi_label": self.multi_label,
            "min_top_score": self.min_top_score,
            "per_label": [item.__dict__ for item in self.per_label],
            "macro_f1": self.macro_f1,
            "accuracy": self.accuracy,
            "abstain_rate": self.abstain_rate,
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Thresholds:
        return cls(
            multi_label=bool(data["multi_label"]),
            per_label=tuple(LabelThreshold(**item) for item in data.get("per_label", ())),
            min_top_score=float(data.get("min_top_score", 0.0)),
            macro_f1=float(data.get("macro_f1", 0.0)),
            accuracy=float(data.get("accuracy", 0.0)),
            abstain_rate=float(data.get("abstain_rate", 0.0)),
            rows=int(data.get("rows", 0)),
        )


@dataclass(frozen=True)
class Decision:
    """What thresholds make of one result: the labels kept, or an abstention, and which
    threshold decided (a label's cut in multi-label mode, the minimum top score otherwise)."""

    predicted: frozenset[str]
    abstained: bool
    threshold_label: str | None  # None: the set's minimum top score (single-label)
    threshold: float


def expected_of(cells: frozenset[str]) -> frozenset[str]:
    """A row's expected labels with 該当なし / none read as "no label" (an empty set)."""
    return frozenset(label for label in cells if label.strip().lower() not in NONE_WORDS)


def _cuts(values: Sequence[float]) -> list[float]:
    """Candidate cuts, lowest first: 0, then each midpoint between neighbouring distinct values
    (a cut past the highest would predict nothing at all: never the best)."""
    distinct = sorted(set(values))
    return [0.0, *((low + high) / 2 for low, high in pairwise(distinct))]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return precision, recall, f1


def fit_label(label: str, scores: Sequence[float], positive: Sequence[bool]) -> LabelThreshold:
    """The cut maximising F1 for one label (predicted when score >= cut); ties: the lowest."""
    support = sum(positive)
    if not support:
        tp = 0
        fp = sum(score >= DEFAULT_CUT for score in scores)
        return LabelThreshold(label, DEFAULT_CUT, *_f1(tp, fp, 0), support=0)
    best: LabelThreshold | None = None
    for cut in _cuts(scores):
        tp = sum(s >= cut and p for s, p in zip(scores, positive, strict=True))
        fp = sum(s >= cut and not p for s, p in zip(scores, positive, strict=True))
        precision, recall, f1 = _f1(tp, fp, support - tp)
        if best is None or f1 > best.f1:
            best = LabelThreshold(label, cut, precision, recall, f1, support)
    assert best is not None
    return best


def _single_metrics(
    rows: Sequence[Mapping[str, float]],
    expected: Sequence[frozenset[str]],
    labels: Sequence[str],
    cut: float,
) -> tuple[float, float, float, tuple[LabelThreshold, ...]]:
    """(macro-F1, accuracy, abstain rate, per label) with abstention below `cut`."""
    predicted = []
    for scores in rows:
        top = max(labels, key=lambda label: scores[label])
        predicted.append(frozenset() if scores[top] < cut else frozenset({top}))
    per_label = []
    for label in labels:
        tp = sum(label in e and label in p for e, p in zip(expected, predicted, strict=True))
        fp = sum(label not in e and label in p for e, p in zip(expected, predicted, strict=True))
        fn = sum(label in e and label not in p for e, p in zip(expected, predicted, strict=True))
        per_label.append(LabelThreshold(label, cut, *_f1(tp, fp, fn), support=tp + fn))
    scored = [item.f1 for item in per_label if item.support]
    macro = sum(scored) / len(scored) if scored else 0.0
    right = sum(bool(e & p) or (not e and not p) for e, p in zip(expected, predicted, strict=True))
    abstained = sum(not p for p in predicted)
    return macro, right / len(rows), abstained / len(rows), tuple(per_label)


def fit(
    rows: Sequence[Mapping[str, float]],
    expected: Sequence[frozenset[str]],
    labels: Sequence[str],
    multi_label: bool,
) -> Thresholds:
    """Thresholds from each row's score per label and its expected labels (該当なし / none, or
    nothing, for a text that fits none). Shapes: `rows[i][label]` for every label in `labels`.
    """
    expected = [expected_of(cells) for cells in expected]
    if multi_label:
        per_label = tuple(
            fit_label(label, [r[label] for r in rows], [label in e for e in expected])
            for label in labels
        )
        return Thresholds(True, per_label=per_label, rows=len(rows))
    tops = [max(r[label] for label in labels) for r in rows]
    best: tuple[float, float, float, float, tuple[LabelThreshold, ...]] | None = None
    for cut in _cuts(tops):
        macro, accuracy, abstain, per_label = _single_metrics(rows, expected, labels, cut)
        if best is None or macro > best[1]:
            best = (cut, macro, accuracy, abstain, per_label)
    assert best is not None
    cut, macro, accuracy, abstain, per_label = best
    return Thresholds(
        False,
        per_label=per_label,
        min_top_score=cut,
        macro_f1=macro,
        accuracy=accuracy,
        abstain_rate=abstain,
        rows=len(rows),
    )


def decide(labels: Sequence[str], scores: Sequence[float], thresholds: Thresholds) -> Decision:
    """Apply thresholds to one result's labels and scores (any order, same length)."""
    pairs = list(zip(labels, scores, strict=True))
    top_label, top_score = max(pairs, key=lambda pair: pair[1])
    if not thresholds.multi_label:
        abstained = top_score < thresholds.min_top_score
        kept = frozenset() if abstained else frozenset({top_label})
        return Decision(kept, abstained, None, thresholds.min_top_score)
    kept = frozenset(label for label, score in pairs if score >= thresholds.cut_of(label))
    if kept:
        # The lowest-scoring label kept is the one its cut let in last.
        label = min(kept, key=lambda name: dict(pairs)[name])
        return Decision(kept, False, label, thresholds.cut_of(label))
    # Nothing passed: the top label came closest; its cut is the one that said no.
    return Decision(kept, True, top_label, thresholds.cut_of(top_label))


def metrics_at(
    rows: Sequence[Mapping[str, float]],
    expected: Sequence[frozenset[str]],
    labels: Sequence[str],
    thresholds: Thresholds,
) -> dict[str, object]:
    """{"accuracy", "macro_f1", "abstain_rate", "per_label": [...]} of the rows decided by
    `thresholds`. A row is right when it abstains on a text that fits none, or when what it
    predicts is its expected set (single-label: the top label is one of the expected)."""
    expected = [expected_of(cells) for cells in expected]
    predicted = [
        decide(list(labels), [r[label] for label in labels], thresholds).predicted for r in rows
    ]
    pairs = list(zip(expected, predicted, strict=True))
    per_label = []
    for label in labels:
        tp = sum(label in e and label in p for e, p in pairs)
        fp = sum(label not in e and label in p for e, p in pairs)
        fn = sum(label in e and label not in p for e, p in pairs)
        precision, recall, f1 = _f1(tp, fp, fn)
        per_label.append(
            {"label": label, "precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
        )
    scored = [item["f1"] for item in per_label if item["support"]]

    def right(e: frozenset[str], p: frozenset[str]) -> bool:
        if not p:
            return not e
        return p == e if thresholds.multi_label else p <= e

    return {
        "accuracy": _ratio(sum(right(e, p) for e, p in pairs), len(pairs)),
        "macro_f1": sum(scored) / len(scored) if scored else 0.0,
        "abstain_rate": _ratio(sum(not p for p in predicted), len(pairs)),
        "per_label": per_label,
    }

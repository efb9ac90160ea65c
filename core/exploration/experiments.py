"""Experiments: try many ways to classify one evaluation set and rank them.

A variant is one way: a label set (each label with one or more wordings: 旅行 from 旅行 / 観光 /
旅, its score the best of its wordings'), a template (or the average over several), a mode with
its threshold, and a calibration:
- none: the plain scores (equal to the pipeline's);
- content-free: divide out the scores the model gives each hypothesis for a text with no content
  ("N/A"), after Zhao et al. 2021, "Calibrate Before Use";
- batch: divide out the mean scores over the evaluation texts themselves, after Zhou et al. 2023,
  "Batch Calibration".
Every variant is scored from plain classifications of the texts (and of the content-free text), so
the pairs the variants share are run once: the service's pair cache sees to that.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from core.errors import InputError
from core.exploration.evaluation import Evaluation, evaluate
from core.inference.result import ClassificationResult
from core.labels.written import NAME_SEPARATOR, LabelWordings, parse_wordings, write_label

CALIBRATIONS = ("none", "content_free", "batch")
# The text with no content that content-free calibration scores (Zhao et al. use "N/A").
CONTENT_FREE_TEXT = "N/A"
# Grid size bound: variants x texts x hypotheses, the pairs a grid may need at most. About 10
# minutes of BERT-base on 2 vCPUs when nothing is cached.
MAX_GRID_PAIRS = 20_000
# Scores are divided by these: a zero would divide by zero.
MIN_REFERENCE = 1e-9


@dataclass(frozen=True)
class Variant:
    label_set: str
    labels: tuple[LabelWordings, ...]
    templates: tuple[str, ...]  # one, or several averaged
    multi_label: bool
    threshold: float
    calibration: str

    @property
    def hypotheses(self) -> tuple[str, ...]:
        """Every wording, once, in order: the labels each classification is asked about."""
        return tuple(dict.fromkeys(w for label in self.labels for w in label.wordings))

    def describe(self) -> RunConfig:
        return RunConfig(
            label_set=self.label_set,
            labels=tuple(write_label(label) for label in self.labels),
            templates=self.templates,
            multi_label=self.multi_label,
            threshold=self.threshold,
            calibration=self.calibration,
        )


class RunConfig(BaseModel):
    """A variant as a run keeps it: labels written with their wordings (`旅行=旅行|観光`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    label_set: str
    labels: tuple[str, ...]
    templates: tuple[str, ...]
    multi_label: bool
    threshold: float
    calibration: str

    @property
    def label_names(self) -> list[str]:
        """The labels without their wordings (`旅行=旅行|観光` → 旅行)."""
        # Written by write_label: `name=wordings` whenever there are wordings of its own.
        return [label.partition(NAME_SEPARATOR)[0] for label in self.labels]

    @property
    def wording_lines(self) -> list[str]:
        """The labels that have wordings of their own, as Classify's wording lines."""
        return [label for label in self.labels if NAME_SEPARATOR in label]


class RunRecord(BaseModel):
    """One finished variant, as the workspace keeps it. The texts it ran on are not copied into
    it: `rows` names them (rows_digest), and the workspace keeps each distinct list of texts once;
    `predicted` and `correct` follow that list's order."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    when: str
    model: str
    config: RunConfig
    accuracy: float
    macro_f1: float
    per_label_f1: dict[str, float]
    confusion: dict[str, dict[str, int]]  # expected label → predicted label → count
    rows: str
    predicted: tuple[str, ...]
    correct: tuple[bool, ...]


def rows_digest(texts: Sequence[str]) -> str:
    """A short name for a list of evaluation texts (SHA-256 of its JSON, 16 hex digits): equal
    lists, equal names, so runs on the same rows share one copy of them."""
    encoded = json.dumps(list(texts), ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()[:16]


def run_record(result: RunResult, texts: Sequence[str], model_id: str, now: datetime) -> RunRecord:
    """What the workspace keeps of `result`, run on `texts` (in that order) at `now` (UTC)."""
    report = result.evaluation
    return RunRecord(
        id=f"{now:%Y%m%d%H%M%S%f}",
        when=f"{now:%Y-%m-%d %H:%M} UTC",
        model=model_id,
        config=result.variant.describe(),
        accuracy=report.accuracy,
        macro_f1=report.macro_f1,
        per_label_f1={s.label: s.f1 for s in report.per_label},
        confusion=report.confusion,
        rows=rows_digest(texts),
        predicted=tuple("|".join(sorted(p)) for p in report.predictions),
        correct=tuple(report.correct),
    )


def grid(
    label_sets: Mapping[str, Sequence[str]],
    templates: Sequence[str],
    average_templates: bool,
    modes: Sequence[bool],
    threshold: float,
    calibrations: Sequence[str],
) -> list[Variant]:
    """Every combination; each template alone, plus their average when asked (and >1)."""
    if not label_sets:
        raise InputError("experiment.no_label_sets")
    if not templates:
        raise InputError("experiment.no_templates")
    if not modes or not calibrations:
        raise InputError("experiment.no_variants")
    template_choices = [(t,) for t in templates]
    if average_templates and len(templates) > 1:
        template_choices.append(tuple(templates))
    return [
        Variant(name, parse_wordings(labels), chosen, multi, threshold, calibration)
        for (name, labels), chosen, multi, calibration in itertools.product(
            label_sets.items(), template_choices, modes, calibrations
        )
    ]


def check_grid(variants: Sequence[Variant], text_count: int) -> None:
    """Refuse a grid that may need more pairs than MAX_GRID_PAIRS, saying the numbers."""
    pairs = sum(
        text_count * len(v.templates) * len(v.hypotheses) for v in variants
    )  # an upper bound: shared pairs run once
    if pairs > MAX_GRID_PAIRS:
        raise InputError(
            "experiment.too_big", variants=len(variants), pairs=pairs, limit=MAX_GRID_PAIRS
        )


# (texts, template, label words, multi_label) → each text's plain classification, in order: a
# classify_many with one template (web.resources, core.labels.serving).
ClassifyMany = Callable[[Sequence[str], str, Sequence[str], bool], list[ClassificationResult]]


def _by_hypothesis(result: ClassificationResult) -> dict[str, float]:
    return dict(zip(result.labels, result.scores, strict=True))


def _averaged(results: Sequence[ClassificationResult]) -> dict[str, float]:
    scores = [_by_hypothesis(r) for r in results]
    return {h: sum(s[h] for s in scores) / len(scores) for h in scores[0]}


def _calibrated(
    scores: dict[str, float], reference: dict[str, float], multi_label: bool
) -> dict[str, float]:
    if multi_label:
        # Each hypothesis is a yes/no question: calibrate yes against no (Zhao et al., binary).
        out = {}
        for h, p in scores.items():
            c = min(max(reference[h], MIN_REFERENCE), 1 - MIN_REFERENCE)
            yes, no = p / c, (1 - p) / (1 - c)
            out[h] = yes / (yes + no)
        return out
    divided = {h: p / max(reference[h], MIN_REFERENCE) for h, p in scores.items()}
    total = sum(divided.values())
    return {h: v / total for h, v in divided.items()}


@dataclass(frozen=True)
class RunResult:
    variant: Variant
    evaluation: Evaluation
    scores: tuple[dict[str, float], ...]  # per text, per label (after wordings and calibration)


def variant_scores(
    variant: Variant, texts: Sequence[str], classify_many: ClassifyMany
) -> list[dict[str, float]]:
    """Each text's score per label under `variant`: templates averaged, calibrated, and each
    label the best of its wordings (in single-label mode, then shared out to sum to 1)."""
    hypotheses = variant.hypotheses
    multi = variant.multi_label
    per_template = [classify_many(texts, t, hypotheses, multi) for t in variant.templates]
    scores = [_averaged([results[i] for results in per_template]) for i in range(len(texts))]
    if variant.calibration == "content_free":
        free = [
            classify_many([CONTENT_FREE_TEXT], t, hypotheses, multi)[0] for t in variant.templates
        ]
        reference = _averaged(free)
        scores = [_calibrated(s, reference, variant.multi_label) for s in scores]
    elif variant.calibration == "batch":
        reference = {h: sum(s[h] for s in scores) / len(scores) for h in hypotheses}
        scores = [_calibrated(s, reference, variant.multi_label) for s in scores]
    by_label = [
        {label.label: max(s[w] for w in label.wordings) for label in variant.labels} for s in scores
    ]
    if variant.multi_label or all(len(label.wordings) == 1 for label in variant.labels):
        return by_label
    # Single-label scores share one whole across the labels, as the pipeline's do.
    return [{k: v / sum(s.values()) for k, v in s.items()} for s in by_label]


def run_variant(
    variant: Variant,
    texts: Sequence[str],
    expected: Sequence[frozenset[str]],
    classify_many: ClassifyMany,
) -> RunResult:
    """Score every text under `variant` and evaluate the predictions against `expected`."""
    by_label = variant_scores(variant, texts, classify_many)
    if variant.multi_label:
        predicted = [
            frozenset(label for label, p in s.items() if p >= variant.threshold) for s in by_label
        ]
    else:
        predicted = [frozenset({max(s, key=s.get)}) for s in by_label]
    names = [label.label for label in variant.labels]
    wanted = sorted(set().union(*expected) - set(names))
    evaluation = evaluate(expected, predicted, [*names, *wanted], variant.multi_label)
    return RunResult(variant, evaluation, tuple(by_label))


def classify_with_options(
    texts: Sequence[str],
    labels: Sequence[str],
    template: str,
    multi_label: bool,
    wordings: Mapping[str, Sequence[str]],
    calibration: str,
    classify_many: ClassifyMany,
) -> list[ClassificationResult]:
    """Classification with a chosen experiment's options: wordings per label (a label absent
    from `wordings` is its own one wording) and a calibration. Results ranked like plain ones;
    with no wordings and no calibration use plain classification instead (equal to the
    pipeline's)."""
    if calibration not in CALIBRATIONS:
        raise InputError("experiment.bad_calibration", choices=", ".join(CALIBRATIONS))
    if calibration == "batch" and len(texts) < 2:
        raise InputError("experiment.batch_needs_texts")
    entries = []
    for label in labels:
        words = [w.strip() for w in wordings.get(label, [label]) if w.strip()]
        if not words:
            raise InputError("experiment.bad_wording", entry=label)
        entries.append(LabelWordings(label, tuple(words)))
    variant = Variant("", tuple(entries), (template,), multi_label, 0.5, calibration)
    plain = classify_many(texts, template, variant.hypotheses, multi_label)
    results = []
    for result, scores in zip(plain, variant_scores(variant, texts, classify_many), strict=True):
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        results.append(
            replace(
                result,
                labels=tuple(label for label, _ in ranked),
                scores=tuple(score for _, score in ranked),
                multi_label=multi_label,
            )
        )
    return results

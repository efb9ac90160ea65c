"""The JSON shapes of the HTTP API's answers, built from core's typed results (request bodies:
web/http/bodies.py). Core knows nothing of these."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from core.exploration.thresholds import Decision
from core.inference.explain import Explanation
from core.inference.result import ClassificationResult
from core.inference.service import ModelStatus
from core.labels.store import SavedSet


class MeasurementResponse(BaseModel):
    """What was measured about a set version: rows (count, SHA-256), metrics per label at its
    thresholds, thresholds, calibration, wordings, tuning report, adapter digest."""

    model_config = ConfigDict(extra="allow")

    rows: int
    rows_hash: str
    multi_label: bool
    metrics: dict[str, Any]
    thresholds: dict[str, Any] | None = None
    calibration: str = "none"
    wordings: dict[str, list[str]] = Field(default_factory=dict)
    tuning: dict[str, Any] | None = None
    adapter_digest: str | None = None
    measured_at: str = ""


class TuningJobResponse(BaseModel):
    """A tuning job: its progress, then zero-shot and tuned on held-out rows."""

    id: str
    label_set: str
    version: int
    status: str = Field(description="running, done, stopped, failed or interrupted")
    done: int = Field(description="training steps done")
    total: int
    seconds_left: float | None = None
    report: dict[str, Any] | None = None
    attached: bool = Field(description="Kept as the set version's model (beat zero-shot)")
    error: str | None = None


class LabelSetResponse(BaseModel):
    """A saved label set; `version` is also its ETag."""

    name: str
    labels: list[str]
    hypothesis_template: str
    notes: str
    version: int
    updated_at: str | None = Field(description="ISO 8601, UTC")
    measurement: MeasurementResponse | None = Field(
        default=None, description="What was measured about this version (GET of one set)"
    )

    @classmethod
    def of(cls, saved: SavedSet, measured: dict[str, Any] | None = None) -> LabelSetResponse:
        return cls(
            measurement=MeasurementResponse(**measured) if measured else None,
            name=saved.name,
            labels=list(saved.labels),
            hypothesis_template=saved.template,
            notes=saved.notes,
            version=saved.version,
            updated_at=saved.updated_at.isoformat() if saved.updated_at else None,
        )


class LabelSetList(BaseModel):
    label_sets: list[LabelSetResponse]


class HFLabelScore(BaseModel):
    label: str
    score: float


class HFResponse(RootModel[list[HFLabelScore]]):
    """The labels with their scores, best first."""


def hf_answer(result: ClassificationResult) -> list[dict]:
    """The protocol's answer: `[{"label", "score"}, …]`, best first."""
    return [
        {"label": label, "score": score}
        for label, score in zip(result.labels, result.scores, strict=True)
    ]


class WordEffectBody(BaseModel):
    word: str
    start: int = Field(description="Offset of the word in `sequence` (the text as classified)")
    end: int
    effect: float = Field(description="The label's score with the word minus without it")


class ExplanationBody(BaseModel):
    """Why this label: each word dropped in turn (occlusion) and the label's score compared."""

    label: str
    words: list[WordEffectBody]
    total_words: int = Field(description="Words in the text; more than `words` when capped")
    capped: bool

    @classmethod
    def of(cls, explanation: Explanation) -> ExplanationBody:
        return cls(
            label=explanation.label,
            words=[
                WordEffectBody(word=w.word, start=w.start, end=w.end, effect=w.effect)
                for w in explanation.words
            ],
            total_words=explanation.total_words,
            capped=explanation.capped,
        )


class ThresholdBody(BaseModel):
    """The threshold that decided: a label's cut (multi-label) or the set's minimum top score."""

    kind: Literal["label_cut", "min_top_score"] = Field(
        description="label_cut: a label's cut (multi-label); min_top_score: the set's minimum "
        "top score (single-label)"
    )
    label: str | None = Field(default=None, description="The label whose cut decided")
    value: float


class LabelSetUsed(BaseModel):
    """Which saved set version answered, and whether through its tuned adapter."""

    name: str
    version: int
    tuned: bool
    thresholds: bool = Field(description="Its fitted thresholds were applied")


class ClassifyResponse(BaseModel):
    """transformers' pipeline shape plus what produced it."""

    sequence: str
    labels: list[str]
    scores: list[float]
    multi_label: bool
    hypothesis_template: str
    model: str
    elapsed_ms: float
    from_cache: bool
    truncated: bool
    dropped_labels: list[str]
    computed_pairs: int = Field(description="(text, label) pairs this request ran the model for")
    cached_pairs: int = Field(description="pairs answered from the pair cache")
    explanation: ExplanationBody | None = None
    abstained: bool | None = Field(
        default=None,
        description="With a label set's thresholds: true when no label passed (該当なし / none); "
        "labels and scores stay as they are",
    )
    predicted: list[str] | None = Field(
        default=None, description="With thresholds: the labels that passed"
    )
    threshold: ThresholdBody | None = None
    label_set: LabelSetUsed | None = None

    @classmethod
    def of(
        cls,
        result: ClassificationResult,
        explanation: Explanation | None = None,
        decision: Decision | None = None,
        used: LabelSetUsed | None = None,
    ) -> ClassifyResponse:
        if decision is not None:
            threshold = ThresholdBody(
                kind="min_top_score" if decision.threshold_label is None else "label_cut",
                label=decision.threshold_label,
                value=decision.threshold,
            )
            ordered = [label for label in result.labels if label in decision.predicted]
        return cls(
            abstained=decision.abstained if decision is not None else None,
            predicted=ordered if decision is not None else None,
            threshold=threshold if decision is not None else None,
            label_set=used,
            computed_pairs=result.computed_pairs,
            cached_pairs=result.cached_pairs,
            explanation=ExplanationBody.of(explanation) if explanation else None,
            sequence=result.text,
            labels=list(result.labels),
            scores=list(result.scores),
            multi_label=result.multi_label,
            hypothesis_template=result.hypothesis_template,
            model=result.model_id,
            elapsed_ms=round(result.elapsed_ms, 3),
            from_cache=result.from_cache,
            truncated=result.truncated,
            dropped_labels=list(result.dropped_labels),
        )


class ErrorResponse(BaseModel):
    """Every refusal: a message a person can act on (Japanese, or English on request) and a code."""

    error: str
    code: str


class ModelStatusBody(BaseModel):
    """The model's state; behind access control only `state` (no model id, no error text)."""

    state: str
    model: str | None = None
    error: str | None = None

    @classmethod
    def of(cls, status: ModelStatus, detailed: bool) -> ModelStatusBody:
        if not detailed:
            return cls(state=status.state.value)
        return cls(state=status.state.value, model=status.model_id, error=status.error)


class HealthResponse(BaseModel):
    status: str
    model: ModelStatusBody


class ReadyResponse(BaseModel):
    ready: bool
    model: ModelStatusBody


class DefaultsResponse(BaseModel):
    """What the plain-HTTP page starts with."""

    labels: list[str]
    examples: list[str]
    hypothesis_template: str
    max_labels: int
    model: str


def dump(body: BaseModel) -> dict:
    """The JSON object of a response body, without the fields that are not set."""
    return body.model_dump(exclude_none=True)

"""The JSON shapes of the HTTP API: request bodies parsed by pydantic, responses built from core's
typed results. Core knows nothing of these."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError

from core.inference.result import ClassificationResult
from core.inference.service import ModelStatus


class ClassifyBody(BaseModel):
    """`POST /api/classify`. Text and label contents are checked by core, for its own messages."""

    model_config = ConfigDict(extra="ignore")

    # Any: an empty, missing or non-string text gets core's "the text is empty" message.
    text: Any = None
    labels: list[Any]
    hypothesis_template: StrictStr | None = None
    multi_label: StrictBool = False


def first_problem(error: ValidationError) -> str:
    """One line a person can act on: which field, and what is wrong with it."""
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or "body"
    return f"{where}: {problem['msg']}"


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

    @classmethod
    def of(cls, result: ClassificationResult) -> ClassifyResponse:
        return cls(
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

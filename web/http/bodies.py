"""The JSON request bodies of the HTTP API, with their real constraints (the OpenAPI document is
generated from these, so it says exactly what is accepted).

The limits come from the settings (MAX_LABELS, MAX_TEXT_CHARS, …): `request_bodies(settings)`
builds the models for them. pydantic decides whether a body is accepted; when it is not, core's
own checks name the reason in the words the pages use (`error.empty_text`, `error.no_labels`,
…), and anything core has no word for is `error.bad_request` with the first problem named.
"""

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from fastapi import Path
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    model_validator,
)

from core.config import Settings
from core.errors import InputError
from core.exploration import tuning
from core.inference.request import (
    check_plain_text,
    check_template,
    check_unicode,
    clean_labels,
    clean_text,
)
from core.labels.store import MAX_NAME_CHARS, MAX_NOTES_CHARS
from web.http.errors import BadBody, Refusal
from web.http.patterns import (
    LABEL_LIST_PATTERN,
    LABEL_PATTERN,
    NAME_PATTERN,
    NOTES_PATTERN,
    TEMPLATE_PATTERN,
    TEXT_PATTERN,
)

MAX_GRANT_CHARS = 200


def _carried(problems: list[Any]) -> InputError | None:
    for problem in problems:
        error = (problem.get("ctx") or {}).get("error")
        if isinstance(error, InputError):
            return error
    return None


class Body(BaseModel):
    """A JSON request body: malformed Unicode anywhere in it is refused first (its own code);
    other refusals carry core's reason where it has one (`reason`)."""

    model_config = ConfigDict(extra="ignore")
    # The status of a refusal core has no reason for (the Hugging Face protocol says 422).
    invalid_status: ClassVar[int] = 400

    @classmethod
    def reason(cls, data: dict) -> None:
        """Raise core's InputError for why `data` is refused, if core has one."""

    @model_validator(mode="wrap")
    @classmethod
    def _refused_with_a_reason(cls, data: Any, handler: Any) -> Any:
        check_unicode(data)
        try:
            return handler(data)
        except ValidationError as invalid:
            problems = invalid.errors()
            carried = _carried(problems)
            if carried is not None:
                raise carried from None
            if isinstance(data, dict):
                cls.reason(data)
            raise BadBody(problems, cls.invalid_status) from None


def _whole_number(value: Any) -> Any:
    """A JSON integer as JSON Schema reads one: `18.0` is the integer 18 (a number with a zero
    fractional part), `true` and `"18"` are not numbers at all (left for strict validation to
    refuse)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def json_integer(**bounds: int) -> Any:
    """An `integer` field of the OpenAPI document, accepted exactly as the document says."""
    return Annotated[int, Field(strict=True, **bounds), BeforeValidator(_whole_number)]


def _check_labels(labels: Any, settings: Settings) -> None:
    """core's reason for a refused label list, checked as the API reads one (each label whole)."""
    if not isinstance(labels, list):
        return
    for label in labels:
        if not isinstance(label, str):
            raise InputError("error.label_not_text")
        check_plain_text(label, "labels")
        if not label.strip():
            raise InputError("error.empty_label")
    clean_labels(labels, settings)


def _check_texts(text: Any, settings: Settings) -> None:
    if not isinstance(text, list):
        clean_text(text, settings)
        return
    limit = settings.limits.max_texts
    if not text:
        raise InputError("error.empty_text")
    if len(text) > limit:
        raise InputError("error.too_many_texts", count=len(text), limit=limit)
    for index, item in enumerate(text):
        try:
            clean_text(item, settings)
        except InputError as error:
            raise error.at(index) from None


def _check_template(template: Any, settings: Settings) -> None:
    if template is not None:
        check_template(template, settings)


@dataclass(frozen=True)
class RequestBodies:
    classify: type[Body]
    hf: type[Body]
    label_set: type[Body]
    login_grant: type[Body]
    thresholds: type[Body]
    tuning: type[Body]


def request_bodies(settings: Settings) -> RequestBodies:
    """The request models for these settings' limits."""
    limits = settings.limits
    text_type = Annotated[
        str, StringConstraints(pattern=TEXT_PATTERN, max_length=limits.max_text_chars)
    ]
    label_type = Annotated[
        str, StringConstraints(pattern=LABEL_PATTERN, max_length=limits.max_label_chars)
    ]
    labels_type = Annotated[list[label_type], Field(min_length=1, max_length=limits.max_labels)]
    template_type = Annotated[
        str, StringConstraints(pattern=TEMPLATE_PATTERN, max_length=limits.max_template_chars)
    ]
    template_field = Field(
        default=None,
        description="Exactly one {} and no other brace; the setting's default when absent",
    )

    class ClassifyBody(Body):
        """`POST /api/classify`: one text, or a list of texts (an array of results in order)."""

        model_config = ConfigDict(
            extra="ignore",
            json_schema_extra={
                # Give labels, or the name of a saved set.
                "anyOf": [{"required": ["labels"]}, {"required": ["label_set"]}],
                "allOf": [
                    {
                        # An explanation is of one text's plain scores.
                        "if": {"properties": {"explain": {"const": True}}, "required": ["explain"]},
                        "then": {
                            "properties": {
                                "text": {"type": "string"},
                                "calibration": {"const": "none"},
                            },
                            "not": {"required": ["wordings"]},
                        },
                    },
                    {
                        # Batch calibration divides out the mean over several texts.
                        "if": {
                            "properties": {"calibration": {"const": "batch"}},
                            "required": ["calibration"],
                        },
                        "then": {"properties": {"text": {"type": "array", "minItems": 2}}},
                    },
                ],
            },
        )

        text: (
            text_type | Annotated[list[text_type], Field(min_length=1, max_length=limits.max_texts)]
        ) = Field(description="The text, or a list of texts (up to MAX_TEXTS)")
        labels: labels_type = Field(
            default=None,
            description="Candidate labels; or give `label_set` instead. A label may carry "
            "wordings, `旅行=旅行|観光|旅`: it scores the best of them (as on every page)",
        )
        label_set: str = Field(
            default=None,
            description="A saved label set's name: its labels and template (a template given wins)",
        )
        hypothesis_template: template_type | None = template_field
        multi_label: StrictBool | None = Field(
            default=None,
            description="false when absent; with `label_set`, the mode its thresholds were "
            "fitted in",
        )
        explain: StrictBool = Field(
            default=False, description="Add each word's effect on a label's score (one text only)"
        )
        explain_label: label_type | None = Field(
            default=None,
            description="The label to explain (one of the labels); the top one when absent",
        )
        # A key that names none of the labels is left unused, so any key is accepted.
        wordings: Annotated[
            dict[str, Annotated[list[label_type], Field(min_length=1)]], Field(min_length=1)
        ] = Field(
            default=None,
            description='Several wordings per label, e.g. {"旅行": ["旅行", "観光", "旅"]}: '
            "a label scores the best of its wordings (as on the Experiments page)",
        )
        calibration: Literal["none", "content_free", "batch"] = Field(
            default="none",
            description="content_free: divide out the scores of an empty text (Zhao+ 2021); "
            "batch: divide out the mean over the request's texts (Zhou+ 2023; a list of texts)",
        )

        @model_validator(mode="after")
        def _options_fit(self) -> "ClassifyBody":
            if self.labels is None and self.label_set is None:
                raise InputError("error.no_labels")
            if self.explain and isinstance(self.text, list):
                raise Refusal(400, "error.explain_one_text")
            if self.explain and (self.wordings or self.calibration != "none"):
                raise Refusal(400, "error.explain_with_options")
            if self.calibration == "batch" and not (
                isinstance(self.text, list) and len(self.text) >= 2
            ):
                raise InputError("experiment.batch_needs_texts")
            return self

        @classmethod
        def reason(cls, data: dict) -> None:
            _check_template(data.get("hypothesis_template"), settings)
            if "labels" in data or "label_set" not in data:
                _check_labels(data.get("labels"), settings)
                if data.get("labels") is None:
                    raise InputError("error.no_labels")
            _check_texts(data.get("text"), settings)

    class HFParameters(BaseModel):
        """The `parameters` of the Hugging Face inference protocol for zero-shot classification."""

        model_config = ConfigDict(extra="ignore")

        candidate_labels: (
            labels_type
            | Annotated[
                str,
                StringConstraints(pattern=LABEL_LIST_PATTERN, max_length=limits.max_label_chars),
            ]
        ) = Field(description="A list, or one comma-separated string as the hosted API took it")
        multi_label: StrictBool | None = False
        hypothesis_template: template_type | None = template_field

        def labels(self) -> list[str]:
            if isinstance(self.candidate_labels, str):
                return [part for part in self.candidate_labels.split(",") if part.strip()]
            return list(self.candidate_labels)

    class HFBody(Body):
        """`POST /api/hf`: what huggingface_hub's `InferenceClient.zero_shot_classification`
        sends. A body of another shape is 422, as the protocol's servers answer."""

        invalid_status: ClassVar[int] = 422

        inputs: text_type
        parameters: HFParameters

        @classmethod
        def reason(cls, data: dict) -> None:
            parameters = data.get("parameters")
            if not (
                isinstance(data.get("inputs"), str)
                and isinstance(parameters, dict)
                and isinstance(parameters.get("candidate_labels"), list | str)
            ):
                return  # not the protocol's shape: 422
            _check_template(parameters.get("hypothesis_template"), settings)
            _check_labels(parameters.get("candidate_labels"), settings)
            _check_texts(data.get("inputs"), settings)

    class LabelSetBody(Body):
        """`PUT /api/label-sets/{name}`: the set to store under that name."""

        labels: labels_type
        hypothesis_template: template_type | None = template_field
        notes: Annotated[
            str, StringConstraints(pattern=NOTES_PATTERN, max_length=MAX_NOTES_CHARS)
        ] = ""

        @classmethod
        def reason(cls, data: dict) -> None:
            _check_template(data.get("hypothesis_template"), settings)
            _check_labels(data.get("labels"), settings)
            if not data.get("labels"):
                raise InputError("error.no_labels")
            notes = data.get("notes")
            if isinstance(notes, str):
                check_plain_text(notes, "notes", allow_newlines=True)
                if len(notes) > MAX_NOTES_CHARS:
                    raise InputError("store.notes_too_long", limit=MAX_NOTES_CHARS)

    class LoginGrantBody(Body):
        """`POST /auth/session`: the grant the login page handed the browser after a right
        password."""

        grant: Annotated[str, StringConstraints(max_length=MAX_GRANT_CHARS)]

    class RowBody(BaseModel):
        """A text with its expected labels (該当なし / "none", or none at all: fits no label)."""

        text: text_type
        expected: list[label_type] = Field(
            default_factory=list,
            description="The labels the text should get: each one of the set's labels (409 "
            "otherwise), 該当なし / none for a text that fits none",
        )

    def rows_field(limit: int) -> Any:
        return Field(
            min_length=1,
            max_length=limit,
            description="Evaluation rows; each of the set's labels needs enough of them to "
            "tune (409 otherwise)",
        )

    class ThresholdsBody(Body):
        """`POST /api/label-sets/{name}/thresholds`: rows to fit the set's thresholds on."""

        rows: list[RowBody] = rows_field(limits.max_evaluation_rows)
        multi_label: StrictBool = False

    class TuningBody(Body):
        """`POST /api/label-sets/{name}/tuning`: rows to tune the set on, and bounds."""

        rows: list[RowBody] = rows_field(min(tuning.MAX_ROWS, limits.max_evaluation_rows))
        multi_label: StrictBool = False
        epochs: json_integer(ge=1, le=tuning.MAX_EPOCHS) = 10
        learning_rate: float = Field(default=1e-3, gt=0, le=tuning.MAX_LEARNING_RATE, strict=True)
        max_seconds: float = Field(default=600, gt=0, le=tuning.MAX_SECONDS, strict=True)
        seed: json_integer(ge=0, le=tuning.MAX_SEED) = 0

    return RequestBodies(
        ClassifyBody, HFBody, LabelSetBody, LoginGrantBody, ThresholdsBody, TuningBody
    )


# The name of a saved set in a path, as the store keeps it.
SET_NAME = {"min_length": 1, "max_length": MAX_NAME_CHARS, "pattern": NAME_PATTERN}
SetName = Annotated[str, Path(description="The set's name", **SET_NAME)]

"""The workspace: one typed model that is at once the session's shape, the saved shape and the
export format.

Each field is one thing a teammate typed or chose; the session holds one WorkspaceData
(web/ui/state.workspace()) whose fields the page accessors read and write, and its field names are
the keys of the saved and exported JSON. A field never set is left out of the JSON
(`exclude_unset`), so opening the workspace leaves that value to the page's default.

Results (Classify's last one, Compare's, the Examples matrix) and Experiments' choices are kept
too, so a reload or another browser shows them again; each is merged whole (MERGED_WHOLE), never
field by field, so a merge never makes one result out of two.

Experiment runs do not copy the evaluation texts they ran on: each run names them (`rows`, a
digest) and `experiment_rows` keeps each distinct list of texts once. Workspaces saved before that
(each run with its own `texts`) are read into the new shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from core.config import LimitSettings
from core.errors import InputError
from core.exploration.evaluation import check_example_count
from core.exploration.experiments import RunRecord, rows_digest
from core.exploration.template_compare import TemplateComparison
from core.inference.result import ClassificationResult


def check_count(what: str, count: int, limit: int) -> None:
    """Refuse `count` examples or label sets (`what`: "examples", "label_sets") past `limit`."""
    if count <= limit:
        return
    if what == "examples":
        raise InputError("workspace.too_many_examples", count=count, limit=limit)
    raise InputError("workspace.too_many_label_sets", count=count, limit=limit)


# A name quoted in a message is cut here: the message stays readable whatever the name.
NAME_IN_MESSAGE_CHARS = 30


def check_set_size(name: str, count: int, limits: LimitSettings) -> None:
    """A label set holds at most MAX_LABELS labels: it must be usable as one request."""
    if count > limits.max_labels:
        shown = name if len(name) <= NAME_IN_MESSAGE_CHARS else name[:NAME_IN_MESSAGE_CHARS] + "…"
        raise InputError(
            "workspace.set_too_large", name=shown, count=count, limit=limits.max_labels
        )


class EvaluationRow(BaseModel):
    """One row of Evaluate's table: a text and its expected labels (`旅行|料理`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    text: str
    expected: str = ""


@dataclass(frozen=True)
class ExampleRun:
    """The Examples page's score matrix: each example's result over `labels`."""

    labels: tuple[str, ...]
    results: tuple[ClassificationResult, ...]
    # (examples, label entries, template, multi-label) the matrix was made from; None in a run
    # kept before this was (nothing known to compare with what is on screen).
    made_with: tuple[tuple[str, ...], tuple[str, ...], str, bool] | None = None


class ExperimentChoices(BaseModel):
    """What Experiments' grid is set to, as last chosen; None: the page's default."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    sets: list[str] | None = None
    templates: str | None = None
    average: StrictBool | None = None
    modes: list[StrictBool] | None = None
    threshold: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    calibrations: list[Literal["none", "content_free", "batch"]] | None = None


class WorkspaceData(BaseModel):
    """Everything a workspace keeps. Validated whole: a value of the wrong shape anywhere is a
    ValidationError naming where (see document.parse_document)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False)

    label_sets: dict[str, list[str]] = {}
    current_label_set: str = ""
    examples: list[str] = []
    # The Classify inputs.
    input_text: str = ""
    input_template: str = ""
    input_multi_label: StrictBool = False
    input_custom_labels: str = ""
    # A set in the session; sorted here so equal sets are equal JSON.
    input_unchecked_labels: Annotated[list[str], AfterValidator(sorted)] = []
    input_explain: StrictBool = False
    input_wordings: str = ""  # lines like 旅行=旅行|観光|旅
    # One text's calibrations (Classify); batch calibration needs many texts.
    input_calibration: Literal["none", "content_free"] = "none"
    compare_template_lines: str = ""
    evaluation_rows: list[EvaluationRow] = []
    experiment_runs: list[RunRecord] = []
    # The texts experiment runs ran on, once per distinct list: digest → texts.
    experiment_rows: dict[str, list[str]] = {}
    batch_job: Annotated[str, Field(pattern=r"^[0-9A-Za-z_-]{0,64}$")] = ""
    # Digests of the share links this workspace has taken in (the last few): each is applied once.
    shared_links_applied: list[str] = []
    experiment_choices: ExperimentChoices = ExperimentChoices()
    # Results, so a reload or another browser shows them again.
    last_result: ClassificationResult | None = None
    compare_text_value: str = ""
    compare_result: TemplateComparison | None = None
    example_results: ExampleRun | None = None

    # Fields two windows' changes are merged on as one value (core/workspaces/merge.py).
    MERGED_WHOLE: ClassVar[frozenset[str]] = frozenset(
        {"experiment_choices", "last_result", "compare_result", "example_results"}
    )

    @model_validator(mode="before")
    @classmethod
    def _runs_name_their_rows(cls, data: Any) -> Any:
        """Runs saved with their own copy of the texts (before `rows`) name them instead."""
        if not isinstance(data, Mapping) or not isinstance(data.get("experiment_runs"), list):
            return data
        data = dict(data)
        kept = dict(data.get("experiment_rows") or {})
        runs = []
        for run in data["experiment_runs"]:
            if (
                isinstance(run, Mapping)
                and "rows" not in run
                and isinstance(run.get("texts"), list)
            ):
                digest = rows_digest(run["texts"])
                kept.setdefault(digest, run["texts"])
                run = {**run, "rows": digest}
            runs.append(run)
        data["experiment_runs"] = runs
        if kept:
            data["experiment_rows"] = kept
        return data

    @model_validator(mode="after")
    def _only_rows_runs_name(self) -> WorkspaceData:
        """Texts no run names any more (their runs were merged away) are dropped."""
        named = {run.rows for run in self.experiment_runs}
        if any(digest not in named for digest in self.experiment_rows):
            self.experiment_rows = {d: t for d, t in self.experiment_rows.items() if d in named}
        return self

    @classmethod
    def salvaged(cls, data: Mapping[str, Any]) -> WorkspaceData:
        """A stored workspace, leaving out any field that no longer has a valid shape (so a
        workspace saved by an older version always opens)."""
        data = dict(data)
        for _ in range(len(cls.model_fields)):
            try:
                return cls.model_validate(data)
            except ValidationError as error:
                for problem in error.errors():
                    data.pop(str(problem["loc"][0]) if problem["loc"] else "", None)
        return cls()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data of the fields set: what the store saves and the export carries."""
        return self.model_dump(mode="json", exclude_unset=True)

    def check_limits(self, limits: LimitSettings) -> None:
        """Refuse a workspace past any of its size limits (settings: MAX_EXAMPLES,
        MAX_EVALUATION_ROWS, MAX_LABEL_SETS, MAX_LABELS per set, MAX_WORKSPACE_MB), so it is
        never stored nor drawn. Raises InputError naming the limit."""
        check_count("examples", len(self.examples), limits.max_examples)
        check_example_count(len(self.evaluation_rows), limits.max_evaluation_rows)
        check_count("label_sets", len(self.label_sets), limits.max_label_sets)
        for name, labels in self.label_sets.items():
            check_set_size(name, len(labels), limits)
        size = len(json.dumps(self.to_json(), ensure_ascii=False).encode())
        if size > limits.max_workspace_bytes:
            raise InputError("workspace.too_large", limit=f"{limits.max_workspace_mb:g}")

    def texts_of(self, run: RunRecord) -> list[str] | None:
        """The evaluation texts `run` ran on, or None if the workspace no longer has them."""
        return self.experiment_rows.get(run.rows)

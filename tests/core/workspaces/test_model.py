"""The workspace model: results and choices kept typed, older workspaces still open."""

from __future__ import annotations

from core.exploration.template_compare import TemplateComparison, TemplateRow
from core.inference.result import ClassificationResult
from core.workspaces.model import ExampleRun, ExperimentChoices, WorkspaceData

RESULT = ClassificationResult(
    text="京都に行こう",
    labels=("旅行", "料理"),
    scores=(0.8, 0.2),
    multi_label=False,
    hypothesis_template="この例は{}です。",
    model_id="tiny",
    elapsed_ms=3.5,
    dropped_labels=("旅行",),
)


def test_a_workspace_saved_before_results_were_kept_opens_with_none():
    old = WorkspaceData.salvaged({"examples": ["京都に行こう"], "input_text": "x"})
    assert old.last_result is None
    assert old.compare_result is None
    assert old.example_results is None
    assert old.compare_text_value == ""
    assert old.experiment_choices == ExperimentChoices()
    assert old.shared_links_applied == []
    assert set(old.to_json()) == {"examples", "input_text"}


def test_kept_results_and_choices_come_back_equal_and_typed():
    comparison = TemplateComparison(
        ("旅行", "料理"),
        ("この例は{}です。",),
        (TemplateRow("京都に行こう", "この例は{}です。", (0.8, 0.2), "旅行"),),
    )
    workspace = WorkspaceData()
    workspace.last_result = RESULT
    workspace.compare_result = comparison
    workspace.example_results = ExampleRun(("旅行", "料理"), (RESULT,))
    workspace.experiment_choices = ExperimentChoices(sets=["標準"], modes=[True], threshold=0.7)
    workspace.shared_links_applied = ["abc"]
    opened = WorkspaceData.salvaged(workspace.to_json())
    assert opened.last_result == RESULT
    assert opened.compare_result == comparison
    assert opened.example_results == ExampleRun(("旅行", "料理"), (RESULT,))
    assert opened.experiment_choices.model_dump(exclude_none=True) == {
        "sets": ["標準"],
        "modes": [True],
        "threshold": 0.7,
    }
    assert opened.shared_links_applied == ["abc"]


def test_a_result_that_is_not_one_reads_as_none_and_the_rest_opens():
    opened = WorkspaceData.salvaged({"last_result": {"labels": "x"}, "input_text": "x"})
    assert opened.last_result is None
    assert opened.input_text == "x"

"""A workspace as one JSON file: what is exported comes back; anything else is a clear refusal."""

from __future__ import annotations

import json

import pytest

from core.config import LimitSettings, Settings
from core.errors import InputError
from core.workspaces.document import FORMAT, FORMAT_VERSION, export_document, parse_document
from core.workspaces.model import WorkspaceData

DATA = {
    "label_sets": {"標準": ["旅行", "料理"]},
    "examples": ["京都に行こう"],
    "input_text": "テキスト",
    "input_multi_label": True,
}
RUN = {
    "id": "1",
    "when": "2026-11-30 10:00 UTC",
    "model": "tiny",
    "config": {
        "label_set": "標準",
        "labels": ["旅行", "料理"],
        "templates": ["この例は{}です。"],
        "multi_label": False,
        "threshold": 0.5,
        "calibration": "none",
    },
    "accuracy": 0.5,
    "macro_f1": 0.4,
    "per_label_f1": {"旅行": 0.5, "料理": 0.3},
    "confusion": {"旅行": {"旅行": 1, "料理": 0}, "料理": {"旅行": 1, "料理": 0}},
    "predicted": ["旅行", "旅行"],
    "correct": [True, False],
}


LIMITS = Settings()


def _file(workspace, **document) -> bytes:
    body = {"format": FORMAT, "version": FORMAT_VERSION, "workspace": workspace, **document}
    return json.dumps(body).encode()


def test_an_exported_workspace_comes_back_equal():
    workspace = WorkspaceData.model_validate(DATA)
    assert parse_document(export_document(workspace), LIMITS).to_json() == DATA


def test_unknown_keys_are_left_out():
    assert parse_document(_file({**DATA, "surprise": 1}), LIMITS).to_json() == DATA


def test_a_version_1_file_with_copied_texts_is_read_as_references():
    old = {**DATA, "experiment_runs": [{**RUN, "texts": ["a", "b"]}] * 3}
    workspace = parse_document(_file(old, version=1), LIMITS)
    assert len(workspace.experiment_runs) == 3
    assert len(workspace.experiment_rows) == 1  # three runs, one copy of their texts
    assert workspace.texts_of(workspace.experiment_runs[0]) == ["a", "b"]
    assert "texts" not in json.dumps(workspace.to_json()["experiment_runs"])


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b"\xff\xfe not utf-8", "workspace.bad_unicode"),
        (_file({"examples": ["\ud800"]}), "workspace.bad_unicode"),
        (b"{not json", "workspace.not_json"),
        (b"[1, 2]", "workspace.wrong_format"),
        (json.dumps({"format": "other", "version": 1}).encode(), "workspace.wrong_format"),
        (_file(DATA, version=99), "workspace.wrong_version"),
        (_file({"examples": "not a list"}), "workspace.bad_field"),
        (_file({"label_sets": {"標準": [1, 2]}}), "workspace.bad_field"),
        (_file({"label_sets": {}}), "workspace.bad_field"),
        (_file({"input_multi_label": "yes"}), "workspace.bad_field"),
        (_file({"evaluation_rows": ["a text, not a row"]}), "workspace.bad_field"),
        (_file({"experiment_runs": [{"id": "1"}]}), "workspace.bad_field"),
        (b"[" * 100_000, "workspace.not_json"),
    ],
    ids=[
        "not utf-8",
        "a lone surrogate",
        "not json",
        "not an object",
        "another format",
        "a newer version",
        "examples not a list",
        "labels not text",
        "no label sets",
        "mode not a bool",
        "a row not a row",
        "a run without its fields",
        "nested too deep",
    ],
)
def test_a_bad_file_is_a_clear_refusal(raw, key):
    with pytest.raises(InputError) as refused:
        parse_document(raw, LIMITS)
    assert refused.value.key == key
    assert str(refused.value)


SETS = {"標準": ["旅行", "料理"]}


@pytest.mark.parametrize(
    ("workspace", "key"),
    [
        ({"label_sets": SETS, "experiment_choices": {"threshold": 5}}, "workspace.bad_field"),
        ({"label_sets": SETS, "experiment_choices": {"threshold": -0.5}}, "workspace.bad_field"),
        ({"label_sets": SETS, "input_calibration": "evil"}, "workspace.bad_field"),
        ({"label_sets": SETS, "batch_job": "../../etc/passwd"}, "workspace.bad_field"),
        ({"label_sets": {"X": ["a\x00b"]}}, "error.control_chars"),
        ({"label_sets": {"X": ["旅" * 10_000]}}, "error.label_too_long"),
        ({"label_sets": {"X": ["旅行", "  "]}}, "experiment.bad_wording"),
        ({"label_sets": {"a/b": ["旅行"]}}, "store.name_slash"),
        ({"label_sets": {"a\x07": ["旅行"]}}, "error.control_chars"),
        ({"label_sets": SETS, "input_template": "{}{}{0}"}, "error.template_placeholder"),
        ({"label_sets": SETS, "examples": ["長" * 100_000]}, "error.text_too_long"),
    ],
    ids=[
        "threshold above 1",
        "threshold below 0",
        "unknown calibration",
        "a job id that is a path",
        "NUL in a label",
        "a 10,000-character label",
        "a blank label",
        "a set name with a slash",
        "a control character in a set name",
        "a template with more than one {}",
        "an example past the text limit",
    ],
)
def test_what_could_not_be_typed_cannot_be_imported(workspace, key):
    raw = _file(workspace)
    with pytest.raises(InputError) as refused:
        parse_document(raw, LIMITS)
    assert refused.value.key == key


def test_a_bad_field_is_named_where_it_is():
    with pytest.raises(InputError) as refused:
        parse_document(_file({"label_sets": {"標準": ["旅行", 2]}}), LIMITS)
    assert refused.value.params["field"] == "label_sets.標準.1"


def test_a_stored_workspace_with_a_field_gone_bad_still_opens():
    workspace = WorkspaceData.salvaged({**DATA, "examples": "not a list"})
    assert workspace.label_sets == DATA["label_sets"]
    assert "examples" not in workspace.model_fields_set


@pytest.mark.parametrize(
    ("workspace", "key"),
    [
        ({"examples": [f"例文{i}" for i in range(20_000)]}, "workspace.too_many_examples"),
        ({"label_sets": {"大": [f"ラベル{i}" for i in range(50_000)]}}, "workspace.set_too_large"),
        (
            {"label_sets": {f"セット{i}": ["旅行"] for i in range(51)}},
            "workspace.too_many_label_sets",
        ),
        (
            {"evaluation_rows": [{"text": f"文{i}", "expected": "旅行"} for i in range(1001)]},
            "eval.too_many_examples",
        ),
    ],
    ids=["20,000 examples", "a 50,000-label set", "51 label sets", "1,001 evaluation rows"],
)
def test_a_file_past_a_size_limit_is_refused_naming_it(workspace, key):
    with pytest.raises(InputError) as refused:
        parse_document(_file(workspace), LIMITS)
    assert refused.value.key == key


def test_a_file_past_the_workspace_size_is_refused_before_it_is_read():
    small = Settings(limits=LimitSettings(max_workspace_mb=0.001))
    with pytest.raises(InputError) as refused:
        parse_document(b"{" * 2000, small)  # not even JSON: never parsed
    assert refused.value.key == "workspace.too_large"
    assert "0.001 MB" in str(refused.value)


def test_a_long_set_name_is_cut_in_the_message():
    with pytest.raises(InputError) as refused:
        parse_document(_file({"label_sets": {"名" * 100_000: ["x"] * 51}}), LIMITS)
    assert len(str(refused.value)) < 200

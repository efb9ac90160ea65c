from __future__ import annotations

import json

import pytest

from core.config import Settings
from core.errors import InputError
from core.labels.editing import (
    add_label,
    export_label_set,
    import_label_set,
    move_label,
    remove_label,
    rename_label,
    unique_name,
)

SETTINGS = Settings()


def test_add_appends_a_stripped_label():
    assert add_label(["旅行"], " 料理 ", SETTINGS) == ["旅行", "料理"]


def test_add_refuses_a_duplicate():
    with pytest.raises(InputError, match="すでに"):
        add_label(["旅行"], "旅行", SETTINGS)


def test_add_refuses_an_empty_label():
    with pytest.raises(InputError):
        add_label(["旅行"], "  ", SETTINGS)


def test_rename_replaces_in_place():
    assert rename_label(["旅行", "料理"], 1, "グルメ", SETTINGS) == ["旅行", "グルメ"]


def test_rename_to_another_existing_label_is_refused():
    with pytest.raises(InputError):
        rename_label(["旅行", "料理"], 1, "旅行", SETTINGS)


def test_remove_drops_one_label():
    assert remove_label(["旅行", "料理", "踊り"], 1) == ["旅行", "踊り"]


def test_move_up_and_down():
    assert move_label(["a", "b", "c"], 2, -1) == ["a", "c", "b"]
    assert move_label(["a", "b", "c"], 0, 1) == ["b", "a", "c"]


def test_move_past_the_end_stops_there():
    assert move_label(["a", "b"], 0, -1) == ["a", "b"]


def test_export_then_import_round_trips():
    text = export_label_set("趣味", ["旅行", "料理"], "これは{}の話です。")
    assert json.loads(text) == {
        "name": "趣味",
        "labels": ["旅行", "料理"],
        "hypothesis_template": "これは{}の話です。",
    }
    assert import_label_set(text, SETTINGS) == ("趣味", ["旅行", "料理"], "これは{}の話です。")


def test_import_accepts_a_bare_list():
    assert import_label_set('["旅行", "料理", "旅行"]', SETTINGS) == ("", ["旅行", "料理"], None)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ("{not json", "error.bad_json"),
        (b"\xff\xfe\x00binary", "error.bad_json"),
        ('"just a string"', "error.bad_label_set"),
        ('{"name": "x"}', "error.bad_label_set"),
        ('{"name": "x", "labels": [1, 2]}', "error.bad_label_set"),
        ('{"name": "x", "labels": []}', "error.no_labels"),
    ],
)
def test_malformed_import_is_a_clear_error(data, key):
    with pytest.raises(InputError) as error:
        import_label_set(data, SETTINGS)
    assert error.value.key == key


def test_deeply_nested_json_is_a_clear_message():
    with pytest.raises(InputError) as caught:
        import_label_set("[" * 50_000 + "]" * 50_000, SETTINGS)
    assert caught.value.key == "error.bad_label_set"


@pytest.mark.parametrize(
    ("labels", "key"),
    [
        ([f"L{i}" for i in range(51)], "error.too_many_labels"),
        (["あ" * 51], "error.label_too_long"),
        (["旅\x00行"], "error.control_chars"),
    ],
)
def test_an_import_obeys_the_api_limits(labels, key):
    with pytest.raises(InputError) as caught:
        import_label_set(json.dumps({"name": "x", "labels": labels}), SETTINGS)
    assert caught.value.key == key


def test_adding_past_the_label_limit_is_refused():
    full = [f"L{i}" for i in range(SETTINGS.limits.max_labels)]
    with pytest.raises(InputError) as caught:
        add_label(full, "one more", SETTINGS)
    assert caught.value.key == "error.too_many_labels"


def test_an_imported_name_that_is_taken_gets_a_number():
    assert unique_name("趣味", ["趣味", "趣味 (2)"]) == "趣味 (3)"
    assert unique_name("仕事", ["趣味"]) == "仕事"


def test_an_imported_template_must_be_a_valid_one():
    with pytest.raises(InputError):
        import_label_set(
            json.dumps({"labels": ["旅行"], "hypothesis_template": "{0.__class__}"}), SETTINGS
        )

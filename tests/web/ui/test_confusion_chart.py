"""The confusion matrix's chart: a plain Vega-Lite spec and its cells, built once per result."""

from __future__ import annotations

from web.ui.components import CONFUSION_ROW_PX, confusion_spec

CONFUSION = {"旅行": {"旅行": 3, "料理": 1}, "料理": {"旅行": 0, "料理": 4}}


def test_each_cell_of_the_matrix_is_a_row_of_the_charts_data():
    cells = confusion_spec(CONFUSION).cells.to_pylist()
    assert {(c["expected"], c["predicted"], c["count"]) for c in cells} == {
        ("旅行", "旅行", 3),
        ("旅行", "料理", 1),
        ("料理", "旅行", 0),
        ("料理", "料理", 4),
    }


def test_counts_are_white_on_the_darker_half_of_the_scale():
    spec = confusion_spec(CONFUSION).spec
    heat, counts = spec["layer"]
    assert heat["encoding"]["color"]["scale"]["domain"] == [0, 4]
    assert counts["encoding"]["color"]["condition"] == {
        "test": "datum.count > 2.0",
        "value": "white",
    }
    assert spec["height"] == 2 * CONFUSION_ROW_PX

from __future__ import annotations

import pytest

from core.labels.defaults import DEFAULT_EXAMPLES
from tests.pages.conftest import as_shown, goto

EXAMPLES_PAGE = "pages/examples.py"


def test_seed_examples_are_preloaded(app):
    shown = [as_shown(m.value) for m in goto(app, EXAMPLES_PAGE).markdown]
    assert all(example in shown for example in DEFAULT_EXAMPLES)


def test_run_all_shows_a_matrix_with_each_rows_top_label(app, ready_service):
    goto(app, EXAMPLES_PAGE).button(key="examples_run_all").click().run()
    matrix = app.dataframe[0].value
    assert list(matrix["例文"]) == list(DEFAULT_EXAMPLES)
    for _, row in matrix.iterrows():
        expected = ready_service.classify(row["例文"], ["旅行", "料理", "踊り"])
        assert row["最上位"] == "★ " + expected.top_label
        assert row["旅行"] == pytest.approx(expected.score_of("旅行"))


def test_run_all_uses_the_current_labels(app):
    goto(app, "pages/labels.py").button(key="labels_remove_2").click().run()
    goto(app, EXAMPLES_PAGE).button(key="examples_run_all").click().run()
    assert list(app.dataframe[0].value.columns) == ["例文", "旅行", "料理", "最上位"]


def test_add_and_remove_an_example(app):
    goto(app, EXAMPLES_PAGE)
    app.text_input(key="examples_new").input("週末は温泉でゆっくりします。")
    app.button(key="examples_add").click().run()
    assert "週末は温泉でゆっくりします。" in [as_shown(m.value) for m in app.markdown]
    app.button(key="examples_remove_0").click().run()
    assert DEFAULT_EXAMPLES[0] not in [as_shown(m.value) for m in app.markdown]


def test_send_an_example_to_classify(app):
    goto(app, EXAMPLES_PAGE).button(key="examples_send_1").click().run()
    assert app.text_area(key="classify_text").value == DEFAULT_EXAMPLES[1]

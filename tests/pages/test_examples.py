from __future__ import annotations

import pytest

from core.errors import ModelBusy
from core.inference.service import ClassifierService
from core.labels.defaults import DEFAULT_EXAMPLES
from tests.conftest import loaded
from tests.pages.conftest import as_shown, goto
from web.text import message


def t_ja(key: str) -> str:
    return message(key, "ja")


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
    assert list(app.dataframe[0].value.columns) == ["例文", "最上位", "旅行", "料理"]


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


@pytest.fixture
def counted_service(settings, forward_passes, use_service):
    """The app's service replaced by a fresh one whose forward passes are counted."""
    with loaded(ClassifierService(settings)) as service:
        use_service(service)
        yield service


def test_run_all_sends_every_text_to_the_model_in_one_pass(app, counted_service, forward_passes):
    goto(app, EXAMPLES_PAGE).button(key="examples_run_all").click().run()
    assert forward_passes == [len(DEFAULT_EXAMPLES) * 3]


def test_run_all_again_with_one_label_added_runs_only_the_new_pairs(
    app, counted_service, forward_passes
):
    goto(app, EXAMPLES_PAGE).button(key="examples_run_all").click().run()
    goto(app, "pages/labels.py").text_input(key="labels_new").input("音楽")
    app.button(key="labels_add").click().run()
    goto(app, EXAMPLES_PAGE).button(key="examples_run_all").click().run()
    assert forward_passes[1:] == [len(DEFAULT_EXAMPLES)]
    assert "音楽" in app.dataframe[0].value.columns


def test_a_busy_model_is_a_plain_message(app, monkeypatch, ready_service):
    def busy(*args, **kwargs):
        raise ModelBusy("4096 pairs are waiting")

    monkeypatch.setattr(ready_service, "score", busy)
    goto(app, EXAMPLES_PAGE).button(key="examples_run_all").click().run()
    assert [w.value for w in app.warning] == [t_ja("model.busy")]

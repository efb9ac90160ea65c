"""The Classify inputs belong to the session, not to widgets: every page uses and shows them."""

from __future__ import annotations

import pandas as pd
import pytest

from core.labels.defaults import DEFAULT_EXAMPLES, DEFAULT_LABELS
from tests.pages.conftest import as_shown, batch_table, goto, run_batch_job

MY_TEMPLATE = "これは{}に関する文です。"
MY_TEXT = "週末は箱根の温泉に行きます。"
ROWS = ["そうだ京都に行こう!", "ラーメン二郎が大好きです。"]


def _classify_with_my_inputs(app):
    app.text_area(key="classify_text").input(MY_TEXT)
    app.text_input(key="classify_template").input(MY_TEMPLATE)
    app.toggle(key="classify_multi").set_value(True)
    app.button(key="classify_submit").click().run()
    assert not app.exception


def _captions(app) -> str:
    return " ".join(as_shown(c.value) for c in app.caption)


def test_the_template_shown_and_used_on_batch_stays_mine_after_two_visits(app, ready_service):
    _classify_with_my_inputs(app)
    goto(app, "pages/batch.py")
    goto(app, "pages/batch.py")
    assert MY_TEMPLATE in _captions(app)
    csv_bytes = pd.DataFrame({"text": ROWS}).to_csv(index=False).encode()
    app.file_uploader(key="batch_file").set_value(("t.csv", csv_bytes, "text/csv"))
    app.run()
    table = batch_table(run_batch_job(app))
    for _, row in table.iterrows():
        mine = ready_service.classify(row["text"], DEFAULT_LABELS, MY_TEMPLATE, multi_label=True)
        assert row["旅行"] == pytest.approx(mine.score_of("旅行"))


def test_text_template_and_mode_survive_a_trip_to_other_pages(app):
    _classify_with_my_inputs(app)
    for page in ("pages/batch.py", "pages/labels.py", "pages/evaluate.py", "pages/classify.py"):
        goto(app, page)
    assert app.text_area(key="classify_text").value == MY_TEXT
    assert app.text_input(key="classify_template").value == MY_TEMPLATE
    assert app.toggle(key="classify_multi").value is True


def test_an_unchecked_label_stays_unchecked_after_leaving(app):
    app.checkbox(key="classify_label_1_料理").uncheck()
    app.button(key="classify_submit").click().run()
    goto(app, "pages/examples.py")
    goto(app, "pages/classify.py")
    assert app.checkbox(key="classify_label_1_料理").value is False


def test_run_all_on_examples_uses_my_template_and_mode(app, ready_service):
    _classify_with_my_inputs(app)
    goto(app, "pages/examples.py")
    assert MY_TEMPLATE in _captions(app)
    app.button(key="examples_run_all").click().run()
    matrix = app.dataframe[0].value
    for _, row in matrix.iterrows():
        mine = ready_service.classify(row["例文"], DEFAULT_LABELS, MY_TEMPLATE, multi_label=True)
        assert row["旅行"] == pytest.approx(mine.score_of("旅行"))
    assert list(matrix["例文"]) == list(DEFAULT_EXAMPLES)


def test_evaluate_and_compare_show_the_template_they_use(app):
    _classify_with_my_inputs(app)
    assert MY_TEMPLATE in _captions(goto(app, "pages/evaluate.py"))
    compare = goto(app, "pages/compare.py")
    assert compare.text_area(key="compare_templates").value.splitlines()[0] == MY_TEMPLATE


def test_a_repeated_classification_says_it_came_from_the_cache(app):
    for _ in range(2):
        app.text_area(key="classify_text").input("キャッシュの確認です。")
        app.button(key="classify_submit").click().run()
    assert "キャッシュから" in _captions(app)

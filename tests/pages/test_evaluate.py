"""Evaluate page: the seed's examples with their answers are measured on first open."""

from __future__ import annotations

import pandas as pd

from tests.pages.conftest import goto, new_session


def test_the_seed_examples_are_evaluated_on_first_open(app):
    goto(app, "pages/evaluate.py")
    names = [m.label for m in app.metric]
    assert names == ["正解率", "マクロ F1"]
    assert app.metric[0].value.endswith("%")
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")


def test_multi_label_turns_the_threshold_on(app):
    goto(app, "pages/evaluate.py")
    assert app.slider(key="eval_threshold").disabled
    app.toggle(key="eval_multi").set_value(True).run()
    assert not app.slider(key="eval_threshold").disabled
    app.slider(key="eval_threshold").set_value(0.0).run()
    # Every label scores at least 0: each prediction is the whole set, so only exact sets count.
    assert app.metric[0].value == "0.0%"


def test_a_file_of_examples_with_an_unknown_label_is_explained(app):
    goto(app, "pages/evaluate.py")
    app.radio(key="eval_source").set_value("file").run()
    data = pd.DataFrame({"text": ["京都"], "expected": ["音楽"]}).to_csv(index=False).encode()
    app.file_uploader(key="eval_file").set_value(("e.csv", data, "text/csv")).run()
    assert not app.exception
    assert "音楽" in app.error[0].value.replace("\\", "")


def test_a_file_with_more_examples_than_allowed_is_refused_before_any_work(ready_service):
    from tests.pages.test_limits import limited

    with limited(ready_service, max_evaluation_rows=3):
        app = goto(new_session(), "pages/evaluate.py")
        app.radio(key="eval_source").set_value("file").run()
        rows = pd.DataFrame({"text": [f"文{i}です。" for i in range(4)], "expected": ["旅行"] * 4})
        data = rows.to_csv(index=False).encode()
        app.file_uploader(key="eval_file").set_value(("many.csv", data, "text/csv"))
        app.run()
        assert not app.exception
        assert "4 件、3 件まで" in app.error[0].value
        assert not app.metric


def _upload(app, frame: pd.DataFrame, name: str = "e.csv"):
    data = frame.to_csv(index=False).encode()
    app.file_uploader(key="eval_file").set_value((name, data, "text/csv")).run()
    assert not app.exception
    return app


def test_a_file_gets_its_text_and_answer_columns_guessed(app):
    goto(app, "pages/evaluate.py")
    app.radio(key="eval_source").set_value("file").run()
    frame = pd.DataFrame(
        {"id": [1, 2], "text": ["京都で寺を巡った", "ラーメンを食べた"], "answer": ["旅行", "料理"]}
    )
    _upload(app, frame)
    assert app.selectbox(key="eval_text_column").value == "text"
    assert app.selectbox(key="eval_expected_column").value == "answer"
    assert app.metric


def test_a_second_file_with_other_columns_gets_them_guessed_again(app):
    goto(app, "pages/evaluate.py")
    app.radio(key="eval_source").set_value("file").run()
    _upload(app, pd.DataFrame({"text": ["京都で寺を巡った"], "answer": ["旅行"]}))
    _upload(app, pd.DataFrame({"文": ["ラーメンを食べた"], "正解": ["料理"]}), "second.csv")
    assert app.selectbox(key="eval_text_column").value == "文"
    assert app.selectbox(key="eval_expected_column").value == "正解"


def test_a_row_without_an_answer_is_skipped_with_a_note(app):
    goto(app, "pages/evaluate.py")
    app.radio(key="eval_source").set_value("file").run()
    frame = pd.DataFrame({"text": ["京都で寺を巡った", "答えのない文"], "answer": ["旅行", None]})
    _upload(app, frame)
    assert any("1 行は評価から除きました" in i.value for i in app.info)
    assert app.metric[0].value in ("0.0%", "100.0%")
    assert "nan" not in " ".join(e.value for e in app.error)


def test_each_text_shows_its_scores(app):
    goto(app, "pages/evaluate.py")
    details = app.dataframe[-1].value
    assert {"旅行", "料理", "踊り"} <= set(details.columns)


def test_an_excel_file_whose_header_repeats_a_name_is_evaluated(app):
    from tests.pages.test_batch import _xlsx

    goto(app, "pages/evaluate.py")
    app.radio(key="eval_source").set_value("file").run()
    header = ["本文", "本文", "正解"]
    data = _xlsx([header, ["京都で寺を巡った", "メモ", "旅行"], ["ラーメン", "", "料理"]])
    app.file_uploader(key="eval_file").set_value(("e.xlsx", data, "application/vnd.ms-excel"))
    app.run()
    assert not app.exception
    assert app.selectbox(key="eval_text_column").value == "本文"
    assert app.selectbox(key="eval_expected_column").value == "正解"
    assert app.metric


def _counting_classifications(monkeypatch) -> list:
    """Every hand-over of Evaluate's texts to the model from here on."""
    from web import resources

    calls = []
    real = resources.classify_skipping_blanks

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(resources, "classify_skipping_blanks", counted)
    return calls


def test_a_rerun_with_the_same_inputs_draws_the_kept_evaluation(app, monkeypatch):
    goto(app, "pages/evaluate.py")
    accuracy, details = app.metric[0].value, app.dataframe[-1].value
    calls = _counting_classifications(monkeypatch)
    goto(app, "pages/labels.py")
    goto(app, "pages/evaluate.py")  # back: nothing it depends on has changed
    assert calls == []
    assert app.metric[0].value == accuracy
    pd.testing.assert_frame_equal(app.dataframe[-1].value, details)
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")


def test_a_changed_input_is_evaluated_again(app, monkeypatch):
    goto(app, "pages/evaluate.py")
    calls = _counting_classifications(monkeypatch)
    app.toggle(key="eval_multi").set_value(True).run()
    assert calls
    app.slider(key="eval_threshold").set_value(0.0).run()
    assert app.metric[0].value == "0.0%"  # the new threshold's, not the kept result's


def test_the_kept_evaluation_follows_the_ui_language(app):
    goto(app, "pages/evaluate.py")
    app.radio(key="ui_language_picker").set_value("en").run()
    assert [m.label for m in app.metric] == ["Accuracy", "Macro-F1"]
    assert {"Text", "Correct"} <= set(app.dataframe[-1].value.columns)

from __future__ import annotations

import pytest

from core.errors import ModelNotReady
from core.service import ClassifierService
from tests.pages.conftest import goto
from web import resources

SUBMIT = "classify_submit"


def _submit(at, text="そうだ京都に行こう!"):
    at.text_area(key="classify_text").input(text)
    at.button(key=SUBMIT).click()
    at.run()
    assert not at.exception
    return at


def _table(at):
    return at.table[0].value


def test_classify_shows_labels_ranked_by_score(app, ready_service):
    table = _table(_submit(app))
    expected = ready_service.classify("そうだ京都に行こう!", ["旅行", "料理", "踊り"])
    assert list(table["ラベル"]) == list(expected.labels)
    assert list(table["スコア"]) == pytest.approx(expected.scores)
    assert list(table["スコア"]) == sorted(table["スコア"], reverse=True)


def test_unchecked_label_is_left_out(app):
    app.checkbox(key="classify_label_1_料理").uncheck()
    assert set(_table(_submit(app))["ラベル"]) == {"旅行", "踊り"}


def test_custom_labels_join_the_candidates(app):
    app.text_input(key="classify_custom").input("音楽, 政治")
    assert set(_table(_submit(app))["ラベル"]) == {"旅行", "料理", "踊り", "音楽", "政治"}


def test_multi_label_scores_each_label_alone(app, ready_service):
    app.toggle(key="classify_multi").set_value(True)
    table = _table(_submit(app))
    expected = ready_service.classify(
        "そうだ京都に行こう!", ["旅行", "料理", "踊り"], multi_label=True
    )
    assert list(table["スコア"]) == pytest.approx(expected.scores)


def test_empty_text_gets_a_message_not_a_result(app):
    _submit(app, text="   ")
    assert "テキストが空です" in app.error[0].value
    assert not app.table


def test_template_without_placeholder_is_explained(app):
    app.text_input(key="classify_template").input("この例です。")
    _submit(app)
    assert "{}" in app.error[0].value


def test_english_ui_is_selectable(app):
    app.radio(key="ui_language_picker").set_value("en").run()
    assert app.title[0].value == "Japanese zero-shot classification"
    assert "Result" in [s.value for s in _submit(app).subheader][-1]


def test_failed_model_says_why_and_offers_retry(app, monkeypatch, tmp_path):
    from core.config import Settings

    broken = ClassifierService(Settings(model_id=str(tmp_path / "missing-model")))
    broken.start_loading()
    with pytest.raises(ModelNotReady):
        broken.model(wait=30)
    monkeypatch.setattr(resources, "get_service", lambda: broken)
    app.run()
    assert "missing-model" in app.error[0].value
    assert app.button(key="model_retry").label == "再読み込み"


def test_labels_edited_on_labels_page_appear_on_classify(app):
    goto(app, "pages/labels.py")
    app.text_input(key="labels_new").input("音楽")
    app.button(key="labels_add").click().run()
    goto(app, "pages/classify.py")
    assert [c.label for c in app.checkbox] == ["旅行", "料理", "踊り", "音楽"]

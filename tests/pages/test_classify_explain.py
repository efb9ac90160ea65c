"""Classify's explanation: the toggle, the shaded text, another label, escaping."""

from __future__ import annotations

import html
import re

import pytest

from tests.pages.test_classify import _submit

TEXT = "週末は京都で寺を巡って、湯豆腐を食べました。"


def _explained(app, text=TEXT):
    _submit(app, text)
    app.toggle(key="explain_toggle").set_value(True).run()
    assert not app.exception
    return app


def _shaded(app) -> str:
    return next(m.value for m in app.markdown if 'class="explain-text"' in m.value)


def test_explain_is_off_until_asked(app):
    _submit(app, TEXT)
    assert not any('class="explain-text"' in m.value for m in app.markdown)


def test_the_text_is_shaded_word_by_word_with_the_effects_in_a_table(app, ready_service):
    shaded = _shaded(_explained(app))
    expected = ready_service.explain(TEXT, ["旅行", "料理", "踊り"])
    assert shaded.count('class="explain-word"') == len(expected.words)
    table = app.dataframe[0].value
    assert list(table["語"]) == [w.word for w in expected.words]
    assert list(table["影響 (スコアの差)"]) == pytest.approx([w.effect for w in expected.words])


def test_another_label_can_be_picked(app):
    _explained(app).selectbox(key="explain_label").set_value("踊り").run()
    assert any("「踊り」の根拠" in m.value for m in app.markdown)


def test_html_in_the_text_is_shown_as_typed(app):
    typed = "<b>太字</b>で京都に行こう"
    shaded = _shaded(_explained(app, typed))
    assert "<b>" not in shaded
    # What the reader sees: the markup we wrote removed, entities read back.
    assert html.unescape(re.sub(r"<[^>]*>", "", shaded)) == typed


def test_the_toggle_survives_another_page(app):
    from tests.pages.conftest import goto

    _explained(app)
    goto(app, "pages/examples.py")
    goto(app, "pages/classify.py")
    assert app.toggle(key="explain_toggle").value is True

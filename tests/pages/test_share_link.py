"""A share link made on Classify restores labels, template, mode and text in a new session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from streamlit.testing.v1 import AppTest

from core.labels.share_links import QUERY_KEY
from tests.pages.conftest import goto, new_session


def _link(at: AppTest) -> str:
    at.button(key="share_make").click().run()
    return at.code[0].value


def test_a_share_link_round_trips_into_a_new_session(app):
    goto(app, "pages/labels.py")
    app.text_input(key="labels_new").input("温泉")
    app.button(key="labels_add").click().run()
    goto(app, "pages/classify.py")
    app.text_area(key="classify_text").input("箱根で一泊します。")
    app.text_input(key="classify_template").input("これは{}の話です。")
    app.toggle(key="classify_multi").set_value(True)
    app.button(key="classify_submit").click().run()
    value = parse_qs(urlparse(_link(app)).query)[QUERY_KEY][0]

    fresh = new_session(**{QUERY_KEY: value})
    assert fresh.success
    assert [c.label for c in fresh.checkbox] == ["旅行", "料理", "踊り", "温泉"]
    assert fresh.text_area(key="classify_text").value == "箱根で一泊します。"
    assert fresh.text_input(key="classify_template").value == "これは{}の話です。"
    assert fresh.toggle(key="classify_multi").value is True


def test_a_malformed_link_is_explained_and_the_page_still_works(ready_service):
    at = new_session(**{QUERY_KEY: "garbage!!"})
    assert "共有リンク" in at.error[0].value
    assert [c.label for c in at.checkbox] == ["旅行", "料理", "踊り"]


def _value(link: str) -> str:
    return parse_qs(urlparse(link).query)[QUERY_KEY][0]


def test_a_link_carries_exactly_the_labels_used(app):
    app.checkbox(key="classify_label_1_料理").uncheck()
    app.text_input(key="classify_custom").input("温泉")
    app.text_area(key="classify_text").input("箱根で一泊します。")
    app.button(key="classify_submit").click().run()
    fresh = new_session(**{QUERY_KEY: _value(_link(app))})
    assert [c.label for c in fresh.checkbox] == ["旅行", "踊り", "温泉"]


def test_a_link_with_a_text_opens_with_its_result_shown(app, ready_service):
    app.text_area(key="classify_text").input("箱根で一泊します。")
    app.button(key="classify_submit").click().run()
    fresh = new_session(**{QUERY_KEY: _value(_link(app))})
    expected = ready_service.classify("箱根で一泊します。", ["旅行", "料理", "踊り"])
    assert fresh.table
    assert list(fresh.table[0].value.iloc[:, 1]) == list(expected.labels)

"""A share link made on Classify restores labels, template, mode and text in a new session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from streamlit.testing.v1 import AppTest

from core.labels.share_links import QUERY_KEY
from tests.pages.conftest import goto, new_session, workspace_id


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


def _link_value(**fields) -> str:
    from core.labels.share_links import SharedState, encode

    shared = SharedState(labels=("旅行", "温泉"), template="これは{}の話です。", **fields)
    return encode(shared)


def test_the_link_leaves_the_url_once_taken_in(ready_service):
    at = new_session(**{QUERY_KEY: _link_value(text="箱根で一泊します。")})
    assert at.success
    assert QUERY_KEY not in at.query_params
    assert at.query_params["w"]


def test_a_workspace_takes_in_a_link_once(ready_service):
    value = _link_value(text="箱根で一泊します。")
    at = new_session(**{QUERY_KEY: value})
    at.text_area(key="classify_text").input("自分で書き直した文")
    at.button(key="classify_submit").click().run()
    # The same link again in this workspace's URL (history, a bookmark): the edits stay.
    again = new_session(w=workspace_id(at), **{QUERY_KEY: value})
    assert not again.success
    assert again.text_area(key="classify_text").value == "自分で書き直した文"


def test_a_link_never_overwrites_the_recipients_set_of_that_name(app):
    goto(app, "pages/labels.py")
    app.text_input(key="labels_new").input("音楽")
    app.button(key="labels_add").click().run()
    mine = dict(app.session_state["workspace"].label_sets)
    value = _link_value(set_name="標準")
    at = new_session(w=workspace_id(app), **{QUERY_KEY: value})
    sets = at.session_state["workspace"].label_sets
    assert sets["標準"] == mine["標準"]
    assert sets["標準 (2)"] == ["旅行", "温泉"]
    assert at.session_state["workspace"].current_label_set == "標準 (2)"
    assert [c.label for c in at.checkbox] == ["旅行", "温泉"]


def test_a_link_whose_set_the_recipient_has_reuses_it(ready_service):
    at = new_session(**{QUERY_KEY: _link_value(set_name="旅")})
    # Opened again into the same workspace after the first was taken in: no "旅 (2)" twin.
    again = new_session(w=workspace_id(at), **{QUERY_KEY: _link_value(set_name="旅", text="x")})
    assert again.success
    assert sorted(again.session_state["workspace"].label_sets) == ["旅", "標準"]

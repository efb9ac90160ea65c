"""Sizes bounded at the door (issue 19): every way work enters a workspace meets its named limit
before anything is stored or drawn, and a workspace past its size says so, never "store away"."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

from tests.pages.conftest import goto, new_session, workspace_id

EXAMPLES_PAGE = "pages/examples.py"
LABELS_PAGE = "pages/labels.py"
EVALUATE_PAGE = "pages/evaluate.py"


@contextmanager
def limited(service, **limits):
    """The app with these limits (settings.limits fields) for the sessions opened inside."""
    from web import resources

    settings = service.settings
    smaller = settings.limits.model_copy(update=limits)
    with resources.using(settings.model_copy(update={"limits": smaller}), service):
        yield


def _stored(workspace: str) -> dict:
    from web import resources

    return resources.get_workspaces().get(workspace).data


def _import(at, workspace: dict):
    from core.workspaces.document import FORMAT, FORMAT_VERSION

    body = {"format": FORMAT, "version": FORMAT_VERSION, "workspace": workspace}
    data = json.dumps(body, ensure_ascii=False).encode()
    at.file_uploader(key="workspace_import").set_value(("w.json", data, "application/json"))
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize(
    ("workspace", "says"),
    [
        ({"examples": [f"例文{i}です。" for i in range(20_000)]}, "例文が多すぎます"),
        ({"label_sets": {"大": [f"ラベル{i}" for i in range(50_000)]}}, "ラベルが多すぎます"),
    ],
    ids=["20,000 examples", "a 50,000-label set"],
)
def test_an_import_past_a_limit_is_refused_before_anything_is_stored_or_drawn(app, workspace, says):
    first = workspace_id(app)
    before = _stored(first)
    _import(app, workspace)
    assert any(says in e.value for e in app.error)
    assert workspace_id(app) == first and _stored(first) == before
    assert len(app.checkbox) < 100  # Classify drew the current set, not the imported one


def test_an_example_past_the_limit_is_refused(ready_service):
    with limited(ready_service, max_examples=4):  # the seed's four examples
        at = goto(new_session(), EXAMPLES_PAGE)
        at.text_input(key="examples_new").input("五つ目の例文です。")
        at.button(key="examples_add").click().run()
        assert any("例文が多すぎます (5 件、4 件まで)" in e.value for e in at.error)
        assert not any("五つ目" in m.value for m in at.markdown)


def test_a_label_set_past_the_limit_is_refused(ready_service):
    with limited(ready_service, max_label_sets=1):
        at = goto(new_session(), LABELS_PAGE)
        at.text_input(key="labels_new_set").input("二つ目")
        at.button(key="labels_create_set").click().run()
        assert any("ラベルセットが多すぎます" in e.value for e in at.error)
        assert "二つ目" not in at.session_state["workspace"].label_sets


def test_a_share_link_whose_set_would_be_one_too_many_is_refused(ready_service):
    from core.labels.share_links import QUERY_KEY, SharedState, encode

    link = encode(SharedState(labels=("旅行", "温泉"), template="この例は{}です。", set_name="旅"))
    with limited(ready_service, max_label_sets=1):
        at = new_session(**{QUERY_KEY: link})
        assert any("ラベルセットが多すぎます" in e.value for e in at.error)
        assert list(at.session_state["workspace"].label_sets) == ["標準"]
        assert not at.success


def test_an_evaluation_row_past_the_limit_is_refused_before_it_is_stored(ready_service):
    with limited(ready_service, max_evaluation_rows=4):  # the seed's four rows
        at = goto(new_session(), EVALUATE_PAGE)
        before = _stored(workspace_id(at)).get("evaluation_rows")
        at.text_input(key="eval_row_text_0").input("書き換えた文です。")
        at.button(key="eval_rows_add").click().run()
        assert not at.exception
        assert any("5 件、4 件まで" in e.value for e in at.error)
        rows = at.session_state["workspace"].evaluation_rows
        assert len(rows) == 4 and rows[0].text == "書き換えた文です。"  # the typing is kept
        assert len(_stored(workspace_id(at)).get("evaluation_rows") or before) == 4


def test_a_workspace_past_its_size_says_so_not_store_unreachable(ready_service):
    with limited(ready_service, max_workspace_mb=0.002):  # about 2 KB
        at = goto(new_session(), EXAMPLES_PAGE)
        workspace = workspace_id(at)
        before = _stored(workspace)
        at.text_input(key="examples_new").input("長い例文です。" * 200)
        at.button(key="examples_add").click().run()
        at.run()  # the notice comes with the run after the refused save
        assert any("上限を超えているため保存されていません" in e.value for e in at.error)
        assert any("MB まで" in e.value for e in at.error)  # which limit
        assert not any("接続できない" in w.value for w in at.warning)
        assert _stored(workspace) == before
        at.button(key="examples_remove_4").click().run()  # back within the limit: saved again
        at.run()
        assert not any("上限を超えている" in e.value for e in at.error)


def test_the_english_page_names_the_size_limit_too(ready_service):
    with limited(ready_service, max_workspace_mb=0.002):
        at = new_session(lang="en")
        goto(at, EXAMPLES_PAGE).text_input(key="examples_new").input("長い例文です。" * 200)
        at.button(key="examples_add").click().run()
        at.run()
        assert any("past a size limit" in e.value for e in at.error)

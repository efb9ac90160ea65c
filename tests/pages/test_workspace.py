"""Workspaces as a teammate meets them: the URL names the work, and opening it restores it."""

from __future__ import annotations

import json

import pytest

from tests.pages.conftest import goto, new_session, workspace_id
from web.ui.i18n import plain

EXAMPLES_PAGE = "pages/examples.py"
LABELS_PAGE = "pages/labels.py"


def _add_example(at, text: str):
    goto(at, EXAMPLES_PAGE).text_input(key="examples_new").input(text)
    at.button(key="examples_add").click().run()
    assert not at.exception
    return at


def test_a_new_session_gets_a_workspace_in_its_url(app):
    assert workspace_id(app)


def test_another_browser_opening_the_url_finds_the_examples_typed(app):
    _add_example(app, "週末は温泉でゆっくりします。")
    elsewhere = new_session(w=workspace_id(app))
    goto(elsewhere, EXAMPLES_PAGE)
    assert any("温泉" in m.value for m in elsewhere.markdown)
    assert workspace_id(elsewhere) == workspace_id(app)


def test_the_classify_inputs_come_back(app):
    app.text_area(key="classify_text").input("京都でお番菜を食べた")
    app.text_input(key="classify_template").input("これは{}の話です。")
    app.button(key="classify_submit").click().run()
    elsewhere = new_session(w=workspace_id(app))
    assert elsewhere.text_area(key="classify_text").value == "京都でお番菜を食べた"
    assert elsewhere.text_input(key="classify_template").value == "これは{}の話です。"


def test_label_edits_come_back(app):
    goto(app, LABELS_PAGE).text_input(key="labels_new").input("音楽")
    app.button(key="labels_add").click().run()
    elsewhere = new_session(w=workspace_id(app))
    assert elsewhere.checkbox(key="classify_label_3_音楽").value is True


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_unknown_workspace_is_said_and_the_url_kept(app, lang):
    # A link cut short in a chat: the store has no such id.
    cut_short = workspace_id(app)[:10]
    opened = new_session(w=cut_short, lang=lang)
    [said] = opened.error
    assert plain(cut_short) in said.value  # as typed: escaped for Markdown
    assert ("見つかりません" if lang == "ja" else "was not found") in said.value
    assert workspace_id(opened) == cut_short  # not silently swapped for a fresh workspace
    assert opened.button(key="workspace_start_new")


def test_nothing_is_saved_under_an_unknown_workspace_until_the_user_chooses(app):
    opened = new_session(w="no-such-workspace")
    opened.run()
    assert workspace_id(opened) == "no-such-workspace"
    opened.button(key="workspace_start_new").click().run()
    started = workspace_id(opened)
    assert started != "no-such-workspace"
    assert not opened.error
    # The new workspace is a real one: another browser opens it.
    assert workspace_id(new_session(w=started)) == started


def test_two_windows_on_one_workspace_keep_both_changes(app):
    other = new_session(w=workspace_id(app))
    _add_example(app, "一つ目の窓の例文です。")
    _add_example(other, "二つ目の窓の例文です。")
    assert any("別の画面" in i.value for i in other.info)
    for window in (other, new_session(w=workspace_id(app))):
        shown = " ".join(m.value for m in goto(window, EXAMPLES_PAGE).markdown)
        assert "一つ目の窓" in shown
        assert "二つ目の窓" in shown


def test_an_unreachable_store_says_work_is_not_saved_and_classify_works(ready_service):

    from bench.live_server import free_port
    from core.config import StoreSettings
    from web import resources

    down = f"postgresql://nobody@127.0.0.1:{free_port()}/none"
    settings = ready_service.settings.model_copy(
        update=dict(store=StoreSettings(database_url=down))
    )
    with resources.using(settings, ready_service):
        at = new_session()
        assert any("保存されていません" in w.value for w in at.warning)
        at.text_area(key="classify_text").input("京都に行こう")
        at.button(key="classify_submit").click().run()
        assert not at.exception
        assert at.table


def test_compare_templates_survive_other_pages_and_come_back(app):
    lines = "この例は{}です。\nこの文章の話題は{}です。\nこれは{}に関する文です。"
    goto(app, "pages/compare.py").text_area(key="compare_templates").input(lines)
    app.button(key="compare_run").click().run()
    goto(app, EXAMPLES_PAGE)
    assert goto(app, "pages/compare.py").text_area(key="compare_templates").value == lines
    elsewhere = goto(new_session(w=workspace_id(app)), "pages/compare.py")
    assert elsewhere.text_area(key="compare_templates").value == lines


def test_evaluation_rows_come_back_and_are_evaluated(app):
    from core.workspaces.model import EvaluationRow

    rows = [{"text": "京都の寺を巡った", "expected": "旅行"}]
    goto(app, "pages/evaluate.py")
    app.session_state["workspace"].evaluation_rows = [EvaluationRow(**row) for row in rows]
    app.run()
    elsewhere = goto(new_session(w=workspace_id(app)), "pages/evaluate.py")
    details = elsewhere.dataframe[-1].value  # the per-text details, last on the page
    assert list(details.iloc[:, 0]) == ["京都の寺を巡った"]


def test_a_signed_in_team_sees_its_recent_workspaces(guarded_service):
    from tests.conftest import PASSWORD

    at = new_session()
    at.text_input(key="login_password").input(PASSWORD)
    at.button(key="login_submit").click().run()
    first = workspace_id(at)
    other = new_session()
    other.text_input(key="login_password").input(PASSWORD)
    other.button(key="login_submit").click().run()
    links = " ".join(m.value for m in other.markdown)
    assert f"?w={first}" in links


@pytest.mark.postgres
def test_a_stopped_postgresql_says_work_is_not_saved_and_saving_resumes(ready_service):

    from core.config import StoreSettings
    from tests.postgres_server import postgres_server
    from web import resources

    with postgres_server() as server:
        store = StoreSettings(database_url=server.url)
        with resources.using(
            ready_service.settings.model_copy(update=dict(store=store)), ready_service
        ):
            at = new_session()
            workspace = workspace_id(at)
            server.stop()
            _add_example(at, "止まっている間の例文です。")
            at.run()  # the warning comes with the next run after a failed save
            assert any("保存されていません" in w.value for w in at.warning)
            goto(at, "pages/classify.py").text_area(key="classify_text").input("京都に行こう")
            at.button(key="classify_submit").click().run()
            assert not at.exception
            server.start()
            at.run()  # saving resumes by itself
            assert not any("保存されていません" in w.value for w in at.warning)
            elsewhere = goto(new_session(w=workspace), EXAMPLES_PAGE)
            assert any("止まっている間" in m.value for m in elsewhere.markdown)


def _import(at, data: bytes):
    at.file_uploader(key="workspace_import").set_value(("workspace.json", data, "application/json"))
    at.run()
    assert not at.exception
    return at


def _stored(workspace: str) -> dict:
    from web import resources

    return resources.get_workspaces().get(workspace).data


def _document(workspace: dict, version: int = 2) -> bytes:
    from core.workspaces.document import FORMAT

    return json.dumps({"format": FORMAT, "version": version, "workspace": workspace}).encode()


@pytest.mark.parametrize(
    "bad",
    [
        # Valid JSON of the right format whose later fields are malformed: nothing may apply.
        {"examples": ["取り込まれてはいけない例文"], "evaluation_rows": ["not a row"]},
        {"label_sets": {"取込": ["旅行"]}, "experiment_runs": [{"id": "x"}]},
    ],
    ids=["a bad row", "a bad run"],
)
def test_a_malformed_import_leaves_the_workspace_exactly_as_it_was(app, bad):
    _add_example(app, "残るべき例文です。")
    workspace = workspace_id(app)
    before = _stored(workspace)
    _import(app, _document(bad))
    assert any("形が正しくありません" in e.value for e in app.error)
    assert workspace_id(app) == workspace
    goto(app, LABELS_PAGE)  # a page switch saves: it must save nothing new
    goto(app, EXAMPLES_PAGE)
    assert _stored(workspace) == before
    shown = " ".join(m.value for m in app.markdown)
    assert "残るべき例文" in shown and "取り込まれてはいけない" not in shown


def test_an_import_with_malformed_unicode_says_so(app):
    workspace = workspace_id(app)
    before = _stored(workspace)
    _import(app, _document({"examples": ["\ud800"]}))
    assert any("壊れた文字" in e.value for e in app.error)
    _import(app, b'{"format": "\xff\xfe"}')
    assert any("壊れた文字" in e.value for e in app.error)
    assert workspace_id(app) == workspace and _stored(workspace) == before


def test_a_good_import_opens_as_a_new_workspace(app):
    first = workspace_id(app)
    _import(app, _document({"examples": ["取り込んだ例文です。"]}))
    assert any("読み込みました" in s.value for s in app.success)
    assert workspace_id(app) != first
    shown = " ".join(m.value for m in goto(app, EXAMPLES_PAGE).markdown)
    assert "取り込んだ例文" in shown

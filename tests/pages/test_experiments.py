"""The Experiments page: a grid run, its leaderboard, applying the winner, kept in the workspace."""

from __future__ import annotations

from core.exploration import experiments as exp
from tests.pages.conftest import goto, new_session, workspace_id

PAGE = "pages/experiments.py"
SETS = {"標準": ["旅行", "料理", "踊り"], "言い換え": ["旅行=旅行|観光", "料理", "踊り"]}
TEMPLATES = "この例は{}です。\nこれは{}の話です。"


def _run_grid(app):
    app.session_state["workspace"].label_sets = dict(SETS)
    goto(app, PAGE)
    app.multiselect(key="exp_sets").set_value(list(SETS))
    app.text_area(key="exp_templates").input(TEMPLATES)
    app.checkbox(key="exp_average").uncheck()
    app.button(key="exp_run").click().run()
    assert not app.exception
    return app


def test_a_two_by_two_grid_fills_the_leaderboard_best_first(app):
    board = _run_grid(app).dataframe[0].value
    assert len(board) == 4
    assert list(board["macro-F1"]) == sorted(board["macro-F1"], reverse=True)


def test_use_this_makes_the_runs_labels_and_template_current(app):
    _run_grid(app)
    app.button(key="exp_use").click().run()
    assert any("現在の設定にしました" in s.value for s in app.success)
    goto(app, "pages/classify.py")
    template = app.text_input(key="classify_template").value
    assert template in TEMPLATES.splitlines()


def test_runs_are_kept_in_theworkspace_id(app):
    _run_grid(app)
    elsewhere = goto(new_session(w=workspace_id(app)), PAGE)
    assert len(elsewhere.dataframe[0].value) == 4


def test_a_grid_over_the_limit_is_refused_before_any_work(app, monkeypatch):
    monkeypatch.setattr(exp, "MAX_GRID_PAIRS", 10)
    _run_grid(app)
    assert any("組み合わせが多すぎます" in e.value for e in app.error)
    assert any("まだ実行結果がありません" in i.value for i in app.info)


def test_save_as_label_set_stores_the_run_for_production(app, ready_service):
    import uuid

    from web import resources

    _run_grid(app)
    name = f"実験-{uuid.uuid4().hex[:6]}"
    app.text_input(key="exp_save_name").input(name)
    app.button(key="exp_save").click().run()
    saved = resources.get_store().get(name)
    assert saved is not None
    assert saved.template in TEMPLATES.splitlines()


def _run_of_set(app, name: str) -> str:
    runs = app.session_state["workspace"].experiment_runs
    return next(r.id for r in runs if r.config.label_set == name)


def test_the_save_as_name_follows_the_run_opened(app):
    _run_grid(app)
    for name in SETS:
        app.selectbox(key="exp_pick").set_value(_run_of_set(app, name)).run()
        assert app.text_input(key="exp_save_name").value == name


def test_the_grids_choices_are_kept_across_pages_and_reloads(app):
    _run_grid(app)
    app.slider(key="exp_threshold").set_value(0.7).run()
    goto(app, "pages/classify.py")
    back = goto(app, PAGE)
    for at in (back, goto(new_session(w=workspace_id(app)), PAGE)):
        assert at.multiselect(key="exp_sets").value == list(SETS)
        assert at.text_area(key="exp_templates").value == TEMPLATES
        assert at.checkbox(key="exp_average").value is False
        assert at.slider(key="exp_threshold").value == 0.7


def test_using_a_run_twice_makes_no_new_set(app):
    _run_grid(app)
    app.selectbox(key="exp_pick").set_value(_run_of_set(app, "言い換え")).run()
    app.button(key="exp_use").click().run()
    app.button(key="exp_use").click().run()
    kept = app.session_state["workspace"]
    assert sorted(kept.label_sets) == sorted(SETS)
    assert kept.current_label_set == "言い換え"


def test_using_a_run_of_a_set_changed_since_keeps_the_users_set(app):
    _run_grid(app)
    app.selectbox(key="exp_pick").set_value(_run_of_set(app, "標準")).run()
    app.session_state["workspace"].label_sets = {**SETS, "標準": ["音楽"]}
    app.button(key="exp_use").click().run()
    app.button(key="exp_use").click().run()
    sets = app.session_state["workspace"].label_sets
    assert sets["標準"] == ["音楽"]
    assert sets["標準 (2)"] == SETS["標準"]
    assert len(sets) == 3


def test_runs_name_their_rows_instead_of_copying_the_texts(app):
    import json

    from web import resources

    _run_grid(app)
    stored = resources.get_workspaces().get(workspace_id(app)).data
    texts = [row["text"] for row in stored.get("evaluation_rows", [])] or None
    assert len(stored["experiment_runs"]) == 4
    assert len(stored["experiment_rows"]) == 1  # four runs, one copy of their texts
    (kept,) = stored["experiment_rows"].values()
    assert texts is None or kept == texts
    for text in kept:  # each text once in the whole workspace, not once per run
        assert json.dumps(stored, ensure_ascii=False).count(json.dumps(text)[1:-1]) <= 2


def test_a_runs_wrong_texts_come_back_in_another_browser(app):
    from web.ui import state

    _run_grid(app)
    best = max(
        app.session_state[state.WORKSPACE_KEY].experiment_runs,
        key=lambda r: (r.macro_f1, r.accuracy),
    )
    wrong = list(app.dataframe[2].value.iloc[:, 0])  # board, per-label F1, wrong texts
    assert len(wrong) == best.correct.count(False)
    elsewhere = goto(new_session(w=workspace_id(app)), PAGE)
    assert list(elsewhere.dataframe[2].value.iloc[:, 0]) == wrong


def test_a_workspace_saved_with_copied_texts_still_opens_with_its_runs(ready_service):
    """Workspaces saved before runs named their rows (each run with its own `texts`) open as
    they were, and are saved back in the new shape."""
    from tests.core.workspaces.test_document import RUN
    from web import resources

    texts = ["京都の寺を巡った", "ラーメンを食べた"]
    old = {"experiment_runs": [{**RUN, "id": str(i), "texts": texts} for i in range(3)]}
    created = resources.get_workspaces().create(old)
    at = goto(new_session(w=created.id), PAGE)
    assert len(at.dataframe[0].value) == 3
    assert list(at.dataframe[2].value.iloc[:, 0]) == ["ラーメンを食べた"]  # RUN's wrong row
    at.text_input(key="exp_filter").input("標準").run()  # a run that changes anything saves it
    saved = resources.get_workspaces().get(created.id).data
    assert list(saved["experiment_rows"].values()) == [texts]
    assert all("texts" not in run for run in saved["experiment_runs"])

"""Experiments' "learn from these rows": thresholds fitted for a saved set, a tuning job run to
its end, zero-shot and tuned side by side, "use this" only for a tuned model that beats
zero-shot, and then the set answers through its adapter by name."""

from __future__ import annotations

import uuid

from core.exploration import tuning_jobs
from core.exploration.batch_jobs import JobStatus
from core.labels.store import SavedSet
from core.workspaces.model import EvaluationRow
from tests.pages.conftest import as_shown, goto
from web import resources

LABELS = ("旅行", "料理", "踊り")
ROWS = [
    {"text": f"{opening}{label}の話です。", "expected": label}
    for opening in ("今日は", "昨日は", "友達と")
    for label in LABELS
]


def _saved_set() -> str:
    name = f"学習-{uuid.uuid4().hex[:8]}"
    resources.get_store().save(SavedSet(name, LABELS, "この例は{}です。"))
    return name


def _page(app, name):
    app.session_state["workspace"].evaluation_rows = [EvaluationRow.model_validate(r) for r in ROWS]
    goto(app, "pages/experiments.py")
    app.selectbox(key="tune_set").set_value(name).run()
    return app


def test_thresholds_fitted_on_the_rows_are_kept_with_the_set_version(app):
    name = _saved_set()
    _page(app, name).button(key="tune_fit").click().run()
    assert not app.exception
    assert any(name in as_shown(s.value) for s in app.success), [e.value for e in app.error]
    kept = resources.get_measurements().get(name, 1)
    assert kept.rows == len(ROWS) and kept.thresholds is not None


def test_a_tuning_job_shows_zero_shot_and_tuned_side_by_side(app):
    name = _saved_set()
    _page(app, name)
    app.number_input(key="tune_epochs").set_value(1)
    app.button(key="tune_start").click().run()
    assert not app.exception
    job_id = app.session_state["tuning_job"]
    assert tuning_jobs.wait(job_id, timeout=120)
    app.run()
    job = resources.find_tuning(job_id)
    assert job.status == JobStatus.DONE, job.error
    board = next(d.value for d in app.dataframe if "学習済み" in d.value.columns)
    assert list(board.columns[1:]) == ["ゼロショット", "学習済み"]
    assert board.iloc[0, 1] == job.report["zero_shot"]["macro_f1"]
    assert board.iloc[0, 2] == job.report["tuned"]["macro_f1"]
    offered = [b for b in app.button if b.key == "tune_use"]
    assert bool(offered) == job.report["beats_zero_shot"]
    if offered:
        offered[0].click().run()
        assert resources.resolve_label_set(name).adapter is not None


def test_rows_naming_a_label_the_set_lacks_are_refused_before_any_job(app):
    name = _saved_set()
    _page(app, name)
    app.session_state["workspace"].evaluation_rows = [
        EvaluationRow.model_validate(r) for r in [*ROWS, {"text": "晴れです。", "expected": "天気"}]
    ]
    app.button(key="tune_start").click().run()
    assert not app.exception
    assert any("天気" in e.value for e in app.error), [e.value for e in app.error]
    assert "tuning_job" not in app.session_state and tuning_jobs.running_here() is None

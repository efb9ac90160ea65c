"""Classify with a saved set that carries fitted thresholds: 該当なし when no label reaches them."""

from __future__ import annotations

import uuid

from core.exploration.thresholds import LabelThreshold, Thresholds
from core.labels.measurements import Measurement
from tests.pages.conftest import as_shown
from web import resources

LABELS = ("旅行", "料理", "踊り")


def _as_saved_set(app, thresholds: Thresholds) -> str:
    """Make the session's current set a saved one (version 1) measured with `thresholds`."""
    name = f"しきい値-{uuid.uuid4().hex[:8]}"
    app.session_state["workspace"].label_sets = {name: list(LABELS)}
    app.session_state["workspace"].current_label_set = name
    app.session_state["saved_set_versions"] = {name: 1}
    measured = Measurement(3, "h" * 64, thresholds.multi_label, {}, thresholds)
    resources.get_measurements().put(name, 1, measured)
    return name


def _classify(app):
    app.text_area(key="classify_text").input("明日は晴れるでしょう。")
    app.button(key="classify_submit").click()
    app.run()
    assert not app.exception


def test_a_text_below_the_sets_minimum_top_score_is_none(app):
    per_label = tuple(LabelThreshold(label, 0.999, 0, 0, 0, 1) for label in LABELS)
    name = _as_saved_set(app, Thresholds(False, per_label=per_label, min_top_score=0.999))
    app.run()
    _classify(app)
    assert any("該当なし" in as_shown(w.value) and name in as_shown(w.value) for w in app.warning)
    assert app.table  # the scores are still shown


def test_a_text_above_it_names_the_labels_kept(app):
    per_label = tuple(LabelThreshold(label, 0.0, 0, 0, 0, 1) for label in LABELS)
    _as_saved_set(app, Thresholds(False, per_label=per_label, min_top_score=0.0))
    app.run()
    _classify(app)
    assert not any("該当なし" in w.value for w in app.warning)
    assert any("しきい値を適用" in c.value for c in app.caption)

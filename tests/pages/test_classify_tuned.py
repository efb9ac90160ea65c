"""Classify with a saved set that carries a tuned adapter: the page classifies with the set's
own model, as /api/classify does by name, and says so."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from bench.model_builder import random_adapter
from core.exploration.thresholds import Thresholds
from core.inference.adapters import AdapterRef
from core.labels.measurements import Measurement
from core.labels.store import SavedSet
from tests.pages.conftest import as_shown
from web import resources

LABELS = ("旅行", "料理", "踊り")
TEXT = "明日は京都でお寺を巡ります。"


def _as_tuned_set(app, tiny_model_dir) -> tuple[str, bytes]:
    """Save the session's set (its labels and template) with a tuned adapter; it is then the
    session's current set at that version."""
    name = f"学習済み-{uuid.uuid4().hex[:8]}"
    template = resources.get_settings().model.hypothesis_template
    saved = resources.get_store().save(SavedSet(name, LABELS, template))
    data = random_adapter(tiny_model_dir)
    digest = hashlib.sha256(data).hexdigest()
    measurements = resources.get_measurements()
    measurements.put_adapter(name, saved.version, digest, data, {})
    measured = Measurement(6, "h" * 64, False, {}, Thresholds(False), adapter_digest=digest)
    measurements.put(name, saved.version, measured)
    app.session_state["workspace"].label_sets = {name: list(LABELS)}
    app.session_state["workspace"].current_label_set = name
    app.session_state["saved_set_versions"] = {name: saved.version}
    return name, data


def _classify(app):
    app.text_area(key="classify_text").input(TEXT)
    app.button(key="classify_submit").click()
    app.run()
    assert not app.exception


def test_a_tuned_set_is_classified_by_its_own_model(app, tiny_model_dir, ready_service):
    name, data = _as_tuned_set(app, tiny_model_dir)
    app.run()
    _classify(app)
    adapter = AdapterRef(hashlib.sha256(data).hexdigest(), lambda: data)
    tuned = ready_service.classify(TEXT, LABELS, adapter=adapter)
    shown = app.session_state["workspace"].last_result
    assert dict(zip(shown.labels, shown.scores, strict=True)) == pytest.approx(
        dict(zip(tuned.labels, tuned.scores, strict=True)), abs=1e-6
    )
    assert any("学習済みモデル" in c.value and name in as_shown(c.value) for c in app.caption)


def test_an_edited_tuned_set_is_classified_zero_shot(app, tiny_model_dir, ready_service):
    name, _ = _as_tuned_set(app, tiny_model_dir)
    app.session_state["workspace"].label_sets = {name: [*LABELS, "音楽"]}
    app.run()
    _classify(app)
    plain = ready_service.classify(TEXT, [*LABELS, "音楽"])
    shown = app.session_state["workspace"].last_result
    assert dict(zip(shown.labels, shown.scores, strict=True)) == pytest.approx(
        dict(zip(plain.labels, plain.scores, strict=True)), abs=1e-6
    )
    assert not any("学習済みモデル" in c.value for c in app.caption)

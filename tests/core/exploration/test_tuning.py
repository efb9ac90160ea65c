"""Few-shot tuning mechanics: splits, pairs, the adapter's files, and the rule that a tuned set
is offered only when it beats zero-shot on held-out rows."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from core.errors import InputError
from core.exploration.evaluation import evaluate
from core.exploration.tuning import (
    METADATA_FILE,
    TuningReport,
    TuningSettings,
    holdout_split,
    stratified_folds,
    training_pairs,
    tune,
)
from core.exploration.tuning_jobs import TuningSpec
from core.inference.model_loading import load_model
from core.labels.measurements import MeasurementStore
from core.labels.tuned_sets import attach

LABELS = ["旅行", "料理", "踊り"]
EXPECTED = [frozenset({LABELS[i % 3]}) for i in range(12)]


def test_a_holdout_split_is_stratified_and_fixed_by_its_seed():
    train, held = holdout_split(EXPECTED, 0.25, seed=0)
    assert sorted(train + held) == list(range(12))
    assert sorted(min(EXPECTED[i]) for i in held) == sorted(LABELS)  # one of each label
    assert holdout_split(EXPECTED, 0.25, seed=0) == (train, held)


def test_k_folds_hold_each_row_out_once_with_every_label_in_each():
    folds = stratified_folds(EXPECTED, 3, seed=0)
    assert sorted(i for fold in folds for i in fold) == list(range(12))
    for fold in folds:
        assert {min(EXPECTED[i]) for i in fold} == set(LABELS)


def test_each_row_gives_an_entailment_for_its_label_and_contradictions_for_the_others():
    pairs = training_pairs(["京都に行く"], [frozenset({"旅行"})], LABELS, "この例は{}です。")
    assert [(p.hypothesis, p.entailment) for p in pairs] == [
        ("この例は旅行です。", True),
        ("この例は料理です。", False),
        ("この例は踊りです。", False),
    ]


def test_a_label_with_too_few_rows_is_refused(tiny_model_dir):
    model = load_model(str(tiny_model_dir))
    with pytest.raises(InputError) as refused:
        tune(model, ["京都に行く"], [frozenset({"旅行"})], LABELS, "この例は{}です。")
    assert refused.value.key == "tuning.too_few_rows"


def _report(zero_f1_labels: int, tuned_f1_labels: int) -> TuningReport:
    """A report whose zero-shot and tuned models got that many of three rows right."""
    expected = [frozenset({label}) for label in LABELS]

    def right(count: int):
        return [
            e if i < count else frozenset({"旅行" if min(e) != "旅行" else "料理"})
            for i, e in enumerate(expected)
        ]

    zero = evaluate(expected, right(zero_f1_labels), LABELS, False)
    tuned = evaluate(expected, right(tuned_f1_labels), LABELS, False)
    return TuningReport("k-fold", 3, zero, tuned, 1, 9, 0.1, False)


def test_tuned_only_beats_zero_shot_when_better_on_held_out_rows():
    assert _report(1, 3).beats_zero_shot
    assert not _report(2, 2).beats_zero_shot
    assert not _report(3, 1).beats_zero_shot


def test_a_tuned_set_worse_than_zero_shot_is_not_kept(tmp_path, open_database):
    store = MeasurementStore(open_database(f"sqlite:///{tmp_path / 'm.db'}"))
    spec = TuningSpec("s", 1, tuple(LABELS), "この例は{}です。", False, (), (), TuningSettings())
    report = {**_report(3, 1).to_json(), "rows": 3, "rows_hash": "h"}
    with pytest.raises(InputError) as refused:
        attach(store, "s", 1, spec, report, b"zip", "d" * 64)
    assert refused.value.key == "tuning.not_better"
    assert store.get_adapter("s", 1) is None and store.get("s", 1) is None


def test_the_adapter_is_peft_files_with_what_it_was_trained_from(tiny_model_dir):
    model = load_model(str(tiny_model_dir))
    texts = [f"{label}の話{i}" for i in range(3) for label in LABELS]
    expected = [frozenset({label}) for i in range(3) for label in LABELS]
    settings = TuningSettings(epochs=1, batch_pairs=32, folds=2)
    report, adapter = tune(model, texts, expected, LABELS, "この例は{}です。", settings=settings)
    assert report.method == "k-fold" and report.held_out_rows == 9
    files = zipfile.ZipFile(io.BytesIO(adapter.data))
    assert {"adapter_config.json", "adapter_model.safetensors", METADATA_FILE} <= set(
        files.namelist()
    )
    metadata = json.loads(files.read(METADATA_FILE))
    assert metadata["base_model"] == str(tiny_model_dir)
    assert metadata["labels"] == LABELS and metadata["template"] == "この例は{}です。"
    assert metadata["settings"]["epochs"] == 1 and len(metadata["rows_hash"]) == 64
    assert len(adapter.data) < 1_000_000


def test_the_documented_snippet_scores_a_tuned_set_as_the_app_does(
    tiny_model_dir, settings, tmp_path, monkeypatch, capsys
):
    import hashlib
    import re

    from bench.model_builder import random_adapter
    from core.inference.adapters import AdapterRef
    from core.inference.service import ClassifierService
    from tests.conftest import ROOT, loaded

    data = random_adapter(tiny_model_dir)
    (tmp_path / "adapter.zip").write_bytes(data)
    doc = (ROOT / "docs" / "exploring.md").read_text(encoding="utf-8")
    snippet = re.search(r"<!-- adapter-snippet -->\n```python\n(.*?)```", doc, re.S).group(1)
    snippet = snippet.replace('"Formzu/bert-base-japanese-jsnli"', repr(str(tiny_model_dir)))
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "docs/exploring.md", "exec"), {})
    printed = capsys.readouterr().out
    scores = dict(eval(printed.strip().splitlines()[-1]))
    with loaded(ClassifierService(settings)) as service:
        app = service.classify(
            "日銀が金利を引き上げた",
            ["政治", "経済", "スポーツ"],
            "これは{}の記事です。",
            adapter=AdapterRef(hashlib.sha256(data).hexdigest(), lambda: data),
        )
    for label, score in zip(app.labels, app.scores, strict=True):
        assert scores[label] == pytest.approx(score, abs=1e-5)


def test_tuning_learns_on_held_out_rows_what_zero_shot_cannot(learned):
    # 90 rows naming 旅行/料理/踊り, words the learnable model was never trained on: zero-shot is
    # near chance (3 labels), the app's LoRA tuning with its defaults clearly above it.
    report = learned.report
    assert (report.method, report.held_out_rows) == ("k-fold", 90)
    assert report.zero_shot.macro_f1 <= 0.5
    assert report.tuned.macro_f1 >= 0.9
    assert report.beats_zero_shot


def test_the_kept_adapter_names_the_topic_of_texts_it_never_saw(learned):
    from bench.model_builder import topic_rows
    from core.config import DEFAULT_TEMPLATE
    from core.exploration.tuning import predictions, score_rows

    texts, expected = topic_rows(LABELS, 10, seed=2)
    scores = score_rows(learned.model, texts, LABELS, DEFAULT_TEMPLATE, False)
    assert evaluate(expected, predictions(scores, False), LABELS, False).macro_f1 >= 0.9

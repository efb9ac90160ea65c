"""Metrics checked against values computed by hand on a small case."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.exploration.evaluation import NO_LABEL, evaluate, parse_expected, predict
from core.inference.result import ClassificationResult

LABELS = ["旅行", "料理", "踊り"]


def fs(*labels):
    return frozenset(labels)


def test_single_label_metrics_match_hand_computation():
    # expected → predicted: 旅行→旅行 ✓, 料理→旅行 ✗, 踊り→踊り ✓, {料理,踊り}→料理 ✓
    expected = [fs("旅行"), fs("料理"), fs("踊り"), fs("料理", "踊り")]
    predicted = [fs("旅行"), fs("旅行"), fs("踊り"), fs("料理")]
    report = evaluate(expected, predicted, LABELS, multi_label=False)
    assert report.accuracy == pytest.approx(3 / 4)
    travel, food, dance = report.per_label
    # 旅行: tp 1, fp 1, fn 0 → P 1/2, R 1, F1 2/3
    assert (travel.precision, travel.recall, travel.f1) == pytest.approx((0.5, 1.0, 2 / 3))
    # 料理: tp 1, fp 0, fn 1 → P 1, R 1/2, F1 2/3
    assert (food.precision, food.recall, food.f1) == pytest.approx((1.0, 0.5, 2 / 3))
    # 踊り: tp 1, fp 0, fn 1 → P 1, R 1/2, F1 2/3
    assert (dance.precision, dance.recall, dance.f1) == pytest.approx((1.0, 0.5, 2 / 3))
    assert report.macro_f1 == pytest.approx(2 / 3)
    assert (travel.support, food.support, dance.support) == (1, 2, 2)
    assert report.confusion["料理"] == {"旅行": 1, "料理": 1, "踊り": 0}
    assert report.confusion["踊り"] == {"旅行": 0, "料理": 1, "踊り": 1}


def test_multi_label_needs_the_exact_set_and_counts_no_prediction():
    expected = [fs("旅行"), fs("料理", "踊り")]
    predicted = [fs(), fs("料理", "踊り")]
    report = evaluate(expected, predicted, LABELS, multi_label=True)
    assert report.accuracy == 0.5
    assert report.correct == (False, True)
    assert report.confusion["旅行"][NO_LABEL] == 1
    assert report.per_label[0].recall == 0.0


def test_unknown_expected_labels_are_a_clear_message():
    with pytest.raises(InputError) as caught:
        evaluate([fs("音楽")], [fs("旅行")], LABELS, multi_label=False)
    assert caught.value.key == "eval.unknown_label"


def test_no_examples_is_a_clear_message():
    with pytest.raises(InputError):
        evaluate([], [], LABELS, multi_label=False)


def test_expected_cells_take_several_separators():
    assert parse_expected("料理|踊り") == parse_expected("料理、 踊り") == fs("料理", "踊り")
    assert parse_expected("") == fs()


def test_predict_uses_top_label_or_threshold():
    result = ClassificationResult(
        text="x", labels=("旅行", "料理"), scores=(0.7, 0.4), multi_label=True,
        hypothesis_template="{}", model_id="m", elapsed_ms=1.0,
    )  # fmt: skip
    assert predict(result, multi_label=False, threshold=0.5) == fs("旅行")
    assert predict(result, multi_label=True, threshold=0.5) == fs("旅行")
    assert predict(result, multi_label=True, threshold=0.3) == fs("旅行", "料理")


def test_more_examples_than_allowed_are_refused():
    from core.config import LimitSettings
    from core.exploration.evaluation import check_example_count

    limit = LimitSettings().max_evaluation_rows
    check_example_count(limit, limit)
    with pytest.raises(InputError) as caught:
        check_example_count(limit + 1, limit)
    assert caught.value.key == "eval.too_many_examples"

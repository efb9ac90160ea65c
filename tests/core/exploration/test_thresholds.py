"""Thresholds fitted on hand-made scores: every value exact (binary fractions, no rounding)."""

from __future__ import annotations

from core.exploration.thresholds import (
    DEFAULT_CUT,
    LabelThreshold,
    Thresholds,
    decide,
    fit,
    fit_label,
)

TRAVEL, FOOD = "旅行", "料理"


def test_a_label_cut_maximises_its_f1():
    scores = [0.875, 0.75, 0.625, 0.25, 0.125]
    positive = [True, True, False, True, False]
    # Cuts 0, 0.1875, 0.4375, 0.6875, 0.8125 give F1 6/8, 6/7, 4/6, 4/5, 2/4.
    fitted = fit_label(TRAVEL, scores, positive)
    assert fitted == LabelThreshold(TRAVEL, 0.1875, 0.75, 1.0, 6 / 7, 3)


def test_among_equal_f1_the_lowest_cut_is_kept():
    fitted = fit_label(TRAVEL, [0.75, 0.5, 0.25, 0.125], [True, False, False, True])
    # 0 (tp 2, fp 2) and 0.625 (tp 1, fn 1) both give F1 2/3, the best: the lower one.
    assert fitted.cut == 0.0
    assert fitted.f1 == 2 / 3


def test_a_label_no_row_expects_keeps_the_default_cut():
    fitted = fit_label(FOOD, [0.75, 0.25], [False, False])
    assert (fitted.cut, fitted.support) == (DEFAULT_CUT, 0)


def test_multi_label_fits_each_label_on_its_own():
    rows = [
        {TRAVEL: 0.875, FOOD: 0.25},
        {TRAVEL: 0.75, FOOD: 0.625},
        {TRAVEL: 0.625, FOOD: 0.5},
        {TRAVEL: 0.25, FOOD: 0.375},
    ]
    expected = [frozenset({TRAVEL}), frozenset({TRAVEL, FOOD}), frozenset(), frozenset({FOOD})]
    fitted = fit(rows, expected, [TRAVEL, FOOD], multi_label=True)
    assert fitted.multi_label and fitted.rows == 4
    assert fitted.cut_of(TRAVEL) == 0.6875
    # 料理: cut 0.3125 keeps 0.625, 0.5, 0.375 (tp 2, fp 1): F1 0.8, the best.
    assert fitted.cut_of(FOOD) == 0.3125
    assert fitted.per_label[1].f1 == 0.8


# Two texts the labels fit and two that fit none (該当なし), the second of them ranked 料理.
SINGLE_ROWS = [
    {TRAVEL: 0.875, FOOD: 0.125},
    {TRAVEL: 0.25, FOOD: 0.75},
    {TRAVEL: 0.625, FOOD: 0.375},
    {TRAVEL: 0.4375, FOOD: 0.5625},
]
SINGLE_EXPECTED = [frozenset({TRAVEL}), frozenset({FOOD}), frozenset({"該当なし"}), frozenset()]


def test_single_label_minimum_top_score_abstains_on_texts_that_fit_none():
    fitted = fit(SINGLE_ROWS, SINGLE_EXPECTED, [TRAVEL, FOOD], multi_label=False)
    # Cuts 0, 0.59375, 0.6875, 0.8125 give macro-F1 2/3, 5/6, 1, 1/2.
    assert fitted.min_top_score == 0.6875
    assert (fitted.macro_f1, fitted.accuracy, fitted.abstain_rate) == (1.0, 1.0, 0.5)


def test_single_label_without_off_topic_rows_never_abstains_on_right_answers():
    fitted = fit(SINGLE_ROWS[:2], SINGLE_EXPECTED[:2], [TRAVEL, FOOD], multi_label=False)
    assert fitted.min_top_score == 0.0
    assert fitted.abstain_rate == 0.0


def test_none_is_answered_below_the_minimum_top_score():
    thresholds = Thresholds(False, min_top_score=0.6875)
    decision = decide([TRAVEL, FOOD], [0.625, 0.375], thresholds)
    assert decision.abstained and decision.predicted == frozenset()
    assert (decision.threshold_label, decision.threshold) == (None, 0.6875)
    assert not decide([TRAVEL, FOOD], [0.75, 0.25], thresholds).abstained


def test_multi_label_abstains_when_no_label_passes_and_names_the_closest_labels_cut():
    per_label = (
        LabelThreshold(TRAVEL, 0.75, 1.0, 1.0, 1.0, 1),
        LabelThreshold(FOOD, 0.25, 1.0, 1.0, 1.0, 1),
    )
    thresholds = Thresholds(True, per_label=per_label)
    kept = decide([TRAVEL, FOOD], [0.5, 0.375], thresholds)
    assert kept.predicted == frozenset({FOOD}) and not kept.abstained
    none = decide([TRAVEL, FOOD], [0.625, 0.125], thresholds)
    assert none.abstained and (none.threshold_label, none.threshold) == (TRAVEL, 0.75)


def test_thresholds_survive_json():
    fitted = fit(SINGLE_ROWS, SINGLE_EXPECTED, [TRAVEL, FOOD], multi_label=False)
    assert Thresholds.from_json(fitted.to_json()) == fitted

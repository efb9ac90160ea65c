"""Experiments: each variant's scores checked by hand against plain classifications."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.exploration import experiments as exp
from core.inference.service import ClassifierService
from tests.conftest import loaded

TEXTS = ["そうだ京都に行こう!", "ラーメン二郎が大好きです。", "ブレイクダンスで踊ります。"]
EXPECTED = [frozenset({"旅行"}), frozenset({"料理"}), frozenset({"踊り"})]
LABELS = ["旅行", "料理", "踊り"]
T1, T2 = "この例は{}です。", "これは{}の話です。"
TOLERANCE = 1e-5


@pytest.fixture
def service(settings):
    with loaded(ClassifierService(settings)) as service:
        yield service


def _classify_with(service):
    def classify(texts, template, hypotheses, multi_label):
        return [service.classify(t, list(hypotheses), template, multi_label) for t in texts]

    return classify


def _variant(labels=LABELS, templates=(T1,), multi=False, calibration="none"):
    return exp.Variant("s", exp.parse_wordings(labels), templates, multi, 0.5, calibration)


def _plain(service, text, labels=LABELS, template=T1, multi=False):
    result = service.classify(text, labels, template, multi)
    return dict(zip(result.labels, result.scores, strict=True))


def test_the_grid_has_every_combination_and_the_average():
    variants = exp.grid(
        {"a": LABELS, "b": LABELS[:2]}, [T1, T2], True, [False, True], 0.5, list(exp.CALIBRATIONS)
    )
    assert len(variants) == 2 * 3 * 2 * 3
    assert sum(v.templates == (T1, T2) for v in variants) == 2 * 2 * 3


def test_a_grid_over_the_limit_is_refused_with_the_numbers():
    variants = exp.grid({"a": LABELS}, [T1], False, [False], 0.5, ["none"])
    with pytest.raises(InputError) as refused:
        exp.check_grid(variants, exp.MAX_GRID_PAIRS)
    assert refused.value.key == "experiment.too_big"
    assert str(exp.MAX_GRID_PAIRS) in str(refused.value)


def test_without_calibration_the_scores_are_the_plain_ones(service):
    run = exp.run_variant(_variant(), TEXTS, EXPECTED, _classify_with(service))
    for text, scores in zip(TEXTS, run.scores, strict=True):
        assert scores == pytest.approx(_plain(service, text), abs=TOLERANCE)


def test_a_labels_score_is_the_best_of_its_wordings(service):
    variant = _variant(["旅行=旅行|観光|旅", "料理"])
    run = exp.run_variant(variant, TEXTS, EXPECTED, _classify_with(service))
    plain = _plain(service, TEXTS[0], ["旅行", "観光", "旅", "料理"])
    best = max(plain["旅行"], plain["観光"], plain["旅"])
    # Single-label scores are then shared out to sum to 1 across the labels.
    assert run.scores[0]["旅行"] == pytest.approx(best / (best + plain["料理"]), abs=TOLERANCE)
    assert sum(run.scores[0].values()) == pytest.approx(1.0)


def test_templates_averaged_are_the_mean_of_each(service):
    run = exp.run_variant(_variant(templates=(T1, T2)), TEXTS, EXPECTED, _classify_with(service))
    one, two = _plain(service, TEXTS[1], template=T1), _plain(service, TEXTS[1], template=T2)
    assert run.scores[1] == pytest.approx({k: (one[k] + two[k]) / 2 for k in one}, abs=TOLERANCE)


def test_content_free_calibration_divides_out_the_na_scores(service):
    run = exp.run_variant(
        _variant(calibration="content_free"), TEXTS, EXPECTED, _classify_with(service)
    )
    free = _plain(service, exp.CONTENT_FREE_TEXT)
    plain = _plain(service, TEXTS[0])
    divided = {k: plain[k] / free[k] for k in plain}
    total = sum(divided.values())
    assert run.scores[0] == pytest.approx({k: v / total for k, v in divided.items()}, abs=TOLERANCE)


def test_batch_calibration_divides_out_the_mean_over_the_texts(service):
    run = exp.run_variant(_variant(calibration="batch"), TEXTS, EXPECTED, _classify_with(service))
    plains = [_plain(service, text) for text in TEXTS]
    mean = {k: sum(p[k] for p in plains) / len(plains) for k in LABELS}
    divided = {k: plains[2][k] / mean[k] for k in LABELS}
    total = sum(divided.values())
    assert run.scores[2] == pytest.approx({k: v / total for k, v in divided.items()}, abs=TOLERANCE)


def test_multi_label_calibration_keeps_each_score_a_probability(service):
    run = exp.run_variant(
        _variant(multi=True, calibration="content_free"), TEXTS, EXPECTED, _classify_with(service)
    )
    assert all(0 <= p <= 1 for scores in run.scores for p in scores.values())


def test_an_expected_label_missing_from_the_set_counts_as_wrong_not_as_an_error(service):
    run = exp.run_variant(_variant(["料理", "踊り"]), TEXTS, EXPECTED, _classify_with(service))
    assert run.evaluation.correct[0] is False


def test_variants_sharing_pairs_run_no_new_pairs(settings, forward_passes):
    with loaded(ClassifierService(settings)) as service:
        classify = _classify_with(service)
        exp.run_variant(_variant(), TEXTS, EXPECTED, classify)
        passes = len(forward_passes)
        exp.run_variant(_variant(calibration="batch"), TEXTS, EXPECTED, classify)
        exp.run_variant(_variant(multi=True), TEXTS, EXPECTED, classify)
        assert len(forward_passes) == passes


@pytest.mark.parametrize("entry", ["=観光", "旅行=", " | "])
def test_a_wording_that_cannot_be_read_is_refused(entry):
    with pytest.raises(InputError) as refused:
        exp.parse_wordings([entry])
    assert refused.value.key == "experiment.bad_wording"

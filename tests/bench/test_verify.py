from __future__ import annotations

from bench.verify import compare, main
from core.config import Settings
from core.inference import scoring
from core.inference.model_loading import load_model
from core.inference.request import build_request

LABELS = ["旅行", "料理", "踊り"]


def test_verify_prints_what_it_measured(tiny_model_dir, capsys):
    result = main(["--model", str(tiny_model_dir), "--labels", ",".join(LABELS)])
    out = capsys.readouterr().out
    assert result.compared == 8  # the seed's four texts, each in both modes
    assert f"top-1 agreement: {result.top1_agree}/8" in out
    assert f"largest score difference: {result.max_abs_diff:.4f}" in out


def test_a_model_against_itself_agrees_everywhere_with_no_difference(tiny_model):
    same = compare(tiny_model, tiny_model, ["京都に行こう。", "寿司を食べた。"], LABELS, Settings())
    assert (same.compared, same.top1_agree, same.max_abs_diff) == (4, 4, 0.0)


def test_the_largest_difference_is_the_worst_label_score_gap(tiny_model, tiny_model_dir):
    int8 = load_model(str(tiny_model_dir), num_threads=1, quantize="int8")
    text = "京都に行こう。"
    result = compare(tiny_model, int8, [text], LABELS, Settings())
    by_hand = 0.0
    for multi_label in (False, True):
        request = build_request(text, LABELS, Settings(), None, multi_label)
        a, b = scoring.classify(tiny_model, request), scoring.classify(int8, request)
        by_hand = max(by_hand, *(abs(a.score_of(x) - b.score_of(x)) for x in LABELS))
    assert result.max_abs_diff == by_hand

from __future__ import annotations

from core.exploration.score_matrix import score_matrix
from core.inference.result import ClassificationResult


def _result(text, labels, scores):
    return ClassificationResult(text, labels, scores, False, "{}", "m", 1.0)


def test_matrix_rows_follow_the_given_label_order():
    results = [
        _result("a", ("料理", "旅行"), (0.7, 0.3)),
        _result("b", ("旅行", "料理"), (0.6, 0.4)),
    ]
    rows = score_matrix(results, ["旅行", "料理"])
    assert [row.scores for row in rows] == [(0.3, 0.7), (0.6, 0.4)]
    assert [row.top_label for row in rows] == ["料理", "旅行"]

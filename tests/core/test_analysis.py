from __future__ import annotations

import pytest

from core.analysis import score_matrix
from core.types import ClassificationResult


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


def test_template_comparison_lines_up_and_flags_differences():
    from core.analysis import compare_templates
    from core.types import ClassificationResult

    def result(text, template, labels, scores):
        return ClassificationResult(text, labels, scores, False, template, "m", 1.0)

    results = [
        result("京都", "A{}", ("旅行", "料理"), (0.9, 0.1)),
        result("京都", "B{}", ("料理", "旅行"), (0.6, 0.4)),
        result("寿司", "A{}", ("料理", "旅行"), (0.8, 0.2)),
        result("寿司", "B{}", ("料理", "旅行"), (0.7, 0.3)),
    ]
    comparison = compare_templates(results, ["旅行", "料理"])
    assert comparison.templates == ("A{}", "B{}")
    assert comparison.rows[1].scores == (0.4, 0.6)
    assert comparison.differing_texts() == ["京都"]


@pytest.mark.parametrize(
    "templates", [["A{}"], ["A{}", "A{}"], ["{}1", "{}2", "{}3", "{}4", "{}5"]]
)
def test_two_to_four_distinct_templates_are_required(templates):
    from core.analysis import clean_templates
    from core.errors import InputError

    with pytest.raises(InputError):
        clean_templates(templates)

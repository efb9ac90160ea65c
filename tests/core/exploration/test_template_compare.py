from __future__ import annotations

import pytest

from core.errors import InputError
from core.exploration.template_compare import clean_templates, compare_templates
from core.inference.result import ClassificationResult


def test_template_comparison_lines_up_and_flags_differences():
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
    with pytest.raises(InputError):
        clean_templates(templates)

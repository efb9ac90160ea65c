"""Template comparison: the same texts under 2 to 4 templates, lined up per text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.config import Settings
from core.errors import InputError
from core.inference.request import check_template
from core.inference.result import ClassificationResult

# Side by side is readable up to four templates; one is no comparison.
MIN_TEMPLATES = 2
MAX_TEMPLATES = 4


@dataclass(frozen=True)
class TemplateRow:
    text: str
    template: str
    scores: tuple[float, ...]  # in the order of the comparison's labels
    top_label: str


@dataclass(frozen=True)
class TemplateComparison:
    labels: tuple[str, ...]
    templates: tuple[str, ...]
    rows: tuple[TemplateRow, ...]  # per text, one row per template, in template order

    def differing_texts(self) -> list[str]:
        """Texts whose top label is not the same under every template."""
        tops: dict[str, set[str]] = {}
        for row in self.rows:
            tops.setdefault(row.text, set()).add(row.top_label)
        return [text for text, labels in tops.items() if len(labels) > 1]


def template_problems(
    lines: Sequence[str], settings: Settings
) -> list[tuple[int, str, InputError]]:
    """(line number from 1, template, why) for each line that is not a usable template."""
    problems = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            check_template(line.strip(), settings)
        except InputError as error:
            problems.append((number, line.strip(), error))
    return problems


def clean_templates(templates: Sequence[str]) -> tuple[str, ...]:
    kept = tuple(dict.fromkeys(t.strip() for t in templates if t.strip()))
    if not MIN_TEMPLATES <= len(kept) <= MAX_TEMPLATES:
        raise InputError("compare.template_count", low=MIN_TEMPLATES, high=MAX_TEMPLATES)
    return kept


def compare_templates(
    results: Sequence[ClassificationResult], labels: Sequence[str]
) -> TemplateComparison:
    """Results of the same texts under several templates, lined up per text and template."""
    rows = tuple(
        TemplateRow(
            text=result.text,
            template=result.hypothesis_template,
            scores=tuple(result.score_of(label) for label in labels),
            top_label=result.top_label,
        )
        for result in results
    )
    templates = tuple(dict.fromkeys(row.template for row in rows))
    return TemplateComparison(tuple(labels), templates, rows)

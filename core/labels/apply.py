"""A label set applied: a request's choices, a saved set filling what they leave out, and the
texts scored with them.

One piece for every caller that classifies by label set (`POST /api/classify`, the bulk command
in core/bulk, Classify's experiment options), so they give the same scores for the same set:
the same validation, segment ids, template rules, dedup and pair cache (ClassifierService.score).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.errors import InputError
from core.exploration import experiments
from core.inference.request import build_requests, check_template, clean_labels
from core.inference.result import ClassificationResult
from core.inference.service import ClassifierService
from core.labels.store import SavedSet


@dataclass(frozen=True)
class ClassifyOptions:
    """How texts are classified: labels (names), template (None: the setting's default), mode,
    wordings per label (a label absent is its own one wording) and a calibration
    (experiments.CALIBRATIONS)."""

    labels: tuple[str, ...]
    template: str | None = None
    multi_label: bool = False
    wordings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    calibration: str = "none"

    @property
    def plain(self) -> bool:
        """No wordings and no calibration: scores equal transformers' pipeline."""
        return not self.wordings and self.calibration == "none"


def labels_and_wordings(entries: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Label names, and the wordings of those written `旅行=旅行|観光` (as experiments save)."""
    if not any(experiments.NAME_SEPARATOR in entry for entry in entries):
        return list(entries), {}
    parsed = experiments.parse_wordings(entries)
    wordings = {e.label: list(e.wordings) for e in parsed if e.wordings != (e.label,)}
    return [e.label for e in parsed], wordings


def options_for(
    saved: SavedSet | None,
    labels: Sequence[object] | None = None,
    template: str | None = None,
    multi_label: bool = False,
    wordings: Mapping[str, Sequence[str]] | None = None,
    calibration: str = "none",
) -> ClassifyOptions:
    """The request's own choices, with the saved set (when one is named) filling what they leave
    out: its labels, with the wordings it was saved with, when no labels are given; its template
    when none is. Labels given win over the set's, and wordings given over its wordings."""
    labels = list(labels or [])
    wordings = dict(wordings or {})
    if saved is not None:
        if not labels:
            labels, saved_wordings = labels_and_wordings(saved.labels)
            wordings = wordings or saved_wordings
        template = template or saved.template
    return ClassifyOptions(
        tuple(labels),
        template,
        bool(multi_label),
        {label: tuple(words) for label, words in wordings.items()},
        calibration,
    )


def classify_texts(
    service: ClassifierService,
    options: ClassifyOptions,
    texts: Sequence[object],
    bulk: bool = False,
) -> list[ClassificationResult]:
    """Each text classified under `options`, in order; all their new pairs go to the model in
    one hand-over (`bulk`: behind interactive requests). A bad text raises InputError naming
    its position (`index`, from 0); bad labels, template or calibration raise it without one.
    """
    settings = service.settings
    if not texts:
        raise InputError("error.empty_text")
    if options.plain:
        items = [(text, options.template) for text in texts]
        requests = build_requests(items, options.labels, settings, options.multi_label)
        return service.score(requests, bulk=bulk)
    names, _ = clean_labels(options.labels, settings)
    if not names:
        raise InputError("error.no_labels")
    template = check_template(
        settings.model.hypothesis_template if options.template is None else options.template,
        settings,
    )

    def classify(batch, batch_template, hypotheses, batch_multi):
        items = [(text, batch_template) for text in batch]
        return service.score(build_requests(items, hypotheses, settings, batch_multi), bulk=bulk)

    return experiments.classify_with_options(
        texts, names, template, options.multi_label, options.wordings, options.calibration, classify
    )

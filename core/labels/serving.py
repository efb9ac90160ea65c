"""A saved label set served by name: its labels, template, wordings, calibration, tuned adapter
and thresholds, as measured for the version that is current.

`resolve` then `classify_with_set` is the one way: `/api/classify` with `label_set`, the bulk
command and a set's measurement go through them, so a set scores the same wherever it is used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from core.errors import InputError, Mismatch
from core.exploration import experiments
from core.exploration.thresholds import Decision, Thresholds, decide, expected_of
from core.inference.adapters import AdapterRef
from core.inference.microbatch import Cancellation
from core.inference.request import build_requests
from core.inference.result import ClassificationResult
from core.inference.service import ClassifierService
from core.labels.measurements import Measurement, MeasurementStore
from core.labels.store import LabelSetStore, SavedSet
from core.labels.written import names_and_wordings


class UnknownLabelSet(LookupError):
    """No live label set has that name."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


@dataclass(frozen=True)
class LabelSetUse:
    """How a saved set version is served: what the caller gave wins over what was saved."""

    saved: SavedSet
    measurement: Measurement | None
    labels: tuple[str, ...]
    template: str
    multi_label: bool
    wordings: Mapping[str, Sequence[str]] = field(default_factory=dict)
    calibration: str = "none"
    adapter: AdapterRef | None = None

    @property
    def thresholds(self) -> Thresholds | None:
        """The fitted thresholds, when they were fitted in this mode on these labels."""
        measured = self.measurement
        if measured is None or measured.thresholds is None:
            return None
        if measured.thresholds.multi_label != self.multi_label:
            return None
        return measured.thresholds


def resolve(
    store: LabelSetStore,
    measurements: MeasurementStore | None,
    name: str,
    labels: Sequence[str] | None = None,
    template: str | None = None,
    multi_label: bool | None = None,
    wordings: Mapping[str, Sequence[str]] | None = None,
    calibration: str | None = None,
) -> LabelSetUse:
    """The set `name` as it is now, with its version's measurement and adapter.

    Errors: UnknownLabelSet; StoreUnavailable when the store is away.
    """
    saved = store.get(name)
    if saved is None:
        raise UnknownLabelSet(name)
    measured = measurements.get(name, saved.version) if measurements is not None else None
    names, saved_wordings = names_and_wordings(saved.labels)
    given_labels = bool(labels)
    if measured is not None and measured.wordings:
        saved_wordings = dict(measured.wordings)
    adapter = None
    if measured is not None and measured.adapter_digest and not given_labels:
        version, store_of = saved.version, measurements

        def fetch() -> bytes:
            stored = store_of.get_adapter(name, version) if store_of is not None else None
            if stored is None:
                raise InputError("tuning.adapter_missing", name=name)
            return stored.data

        adapter = AdapterRef(measured.adapter_digest, fetch)
    mode = multi_label if multi_label is not None else bool(measured and measured.multi_label)
    return LabelSetUse(
        saved=saved,
        measurement=measured,
        labels=tuple(labels) if given_labels else tuple(names),
        template=template or saved.template,
        multi_label=mode,
        wordings=wordings or ({} if given_labels else saved_wordings),
        calibration=calibration or (measured.calibration if measured else "none"),
        adapter=adapter,
    )


@dataclass(frozen=True)
class LabelSetAnswer:
    use: LabelSetUse
    results: list[ClassificationResult]
    decisions: list[Decision | None]


def classify_with_set(
    service: ClassifierService,
    use: LabelSetUse,
    texts: Sequence[object],
    bulk: bool = False,
    client: object = None,
    cancel: Cancellation | None = None,
    max_tokens: int | None = None,
) -> LabelSetAnswer:
    """Score `texts` as the set is served: wordings, calibration and adapter applied, then its
    thresholds (a Decision per result, None when the set has none for this mode). A bad text
    raises InputError naming its position. `client`, `cancel` and `max_tokens`: see
    ClassifierService.score."""
    settings = service.settings
    if not texts:
        raise InputError("error.empty_text")
    if len(texts) > settings.limits.max_texts and not bulk:
        raise InputError("error.too_many_texts", count=len(texts), limit=settings.limits.max_texts)

    def classify_many(batch, template, hypotheses, multi):
        requests = build_requests([(t, template) for t in batch], hypotheses, settings, multi)
        return service.score(
            requests,
            bulk=bulk,
            adapter=use.adapter,
            client=client,
            cancel=cancel,
            max_tokens=max_tokens,
        )

    if use.wordings or use.calibration != "none":
        results = experiments.classify_with_options(
            list(texts),  # type: ignore[arg-type]
            use.labels,
            use.template,
            use.multi_label,
            use.wordings,
            use.calibration,
            classify_many,
        )
    else:
        results = classify_many(texts, use.template, use.labels, use.multi_label)
    thresholds = use.thresholds
    decisions = [
        decide(result.labels, result.scores, thresholds) if thresholds else None
        for result in results
    ]
    return LabelSetAnswer(use, results, decisions)


def measure(
    service: ClassifierService,
    use: LabelSetUse,
    texts: Sequence[str],
    expected: Sequence[frozenset[str]],
    client: object = None,
    cancel: Cancellation | None = None,
    max_tokens: int | None = None,
) -> Measurement:
    """Fit the set's thresholds on rows (texts with expected labels; 該当なし / none for a text
    that fits none), scored as the set is served, and what they give there. The set's tuning
    report and adapter, if any, are kept. Errors: InputError for too many rows or a bad text;
    Mismatch for a row expecting a label the set does not have."""
    from core.exploration.evaluation import check_example_count
    from core.exploration.thresholds import fit, metrics_at
    from core.exploration.tuning import rows_hash

    check_example_count(len(texts), service.settings.limits.max_evaluation_rows)
    unknown = sorted(set().union(*map(expected_of, expected), frozenset()) - set(use.labels))
    if unknown:
        raise Mismatch("eval.unknown_label", labels="、".join(unknown))
    unthresholded = replace(use, measurement=None)
    answer = classify_with_set(service, unthresholded, texts, True, client, cancel, max_tokens)
    rows = [dict(zip(r.labels, r.scores, strict=True)) for r in answer.results]
    fitted = fit(rows, expected, use.labels, use.multi_label)
    previous = use.measurement
    return Measurement(
        rows=len(texts),
        rows_hash=rows_hash(texts, expected),
        multi_label=use.multi_label,
        metrics=metrics_at(rows, expected, use.labels, fitted),
        thresholds=fitted,
        calibration=use.calibration,
        wordings={k: list(v) for k, v in use.wordings.items()},
        tuning=previous.tuning if previous else None,
        adapter_digest=previous.adapter_digest if previous else None,
    )

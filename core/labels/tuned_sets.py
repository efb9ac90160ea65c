"""A label set tuned on rows: train (core.exploration.tuning), fit thresholds on the held-out
scores, and keep adapter and measurement with the set version, only when tuned beats zero-shot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from core.errors import InputError
from core.exploration import thresholds as thresholds_
from core.exploration.tuning import Step, TuningSettings, check_rows, rows_hash, tune
from core.exploration.tuning_jobs import TuningSpec
from core.inference.model_loading import LoadedModel
from core.labels.measurements import Measurement, MeasurementStore
from core.labels.serving import LabelSetUse


def train_spec(
    spec: TuningSpec,
    load_base: Callable[[], LoadedModel],
    run_step: Step,
    report: Callable[[int, int], None],
    should_stop: Callable[[], bool],
) -> tuple[dict[str, Any], bytes, str]:
    """(report JSON with fitted thresholds, adapter zip, its digest) for a job's spec.

    `load_base()` gives the training's own fp32 copy of the model (training changes it).
    """
    base = load_base()
    expected = [frozenset(cells) for cells in spec.expected]
    result, adapter = tune(
        base,
        list(spec.texts),
        expected,
        list(spec.labels),
        spec.template,
        spec.multi_label,
        spec.settings,
        report=report,
        should_stop=should_stop,
        run_step=run_step,
        base_revision=getattr(base.model.config, "_commit_hash", None),
    )
    fitted = thresholds_.fit(
        result.tuned_scores, result.held_out_expected, list(spec.labels), spec.multi_label
    )
    report_json = {**result.to_json(), "thresholds": fitted.to_json()}
    report_json["rows"] = len(spec.texts)
    report_json["rows_hash"] = rows_hash(list(spec.texts), expected)
    return report_json, adapter.data, adapter.digest


def measurement_of(spec: TuningSpec, report: dict[str, Any], digest: str | None) -> Measurement:
    """What a tuned set version carries: the tuned held-out figures, thresholds, the report."""
    tuned = report["tuned"]
    return Measurement(
        rows=int(report["rows"]),
        rows_hash=str(report["rows_hash"]),
        multi_label=spec.multi_label,
        metrics={k: tuned[k] for k in ("accuracy", "macro_f1", "per_label")},
        thresholds=thresholds_.Thresholds.from_json(report["thresholds"]),
        tuning=report,
        adapter_digest=digest,
    )


def attach(
    measurements: MeasurementStore,
    name: str,
    version: int,
    spec: TuningSpec,
    report: dict[str, Any],
    adapter: bytes,
    digest: str,
) -> Measurement:
    """Keep the adapter as set `name` version `version`'s model, with its measurement.
    InputError `tuning.not_better` when it did not beat zero-shot on the held-out rows."""
    if not report.get("beats_zero_shot"):
        raise InputError("tuning.not_better")
    from core.exploration.tuning import adapter_metadata

    measurements.put_adapter(name, version, digest, adapter, adapter_metadata(adapter))
    return measurements.put(name, version, measurement_of(spec, report, digest))


def tuning_spec(
    use: LabelSetUse,
    texts: Sequence[str],
    expected: Sequence[frozenset[str]],
    settings: TuningSettings,
    attach: bool = False,
) -> TuningSpec:
    """What a job tunes: the set as served (`use`), the rows, how; `attach`: keep the adapter
    with the version read when it beats zero-shot. The rows and settings are checked here, so a
    job is never started to fail at once: InputError (bad settings, too many rows), Mismatch
    (rows that do not fit the set's labels)."""
    check_rows(texts, [thresholds_.expected_of(cells) for cells in expected], use.labels)
    return TuningSpec(
        set_name=use.saved.name,
        set_version=use.saved.version,
        labels=use.labels,
        template=use.template,
        multi_label=use.multi_label,
        texts=tuple(texts),
        expected=tuple(tuple(sorted(cells)) for cells in expected),
        settings=settings.checked(),
        attach=attach,
    )

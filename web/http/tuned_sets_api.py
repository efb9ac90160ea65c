"""Saved label sets served with what was measured about them, over HTTP: `/api/classify` by
`label_set` (thresholds, wordings, calibration and tuned adapter applied; the version named).
The classify router (web/http/classify.py) calls `answer_by_label_set`; errors are answered by
the app's exception handlers (web/http/errors.py)."""

from __future__ import annotations

from typing import Any

from core.exploration.thresholds import decide
from core.labels.serving import LabelSetUse, UnknownLabelSet, classify_with_use
from web import resources
from web.http.errors import Refusal
from web.http.schemas import ClassifyResponse, LabelSetUsed


def used(use: LabelSetUse) -> LabelSetUsed:
    return LabelSetUsed(
        name=use.saved.name,
        version=use.saved.version,
        tuned=use.adapter is not None,
        thresholds=use.thresholds is not None,
    )


def answer_by_label_set(body: Any) -> ClassifyResponse | list[ClassifyResponse]:
    """The answer to a classify body naming `label_set`. Raises Refusal (404 unknown set, 400
    explain with options), InputError, ModelBusy, ModelNotReady, StoreUnavailable. Blocking:
    run it off the event loop."""
    try:
        use = resources.resolve_label_set(
            body.label_set,
            labels=body.labels or None,
            template=body.hypothesis_template,
            multi_label=body.multi_label,
            wordings=body.wordings,
            calibration=None if body.calibration == "none" else body.calibration,
        )
    except UnknownLabelSet as missing:
        raise Refusal(404, "error.unknown_label_set", name=missing.name) from None
    texts = body.text if isinstance(body.text, list) else [body.text]
    if body.explain:
        if use.wordings or use.calibration != "none":
            raise Refusal(400, "error.explain_with_options")
        explanation = resources.get_service().explain(
            body.text,
            use.labels,
            use.template,
            use.multi_label,
            body.explain_label,
            adapter=use.adapter,
        )
        result = explanation.result
        thresholds = use.thresholds
        decision = decide(result.labels, result.scores, thresholds) if thresholds else None
        return ClassifyResponse.of(result, explanation, decision, used(use))
    answer = classify_with_use(resources.get_service(), use, texts)
    answers = [
        ClassifyResponse.of(result, None, decision, used(use))
        for result, decision in zip(answer.results, answer.decisions, strict=True)
    ]
    return answers if isinstance(body.text, list) else answers[0]

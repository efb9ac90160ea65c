"""Saved label sets served with what was measured about them, over HTTP: `/api/classify` by
`label_set` (thresholds, wordings, calibration and tuned adapter applied; the version named).

The logic lives in plain functions the handlers call, so another HTTP framework can take the
handlers over as they are.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.errors import InputError, ModelBusy, ModelNotReady
from core.exploration.thresholds import decide
from core.labels.serving import LabelSetUse, UnknownLabelSet, classify_with_use
from web import resources
from web.http.replies import busy, error_reply, not_ready
from web.http.schemas import ClassifyBody, ClassifyResponse, LabelSetUsed, dump
from web.text import message


def used(use: LabelSetUse) -> LabelSetUsed:
    return LabelSetUsed(
        name=use.saved.name,
        version=use.saved.version,
        tuned=use.adapter is not None,
        thresholds=use.thresholds is not None,
    )


def unknown_set(name: str, lang: str) -> JSONResponse:
    text = message("error.unknown_label_set", lang, name=name)
    return error_reply(404, "error.unknown_label_set", text)


def answer_by_label_set(body: ClassifyBody, lang: str) -> tuple[int, object]:
    """(status, JSON) for a classify body naming `label_set`; raises InputError, ModelBusy,
    ModelNotReady for the caller to answer as every classify does. Blocking: run it off the
    event loop."""
    use = resources.resolve_label_set(
        body.label_set,
        labels=body.labels or None,
        template=body.hypothesis_template,
        multi_label=body.multi_label,
        wordings=body.wordings,
        calibration=None if body.calibration == "none" else body.calibration,
    )
    texts = body.text if isinstance(body.text, list) else [body.text]
    if body.explain:
        if isinstance(body.text, list):
            return 400, ("error.explain_one_text", message("error.explain_one_text", lang))
        if use.wordings or use.calibration != "none":
            return 400, ("error.explain_with_options", message("error.explain_with_options", lang))
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
        return 200, dump(ClassifyResponse.of(result, explanation, decision, used(use)))
    answer = classify_with_use(resources.get_service(), use, texts)
    bodies = [
        dump(ClassifyResponse.of(result, None, decision, used(use)))
        for result, decision in zip(answer.results, answer.decisions, strict=True)
    ]
    return 200, bodies if isinstance(body.text, list) else bodies[0]


async def classify_by_label_set(request: Request, body: ClassifyBody, lang: str) -> Response:
    """The thin handler: run `answer_by_label_set`, map errors to statuses."""
    try:
        status, payload = await run_in_threadpool(answer_by_label_set, body, lang)
    except UnknownLabelSet as missing:
        return unknown_set(missing.name, lang)
    except InputError as exc:
        code = 503 if exc.key == "store.unreachable" else 400
        return error_reply(code, exc.key, exc.message(lang))
    except ModelNotReady:
        return not_ready(lang)
    except ModelBusy:
        return busy(lang)
    if status != 200:
        key, text = payload  # type: ignore[misc]
        return error_reply(status, key, text)
    return JSONResponse(payload)

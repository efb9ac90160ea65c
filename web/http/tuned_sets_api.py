"""Saved label sets served with what was measured about them, over HTTP: `/api/classify` by
`label_set` (thresholds, wordings, calibration and tuned adapter applied; the version named),
thresholds fitted and tuning jobs started from rows in the request, the adapter downloaded.

The logic lives in plain functions the handlers call, so another HTTP framework can take the
handlers over as they are.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.config import Settings
from core.errors import InputError, ModelBusy, ModelNotReady
from core.exploration.thresholds import decide
from core.exploration.tuning import TuningSettings
from core.exploration.tuning_jobs import TuningJob
from core.labels import serving
from core.labels.serving import LabelSetUse, UnknownLabelSet, classify_with_use
from core.labels.tuned_sets import tuning_spec
from web import resources
from web.http.replies import answering_500, busy, error_reply, not_ready, parsed_body, request_lang
from web.http.schemas import (
    ClassifyBody,
    ClassifyResponse,
    LabelSetUsed,
    ThresholdsBody,
    TuningBody,
    TuningJobResponse,
    dump,
)
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


def measured_json(name: str, version: int) -> dict | None:
    """A set version's measurement as JSON, or None. Blocking."""
    measured = resources.get_measurements().get(name, version)
    return measured.to_json() if measured is not None else None


def _rows(body: ThresholdsBody | TuningBody) -> tuple[list[str], list[frozenset[str]]]:
    return [row.text for row in body.rows], [frozenset(row.expected) for row in body.rows]


def fit_thresholds(name: str, body: ThresholdsBody) -> dict:
    """Fit a saved set's thresholds on the body's rows (scored as the set is served: its
    adapter too) and keep them with its current version; the measurement as JSON."""
    use = resources.resolve_label_set(name, multi_label=body.multi_label)
    texts, expected = _rows(body)
    measured = serving.measure(resources.get_service(), use, texts, expected)
    kept = resources.get_measurements().put(name, use.saved.version, measured)
    return kept.to_json()


def start_tuning(name: str, body: TuningBody) -> TuningJob:
    """Start tuning a saved set on the body's rows; kept as the set version's model when it
    beats zero-shot on held-out rows."""
    use = resources.resolve_label_set(name, multi_label=body.multi_label)
    texts, expected = _rows(body)
    settings = TuningSettings(
        epochs=body.epochs,
        learning_rate=body.learning_rate,
        max_seconds=body.max_seconds,
        seed=body.seed,
    )
    spec = tuning_spec(use, texts, expected, settings, attach=True)
    job_id = resources.start_tuning(spec)
    job = resources.find_tuning(job_id)
    assert job is not None
    return job


def job_body(job: TuningJob, lang: str) -> dict:
    error = None
    if job.error is not None:
        error = message(job.error[0], lang, **job.error[1])
    left = job.seconds_left()
    return dump(
        TuningJobResponse(
            id=job.id,
            label_set=job.spec.set_name,
            version=job.spec.set_version,
            status=job.status.value,
            done=job.done,
            total=job.total,
            seconds_left=round(left, 1) if left is not None else None,
            report=job.report,
            attached=job.attached,
            error=error,
        )
    )


async def _answer(lang: str, work, *args) -> Response:
    """Run blocking `work(*args)` and map core's errors to statuses: (status, JSON) back."""
    try:
        status, payload = await run_in_threadpool(work, *args)
    except UnknownLabelSet as missing:
        return unknown_set(missing.name, lang)
    except InputError as exc:
        code = {"store.unreachable": 503, "tuning.running": 409}.get(exc.key, 400)
        return error_reply(code, exc.key, exc.message(lang))
    except ModelNotReady:
        return not_ready(lang)
    except ModelBusy:
        return busy(lang)
    if isinstance(payload, Response):
        return payload
    return JSONResponse(payload, status_code=status)


@answering_500
async def post_thresholds(request: Request, settings: Settings) -> Response:
    lang = request_lang(request)
    body = await parsed_body(request, ThresholdsBody, lang)
    if isinstance(body, Response):
        return body
    name = request.path_params["name"]
    return await _answer(lang, lambda: (200, fit_thresholds(name, body)))


@answering_500
async def post_tuning(request: Request, settings: Settings) -> Response:
    lang = request_lang(request)
    body = await parsed_body(request, TuningBody, lang)
    if isinstance(body, Response):
        return body
    name = request.path_params["name"]
    return await _answer(lang, lambda: (202, job_body(start_tuning(name, body), lang)))


def _job_of(name: str, job_id: str, lang: str) -> TuningJob | Response:
    job = resources.find_tuning(job_id)
    if job is None or job.spec.set_name != name:
        text = message("error.unknown_tuning_job", lang, job=job_id)
        return error_reply(404, "error.unknown_tuning_job", text)
    return job


@answering_500
async def get_tuning(request: Request, settings: Settings) -> Response:
    lang = request_lang(request)
    name, job_id = request.path_params["name"], request.path_params["job"]

    def work():
        job = _job_of(name, job_id, lang)
        return 200, job if isinstance(job, Response) else job_body(job, lang)

    return await _answer(lang, work)


@answering_500
async def delete_tuning(request: Request, settings: Settings) -> Response:
    """Stop a running job after its current step."""
    lang = request_lang(request)
    name, job_id = request.path_params["name"], request.path_params["job"]

    def work():
        job = _job_of(name, job_id, lang)
        if isinstance(job, Response):
            return 404, job
        resources.stop_tuning(job_id)
        return 202, job_body(job, lang)

    return await _answer(lang, work)


ADAPTER_MEDIA = "application/zip"


@answering_500
async def get_adapter(request: Request, settings: Settings) -> Response:
    """The set's tuned adapter in PEFT's own format (adapter_config.json and
    adapter_model.safetensors, with zeroshot_tuning.json), zipped."""
    lang = request_lang(request)
    name = request.path_params["name"]

    def work():
        use = resources.resolve_label_set(name)
        stored = resources.get_measurements().get_adapter(name, use.saved.version)
        if stored is None or use.adapter is None:
            text = message("tuning.adapter_missing", lang, name=name)
            return 404, error_reply(404, "tuning.adapter_missing", text)
        filename = f"adapter-v{use.saved.version}.zip"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return 200, Response(stored.data, media_type=ADAPTER_MEDIA, headers=headers)

    return await _answer(lang, work)

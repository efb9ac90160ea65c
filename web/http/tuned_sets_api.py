"""Saved label sets served with what was measured about them, over HTTP: `/api/classify` by
`label_set` (thresholds, wordings, calibration and tuned adapter applied; the version named).
The classify router (web/http/classify.py) calls `answer_by_label_set`; errors are answered by
the app's exception handlers (web/http/errors.py)."""

from typing import Annotated, Any

from fastapi import APIRouter, Header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core.config import Settings
from core.errors import Cancelled, InputError
from core.exploration.thresholds import decide
from core.exploration.tuning import TuningSettings
from core.exploration.tuning_jobs import TuningJob
from core.inference.microbatch import Cancellation
from core.labels import serving
from core.labels.serving import LabelSetUse, UnknownLabelSet, classify_with_set
from core.labels.tuned_sets import tuning_spec
from web import resources
from web.cancellation import CLIENT_CLOSED_REQUEST, until_gone
from web.http.access import access_dependencies
from web.http.bodies import SetName, request_bodies
from web.http.body_limit import LimitedRoute
from web.http.errors import Refusal, refusals, request_lang
from web.http.preconditions import matches
from web.http.schemas import (
    ClassifyResponse,
    LabelSetUsed,
    MeasurementResponse,
    TuningJobResponse,
)
from web.text import message


def used(use: LabelSetUse) -> LabelSetUsed:
    return LabelSetUsed(
        name=use.saved.name,
        version=use.saved.version,
        tuned=use.adapter is not None,
        thresholds=use.thresholds is not None,
    )


def answer_by_label_set(
    body: Any, client: object = None, cancel: Cancellation | None = None
) -> ClassifyResponse | list[ClassifyResponse]:
    """The answer to a classify body naming `label_set`. Raises Refusal (404 unknown set, 400
    explain with options), InputError, ModelBusy, ModelNotReady, StoreUnavailable; Cancelled
    once `cancel` is set. Blocking: run it off the event loop."""
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
            client=client,
            cancel=cancel,
        )
        result = explanation.result
        thresholds = use.thresholds
        decision = decide(result.labels, result.scores, thresholds) if thresholds else None
        return ClassifyResponse.of(result, explanation, decision, used(use))
    answer = classify_with_set(resources.get_service(), use, texts, False, client, cancel)
    answers = [
        ClassifyResponse.of(result, None, decision, used(use))
        for result, decision in zip(answer.results, answer.decisions, strict=True)
    ]
    return answers if isinstance(body.text, list) else answers[0]


def measured_json(name: str, version: int) -> dict | None:
    """A set version's measurement as JSON, or None. Blocking."""
    measured = resources.get_measurements().get(name, version)
    return measured.to_json() if measured is not None else None


def _use(name: str, multi_label: bool | None = None) -> LabelSetUse:
    try:
        return resources.resolve_label_set(name, multi_label=multi_label)
    except UnknownLabelSet:
        raise Refusal(404, "error.unknown_label_set", name=name) from None


def _rows(body: Any) -> tuple[list[str], list[frozenset[str]]]:
    return [row.text for row in body.rows], [frozenset(row.expected) for row in body.rows]


def fit_thresholds(
    name: str,
    body: Any,
    if_match: str | None = None,
    client: object = None,
    cancel: Cancellation | None = None,
) -> dict:
    """Fit a saved set's thresholds on the body's rows (scored as the set is served: its
    adapter too) and keep them with its current version; the measurement as JSON. `body`: a
    `request_bodies(settings).thresholds`. Mismatch (409) for rows that do not fit the set.
    An HTTP request: its new pairs are bounded by MAX_REQUEST_TOKENS (InputError
    `error.too_much_work`), so it ends within a host's request timeout; they wait behind
    people's requests (bulk), and are dropped once `cancel` is set (the client left). With
    `if_match` (the ETag read), Refusal 412 when the set has moved on to another version."""
    use = _use(name, body.multi_label)
    if if_match is not None and not matches(if_match, use.saved):
        raise Refusal(412, "store.changed_elsewhere", name=name)
    texts, expected = _rows(body)
    service = resources.get_service()
    bound = service.settings.limits.max_request_tokens
    measured = serving.measure(service, use, texts, expected, client, cancel, bound)
    return resources.get_measurements().put(name, use.saved.version, measured).to_json()


def start_tuning(name: str, body: Any) -> TuningJob:
    """Start tuning a saved set on the body's rows (a `request_bodies(settings).tuning`); kept
    as the set version's model when it beats zero-shot on held-out rows. Refusal 409 while
    another job trains here; Mismatch (409) for rows that do not fit the set."""
    use = _use(name, body.multi_label)
    texts, expected = _rows(body)
    settings = TuningSettings(
        epochs=body.epochs,
        learning_rate=body.learning_rate,
        max_seconds=body.max_seconds,
        seed=body.seed,
    )
    spec = tuning_spec(use, texts, expected, settings, attach=True)
    try:
        job_id = resources.start_tuning(spec)
    except InputError as error:
        if error.key == "tuning.running":
            raise Refusal(409, "tuning.running") from None
        raise
    job = resources.find_tuning(job_id)
    assert job is not None
    return job


def job_body(job: TuningJob, lang: str) -> TuningJobResponse:
    error = message(job.error[0], lang, **job.error[1]) if job.error is not None else None
    left = job.seconds_left()
    return TuningJobResponse(
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


def find_job(name: str, job_id: str) -> TuningJob:
    job = resources.find_tuning(job_id)
    if job is None or job.spec.set_name != name:
        raise Refusal(404, "error.unknown_tuning_job", job=job_id)
    return job


ADAPTER_MEDIA = "application/zip"


def adapter_download(name: str) -> Response:
    """The set's tuned adapter in PEFT's own format (adapter_config.json and
    adapter_model.safetensors, with zeroshot_tuning.json), zipped."""
    use = _use(name)
    stored = resources.get_measurements().get_adapter(name, use.saved.version)
    if stored is None or use.adapter is None:
        raise Refusal(404, "tuning.adapter_missing", name=name)
    headers = {"Content-Disposition": f'attachment; filename="adapter-v{use.saved.version}.zip"'}
    return Response(stored.data, media_type=ADAPTER_MEDIA, headers=headers)


def tuning_router(settings: Settings) -> APIRouter:
    """Thresholds and tuning of a saved set from rows in the request, the job, the adapter."""
    router = APIRouter(
        route_class=LimitedRoute, tags=["label sets"], dependencies=access_dependencies(settings)
    )
    path = "/api/label-sets/{name}"
    bodies = request_bodies(settings)
    thresholds_body, tuning_body = bodies.thresholds, bodies.tuning

    @router.post(
        path + "/thresholds",
        summary="Fit the set's thresholds on rows (multi-label: each label's best-F1 cut; "
        "single-label: a minimum top score, below it 該当なし / none) for its version",
        response_model=MeasurementResponse,
        responses=refusals(404, 409, 412, 413, 429, 503),
        operation_id="fit_thresholds",
    )
    async def post_thresholds(
        name: SetName,
        body: thresholds_body,  # type: ignore[valid-type]
        request: Request,
        if_match: Annotated[
            str | None, Header(description="The ETag read: fit only while the set is that version")
        ] = None,
    ) -> Any:
        try:
            return await until_gone(request, fit_thresholds, name, body, if_match)
        except Cancelled:  # nobody is there to read an answer: the work was dropped
            return Response(status_code=CLIENT_CLOSED_REQUEST)

    @router.post(
        path + "/tuning",
        status_code=202,
        summary="Start tuning the set on rows (a LoRA adapter, kept only if it beats zero-shot "
        "on held-out rows): a job to poll",
        response_model=TuningJobResponse,
        responses=refusals(404, 409, 413, 503),
        operation_id="start_tuning",
    )
    async def post_tuning(
        name: SetName,
        body: tuning_body,  # type: ignore[valid-type]
        request: Request,
    ) -> Any:
        job = await run_in_threadpool(start_tuning, name, body)
        return job_body(job, request_lang(request))

    @router.get(
        path + "/tuning/{job}",
        summary="A tuning job's progress, then zero-shot and tuned on held-out rows",
        response_model=TuningJobResponse,
        responses=refusals(404, 503),
        operation_id="get_tuning",
    )
    async def get_tuning(name: SetName, job: str, request: Request) -> Any:
        found = await run_in_threadpool(find_job, name, job)
        return job_body(found, request_lang(request))

    @router.delete(
        path + "/tuning/{job}",
        status_code=202,
        summary="Stop a tuning job after its current step",
        response_model=TuningJobResponse,
        responses=refusals(404, 503),
        operation_id="stop_tuning",
    )
    async def delete_tuning(name: SetName, job: str, request: Request) -> Any:
        found = await run_in_threadpool(find_job, name, job)
        await run_in_threadpool(resources.stop_tuning, found.id)
        return job_body(found, request_lang(request))

    @router.get(
        path + "/adapter",
        summary="The set's tuned adapter, PEFT's own format zipped (transformers + peft)",
        response_class=Response,
        responses={200: {"content": {ADAPTER_MEDIA: {}}}, **refusals(404, 503)},
        operation_id="get_adapter",
    )
    async def get_adapter(name: SetName) -> Response:
        return await run_in_threadpool(adapter_download, name)

    return router

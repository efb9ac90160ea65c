"""HTTP routes served beside Streamlit: health, readiness, the JSON API, the plain page, MCP.

Every route is one `Endpoint` in `endpoints()`: the same table builds the Starlette routes and
the OpenAPI document (web/http/openapi.py), so the description cannot drift from what is served.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.config import Settings
from core.errors import InputError, ModelBusy, ModelNotReady
from core.exploration import batch_jobs
from core.inference.service import ModelState
from web import resources
from web.http import label_sets_api as label_sets
from web.http import lite_page as lite
from web.http import login_cookie
from web.http import tuned_sets_api as tuned_sets
from web.http.access import access_control_on, protected
from web.http.replies import (
    Handler,
    answering_500,
    busy,
    error_reply,
    not_ready,
    parsed_body,
    request_lang,
)
from web.http.schemas import (
    ClassifyBody,
    ClassifyManyResponse,
    ClassifyResponse,
    DefaultsResponse,
    ErrorResponse,
    HealthResponse,
    HFBody,
    HFResponse,
    LabelSetBody,
    LabelSetList,
    LabelSetResponse,
    LoginGrantBody,
    ModelStatusBody,
    ReadyResponse,
    dump,
    hf_answer,
)
from web.http.tcp import disable_nagle_on_listeners
from web.text import message

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
CLASSIFY_PATH = "/api/classify"
HF_PATH = "/api/hf"
OPENAPI_PATH = "/api/openapi.json"
API_PREFIX = "/api/"
# Hugging Face clients ask to wait for a loading model with this header.
WAIT_FOR_MODEL_HEADER = "x-wait-for-model"

# Every route takes every method, so a wrong one gets our JSON 405 rather than Starlette's text.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

Response_ = type[BaseModel] | tuple[type[BaseModel], ...] | str
Guard = Literal["open", "api", "page"]


@dataclass(frozen=True)
class Endpoint:
    """One route: what it does, who may call it, and its JSON shapes (for the OpenAPI document)."""

    path: str
    method: str
    handler: Handler
    summary: str
    guard: Guard
    body: type[BaseModel] | None = None
    # status → response model (or models, one of which), or a media type for what is not JSON.
    responses: dict[int, Response_] = field(default_factory=dict)
    tag: str = "api"


def _model_status(settings: Settings) -> ModelStatusBody:
    status = resources.get_service().status()
    return ModelStatusBody.of(status, detailed=not access_control_on(settings))


async def healthz(request: Request, settings: Settings) -> JSONResponse:
    """200 while the process can serve, model loading or not; no model work here.

    503 only once the model has failed to load MODEL_UNHEALTHY_AFTER_FAILURES times in a row:
    then the orchestrator replaces the task instead of keeping one that will never answer.
    """
    healthy = resources.get_service().status().healthy
    body = HealthResponse(status="ok" if healthy else "unhealthy", model=_model_status(settings))
    return JSONResponse(dump(body), status_code=200 if healthy else 503)


async def readyz(request: Request, settings: Settings) -> JSONResponse:
    model = _model_status(settings)
    ready = model.state == ModelState.READY
    return JSONResponse(
        dump(ReadyResponse(ready=ready, model=model)), status_code=200 if ready else 503
    )


@answering_500
async def api_classify(request: Request, settings: Settings) -> Response:
    lang = request_lang(request)
    body = await parsed_body(request, ClassifyBody, lang)
    if isinstance(body, Response):
        return body
    if body.label_set is not None:
        # A saved set: its version's thresholds, wordings, calibration and adapter apply.
        return await tuned_sets.classify_by_label_set(request, body, lang)
    labels, template, wordings = body.labels, body.hypothesis_template, body.wordings or {}
    labels = labels or []
    request.state.label_count = len(labels)
    service = resources.get_service()
    args = (labels, template, bool(body.multi_label))
    try:
        if wordings or body.calibration != "none":
            if body.explain:
                text = message("error.explain_with_options", lang)
                return error_reply(400, "error.explain_with_options", text)
            texts = body.text if isinstance(body.text, list) else [body.text]
            if isinstance(body.text, list) and len(texts) > settings.limits.max_texts:
                raise InputError(
                    "error.too_many_texts", count=len(texts), limit=settings.limits.max_texts
                )
            results = await run_in_threadpool(
                resources.classify_with_options,
                texts,
                labels,
                template,
                bool(body.multi_label),
                wordings,
                body.calibration,
            )
            answers = [dump(ClassifyResponse.of(result)) for result in results]
            return JSONResponse(answers if isinstance(body.text, list) else answers[0])
        if isinstance(body.text, list):
            if body.explain:
                text = message("error.explain_one_text", lang)
                return error_reply(400, "error.explain_one_text", text)
            results = await run_in_threadpool(service.classify_many, body.text, *args)
            return JSONResponse([dump(ClassifyResponse.of(result)) for result in results])
        if body.explain:
            explanation = await run_in_threadpool(
                service.explain, body.text, *args, body.explain_label
            )
            return JSONResponse(dump(ClassifyResponse.of(explanation.result, explanation)))
        result = await run_in_threadpool(service.classify, body.text, *args)
    except InputError as exc:
        return error_reply(400, exc.key, exc.message(lang))
    except ModelNotReady:
        return not_ready(lang)
    except ModelBusy:
        return busy(lang)
    return JSONResponse(dump(ClassifyResponse.of(result)))


@answering_500
async def api_hf(request: Request, settings: Settings) -> Response:
    """The Hugging Face inference protocol for zero-shot classification."""
    lang = request_lang(request)
    body = await parsed_body(request, HFBody, lang, invalid_status=422)
    if isinstance(body, Response):
        return body
    labels = body.parameters.labels()
    request.state.label_count = len(labels)
    # Hugging Face's own API answers 503 at once while a model loads, unless asked to wait.
    waits = request.headers.get(WAIT_FOR_MODEL_HEADER, "").strip().lower() == "true"
    wait = settings.model.ready_wait_seconds if waits else 0.0
    try:
        result = await run_in_threadpool(
            resources.get_service().classify,
            body.inputs,
            labels,
            body.parameters.hypothesis_template,
            bool(body.parameters.multi_label),
            wait,
        )
    except InputError as exc:
        return error_reply(400, exc.key, exc.message(lang))
    except ModelNotReady:
        return not_ready(lang)
    except ModelBusy:
        return busy(lang)
    headers = {
        "X-Truncated": "true" if result.truncated else "false",
        # JSON with \\u escapes: header values must be ASCII.
        "X-Dropped-Labels": json.dumps(list(result.dropped_labels)),
    }
    return JSONResponse(hf_answer(result), headers=headers)


async def api_not_found(request: Request, settings: Settings) -> JSONResponse:
    """Unknown /api/* paths: JSON 404, never the Streamlit page."""
    lang = request_lang(request)
    return error_reply(
        404, "error.not_found", message("error.not_found", lang, path=request.url.path)
    )


async def openapi_document(request: Request, settings: Settings) -> JSONResponse:
    from web.http.openapi import openapi

    return JSONResponse(openapi(endpoints(settings)))


_ERRORS: dict[int, Response_] = {400: ErrorResponse, 401: ErrorResponse}


def endpoints(settings: Settings) -> list[Endpoint]:
    """Every route the app adds beside Streamlit's own."""
    html = "text/html"
    table = [
        Endpoint(
            HEALTH_PATH,
            "GET",
            healthz,
            "Liveness: 200 while the process can serve (the model may still load)",
            "open",
            responses={200: HealthResponse, 503: HealthResponse},
            tag="status",
        ),
        Endpoint(
            READY_PATH,
            "GET",
            readyz,
            "Readiness: 200 once the model is loaded",
            "open",
            responses={200: ReadyResponse, 503: ReadyResponse},
            tag="status",
        ),
        Endpoint(
            CLASSIFY_PATH,
            "POST",
            api_classify,
            "Rank candidate labels for a text, or for a list of texts (an array back, in order)",
            "api",
            body=ClassifyBody,
            responses={
                200: (ClassifyResponse, ClassifyManyResponse),
                **_ERRORS,
                404: ErrorResponse,
                413: ErrorResponse,
                503: ErrorResponse,
            },
        ),
        Endpoint(
            HF_PATH,
            "POST",
            api_hf,
            "Hugging Face inference protocol (InferenceClient.zero_shot_classification)",
            "api",
            body=HFBody,
            responses={200: HFResponse, **_ERRORS, 413: ErrorResponse, 422: ErrorResponse},
        ),
        Endpoint(
            label_sets.LABEL_SETS_PATH,
            "GET",
            label_sets.list_label_sets,
            "The saved label sets",
            "api",
            responses={200: LabelSetList, 401: ErrorResponse, 503: ErrorResponse},
            tag="label sets",
        ),
        Endpoint(
            label_sets.LABEL_SET_PATH,
            "GET",
            label_sets.get_label_set,
            "One saved label set; its version is its ETag",
            "api",
            responses={
                200: LabelSetResponse,
                304: "text/plain",
                401: ErrorResponse,
                404: ErrorResponse,
            },
            tag="label sets",
        ),
        Endpoint(
            label_sets.LABEL_SET_PATH,
            "PUT",
            label_sets.put_label_set,
            "Create (If-None-Match: *) or update (If-Match: the ETag read) a label set",
            "api",
            body=LabelSetBody,
            responses={
                200: LabelSetResponse,
                201: LabelSetResponse,
                **_ERRORS,
                404: ErrorResponse,
                412: ErrorResponse,
                428: ErrorResponse,
            },
            tag="label sets",
        ),
        Endpoint(
            label_sets.LABEL_SET_PATH,
            "DELETE",
            label_sets.delete_label_set,
            "Delete a label set as read (If-Match: its ETag)",
            "api",
            responses={
                204: "text/plain",
                401: ErrorResponse,
                404: ErrorResponse,
                412: ErrorResponse,
                428: ErrorResponse,
            },
            tag="label sets",
        ),
        Endpoint(
            lite.DEFAULTS_PATH,
            "GET",
            lite.defaults,
            "The default labels, examples and template (what the plain page starts with)",
            "api",
            responses={200: DefaultsResponse, 401: ErrorResponse},
        ),
        Endpoint(
            OPENAPI_PATH,
            "GET",
            openapi_document,
            "This description of the API (OpenAPI 3.1)",
            "open",
            responses={200: "application/json"},
            tag="status",
        ),
        Endpoint(
            lite.LITE_PATH,
            "GET",
            lite.lite_page,
            "The plain-HTTP page (no WebSocket)",
            "page",
            responses={200: html},
            tag="plain page",
        ),
        Endpoint(
            lite.LITE_PATH + "/{name}",
            "GET",
            lite.lite_asset,
            "The plain page's script and style",
            "page",
            responses={200: "text/javascript", 404: "text/plain"},
            tag="plain page",
        ),
        Endpoint(
            lite.LITE_CLASSIFY_PATH,
            "POST",
            api_classify,
            "The plain page's classify call (the page's access rule, the API's shapes)",
            "page",
            body=ClassifyBody,
            responses={200: ClassifyResponse, **_ERRORS, 503: ErrorResponse},
            tag="plain page",
        ),
        Endpoint(
            lite.LITE_DEFAULTS_PATH,
            "GET",
            lite.defaults,
            "The plain page's defaults call",
            "page",
            responses={200: DefaultsResponse},
            tag="plain page",
        ),
        Endpoint(
            login_cookie.SESSION_PATH,
            "POST",
            login_cookie.keep_login,
            "Keep a password login across reloads: trade the login page's grant for a cookie",
            "open",
            body=LoginGrantBody,
            responses={204: "text/plain", **_ERRORS, 403: ErrorResponse},
            tag="login",
        ),
        Endpoint(
            login_cookie.LOGOUT_PATH,
            "POST",
            login_cookie.forget_login,
            "Forget a kept login (log out)",
            "open",
            responses={204: "text/plain"},
            tag="login",
        ),
    ]
    if settings.http_only:
        table.insert(
            0,
            Endpoint(
                "/",
                "GET",
                lite.lite_page,
                "The plain page at the root (HTTP_ONLY=1)",
                "page",
                responses={200: html},
                tag="plain page",
            ),
        )
    return table


def _bound(handler: Handler, settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint that hands `settings` to `handler`."""

    async def endpoint(request: Request) -> Response:
        return await handler(request, settings)

    endpoint.__name__ = handler.__name__
    return endpoint


def _endpoint(spec: Endpoint, settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    if spec.guard == "open":
        return _bound(spec.handler, settings)
    return protected(spec.handler, settings, page=spec.guard == "page")


def _by_method(
    path: str, handlers: dict[str, Callable[[Request], Awaitable[Response]]]
) -> Callable[[Request], Awaitable[Response]]:
    """One endpoint for a path: its handler for each method, JSON 405 (with Allow) otherwise."""
    allowed = ", ".join(sorted(handlers))

    async def dispatch(request: Request) -> Response:
        handler = handlers.get(request.method) or (
            handlers.get("GET") if request.method == "HEAD" else None
        )
        if handler is None:
            text = message(
                "error.method", request_lang(request), method=request.method, allowed=allowed
            )
            return error_reply(405, "error.method", text, Allow=allowed)
        return await handler(request)

    return dispatch


def build_routes(settings: Settings) -> list[Route]:
    """The app's own routes; unknown /api/* paths get a JSON 404 instead of the Streamlit page."""
    by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
    for spec in endpoints(settings):
        path = spec.path.replace("{name}", "{name:str}")
        by_path.setdefault(path, {})[spec.method] = _endpoint(spec, settings)
    routes = [
        Route(path, _by_method(path, handlers), methods=ALL_METHODS)
        for path, handlers in by_path.items()
    ]
    from web.http.mcp_server import mcp_route

    routes.append(mcp_route(settings))
    routes.append(
        Route(API_PREFIX + "{rest:path}", _bound(api_not_found, settings), methods=ALL_METHODS)
    )
    return routes


# Within a container's stop timeout (ECS and App Runner give 30 s) with room for the rest.
JOB_SHUTDOWN_WAIT_SECONDS = 10


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """Start loading the model once the server is up, so health checks pass at once."""
    from web.http.mcp_server import running_mcp

    disable_nagle_on_listeners()
    resources.get_service().start_loading()
    async with running_mcp():
        yield
    # Batch jobs end their chunk and are left "interrupted": a restarted task goes on with them.
    await run_in_threadpool(batch_jobs.shutdown, JOB_SHUTDOWN_WAIT_SECONDS)
    resources.get_service().shutdown()

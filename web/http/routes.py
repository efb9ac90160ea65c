"""HTTP routes served beside Streamlit: health, readiness, the JSON API and the plain page."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.config import Settings
from core.errors import InputError, ModelNotReady
from core.inference.service import ModelState
from web import resources
from web.http import lite_page as lite
from web.http.access import access_control_on, protected
from web.http.schemas import (
    ClassifyBody,
    ClassifyResponse,
    HealthResponse,
    ModelStatusBody,
    ReadyResponse,
    dump,
    first_problem,
)
from web.http.tcp import disable_nagle_on_listeners
from web.text import header_lang, message

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
CLASSIFY_PATH = "/api/classify"
# A request is a sentence and a few labels; 64 KiB is far beyond any honest one.
MAX_BODY_BYTES = 64 * 1024
# Loading a BERT-base model from local disk takes seconds; ask clients to come back after that.
RETRY_AFTER_SECONDS = 5

Handler = Callable[[Request, Settings], Awaitable[Response]]

log = logging.getLogger(__name__)


class BodyTooLarge(ValueError):
    """The request body is over MAX_BODY_BYTES; answered with 413, not read any further."""


def _error(status: int, code: str, text: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": text, "code": code}, status_code=status, headers=headers)


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


def _bad(detail: str, lang: str) -> JSONResponse:
    return _error(400, "error.bad_request", message("error.bad_request", lang, detail=detail))


async def _read_json(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge
    return json.loads(body)


async def api_classify(request: Request, settings: Settings) -> JSONResponse:
    lang = header_lang(request.headers.get("accept-language"))
    try:
        return await _classify(request, lang)
    except Exception:
        # One request's bug answers that request with 500; the server and other requests go on.
        request_id = getattr(request.state, "request_id", "-")
        log.exception("classify failed (request id %s)", request_id)
        return _error(500, "error.internal", message("error.internal", lang, request_id=request_id))


async def _classify(request: Request, lang: str) -> JSONResponse:
    try:
        payload = await _read_json(request)
    except BodyTooLarge:
        return _error(
            413, "error.body_too_large", message("error.body_too_large", lang, limit=MAX_BODY_BYTES)
        )
    except (ValueError, UnicodeDecodeError) as exc:
        return _bad(f"JSON: {exc}", lang)
    if not isinstance(payload, dict):
        return _bad("the body must be a JSON object", lang)
    try:
        body = ClassifyBody.model_validate(payload)
    except ValidationError as exc:
        return _bad(first_problem(exc), lang)
    request.state.label_count = len(body.labels)
    try:
        result = await run_in_threadpool(
            resources.classify, body.text, body.labels, body.hypothesis_template, body.multi_label
        )
    except InputError as exc:
        return _error(400, exc.key, exc.message(lang))
    except ModelNotReady:
        return _error(
            503,
            "model.not_ready",
            message("model.not_ready", lang),
            **{"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return JSONResponse(dump(ClassifyResponse.of(result)))


def _bound(handler: Handler, settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint that hands `settings` to `handler`."""

    async def endpoint(request: Request) -> Response:
        return await handler(request, settings)

    endpoint.__name__ = handler.__name__
    return endpoint


def build_routes(settings: Settings) -> list[Route]:
    """The app's own routes; with HTTP_ONLY the plain-HTTP page also takes the root."""
    lite_page = protected(lite.lite_page, settings, page=True)
    routes = [
        Route(HEALTH_PATH, _bound(healthz, settings), methods=["GET"]),
        Route(READY_PATH, _bound(readyz, settings), methods=["GET"]),
        Route(CLASSIFY_PATH, protected(api_classify, settings), methods=["POST"]),
        Route(lite.DEFAULTS_PATH, protected(lite.defaults, settings), methods=["GET"]),
        Route(lite.LITE_PATH, lite_page, methods=["GET"]),
        Route(
            lite.LITE_PATH + "/{name:str}",
            protected(lite.lite_asset, settings, page=True),
            methods=["GET"],
        ),
        # The plain page's own calls: the page's access rule, not the API's token, applies, so
        # API_TOKEN alone locks the API without breaking the page.
        Route(
            lite.LITE_CLASSIFY_PATH, protected(api_classify, settings, page=True), methods=["POST"]
        ),
        Route(
            lite.LITE_DEFAULTS_PATH, protected(lite.defaults, settings, page=True), methods=["GET"]
        ),
    ]
    if settings.http_only:
        routes.insert(0, Route("/", lite_page, methods=["GET"]))
    return routes


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """Start loading the model once the server is up, so health checks pass at once."""
    disable_nagle_on_listeners()
    resources.get_service().start_loading()
    yield
    resources.get_service().shutdown()

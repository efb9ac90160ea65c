"""HTTP routes served beside Streamlit: health, readiness and the JSON API."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.config import Settings
from core.errors import InputError, ModelNotReady
from core.messages import message
from core.service import ModelState
from web import lite, resources
from web.access import access_control_on, protected
from web.i18n import header_lang
from web.tcp import disable_nagle_on_listeners

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
CLASSIFY_PATH = "/api/classify"
# A request is a sentence and a few labels; 64 KiB is far beyond any honest one.
MAX_BODY_BYTES = 64 * 1024
# Loading a BERT-base model from local disk takes seconds; ask clients to come back after that.
RETRY_AFTER_SECONDS = 5

log = logging.getLogger(__name__)


class BodyTooLarge(ValueError):
    """The request body is over MAX_BODY_BYTES; answered with 413, not read any further."""


def _error(status: int, code: str, text: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": text, "code": code}, status_code=status, headers=headers)


def _model_status() -> dict:
    """The model's state; behind access control, nothing more (no model id, no error text)."""
    service = resources.get_service()
    status = service.status()
    if access_control_on(service.settings):
        return {"state": status.state.value}
    return status.to_json()


async def healthz(request: Request) -> JSONResponse:
    """200 whenever the process answers, whatever the model does; no model work here."""
    return JSONResponse({"status": "ok", "model": _model_status()})


async def readyz(request: Request) -> JSONResponse:
    state = resources.get_service().status().state
    code = 200 if state == ModelState.READY else 503
    return JSONResponse({"ready": code == 200, "model": _model_status()}, status_code=code)


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


async def api_classify(request: Request) -> JSONResponse:
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
    labels = payload.get("labels")
    template = payload.get("hypothesis_template")
    multi_label = payload.get("multi_label", False)
    if not isinstance(labels, list):
        return _bad("labels must be a list of strings", lang)
    request.state.label_count = len(labels)
    if template is not None and not isinstance(template, str):
        return _bad("hypothesis_template must be a string", lang)
    if not isinstance(multi_label, bool):
        return _bad("multi_label must be true or false", lang)
    try:
        result = await run_in_threadpool(
            resources.classify, payload.get("text"), labels, template, multi_label
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
    return JSONResponse(result.to_api())


def build_routes(settings: Settings) -> list[Route]:
    """The app's own routes; with HTTP_ONLY the plain-HTTP page also takes the root."""
    routes = [
        Route(HEALTH_PATH, healthz, methods=["GET"]),
        Route(READY_PATH, readyz, methods=["GET"]),
        Route(CLASSIFY_PATH, protected(api_classify), methods=["POST"]),
        Route(lite.DEFAULTS_PATH, protected(lite.defaults), methods=["GET"]),
        Route(lite.LITE_PATH, protected(lite.lite_page, page=True), methods=["GET"]),
        Route(
            lite.LITE_PATH + "/{name:str}", protected(lite.lite_asset, page=True), methods=["GET"]
        ),
    ]
    if settings.http_only:
        routes.insert(0, Route("/", protected(lite.lite_page, page=True), methods=["GET"]))
    return routes


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """Start loading the model once the server is up, so health checks pass at once."""
    disable_nagle_on_listeners()
    resources.get_service().start_loading()
    yield

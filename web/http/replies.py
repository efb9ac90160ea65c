"""Replies every JSON route shares: errors with a code and a message a person can act on, the
body read within its limit, and a handler's bug answered with 500 while the server goes on."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.config import Settings
from web.http.schemas import first_problem
from web.text import header_lang, message

Body = TypeVar("Body", bound=BaseModel)

# A request is a few sentences and labels; 64 KiB is far beyond any honest one.
MAX_BODY_BYTES = 64 * 1024
# Loading a BERT-base model from local disk takes seconds; ask clients to come back after that.
RETRY_AFTER_SECONDS = 5
# A full queue drains within seconds: come back soon, but not at once.
BUSY_RETRY_AFTER_SECONDS = 2

Handler = Callable[[Request, Settings], Awaitable[Response]]

log = logging.getLogger("web.http.routes")


class BodyTooLarge(ValueError):
    """The request body is over MAX_BODY_BYTES; answered with 413, not read any further."""


def error_reply(status: int, code: str, text: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": text, "code": code}, status_code=status, headers=headers)


def request_lang(request: Request) -> str:
    return header_lang(request.headers.get("accept-language"))


def bad_request(detail: str, lang: str, status: int = 400) -> JSONResponse:
    return error_reply(
        status, "error.bad_request", message("error.bad_request", lang, detail=detail)
    )


def not_ready(lang: str) -> JSONResponse:
    return error_reply(
        503,
        "model.not_ready",
        message("model.not_ready", lang),
        **{"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def busy(lang: str) -> JSONResponse:
    return error_reply(
        503,
        "model.busy",
        message("model.busy", lang),
        **{"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
    )


async def read_json(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge
    return json.loads(body)


async def json_body(request: Request, lang: str) -> Any:
    """The parsed body, or the JSONResponse that refuses it (413 too large, 400 not JSON)."""
    try:
        return await read_json(request)
    except BodyTooLarge:
        return error_reply(
            413, "error.body_too_large", message("error.body_too_large", lang, limit=MAX_BODY_BYTES)
        )
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return bad_request(f"JSON: {str(exc)[:200]}", lang)


async def parsed_body(
    request: Request, model: type[Body], lang: str, invalid_status: int = 400
) -> Body | Response:
    """The body as `model`, or the JSONResponse that refuses it: 413 too large, 400 not JSON,
    `invalid_status` not an object or not of the model's shape (the first problem named)."""
    payload = await json_body(request, lang)
    if isinstance(payload, Response):
        return payload
    if not isinstance(payload, dict):
        return bad_request("the body must be a JSON object", lang, status=invalid_status)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        return bad_request(first_problem(exc), lang, status=invalid_status)


def answering_500(handler: Handler) -> Handler:
    """One request's bug answers that request with 500; the server and other requests go on."""

    async def guarded(request: Request, settings: Settings) -> Response:
        try:
            return await handler(request, settings)
        except Exception:
            request_id = getattr(request.state, "request_id", "-")
            log.exception("%s failed (request id %s)", request.url.path, request_id)
            text = message("error.internal", request_lang(request), request_id=request_id)
            return error_reply(500, "error.internal", text)

    guarded.__name__ = handler.__name__
    return guarded

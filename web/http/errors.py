"""Every refusal the HTTP surface answers, mapped once: `{"error", "code"}` in the request's
language (Accept-Language), with the status each kind of error means.

Core raises what went wrong (bad input, store away, model not ready or busy); routers raise
`Refusal` for what only HTTP knows (an unknown set, a precondition); FastAPI's own refusals
(no such route, wrong method, a body that is not the documented shape) come here too.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Match

from core.errors import (
    Conflict,
    InputError,
    Mismatch,
    ModelBusy,
    ModelNotReady,
    StoreUnavailable,
)
from web.http.body_limit import MAX_BODY_BYTES
from web.http.schemas import ErrorResponse
from web.text import header_lang, message

# Loading a BERT-base model from local disk takes seconds; ask clients to come back after that.
RETRY_AFTER_SECONDS = 5
# A full queue drains within seconds: come back soon, but not at once.
BUSY_RETRY_AFTER_SECONDS = 2
# A database that dropped away is usually back within seconds (a failover, a restart).
STORE_RETRY_AFTER_SECONDS = 5

log = logging.getLogger("web.http")


class Refusal(Exception):
    """A refusal only HTTP knows (unknown set, precondition, bad grant): status, message key and
    its parameters, and any headers."""

    def __init__(
        self, status: int, key: str, headers: dict[str, str] | None = None, **params: Any
    ) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.headers = headers or {}
        self.params = params


class BadBody(ValueError):
    """A body that is not the documented shape and that core has no message of its own for:
    answered `status` (400; the Hugging Face protocol's 422) with the first problem named."""

    def __init__(self, problems: list[Any], status: int = 400) -> None:
        super().__init__(first_problem(problems))
        # Kept whole: the answer names the first one in the request's language.
        self.problems = problems
        self.status = status


_MEANINGS = {
    401: "Credentials needed (access control is on)",
    404: "Not found: no such label set (or file)",
    409: "Conflicts with the current state: the rows do not fit the set's labels (a label "
    "it does not have, too few rows for one of its), or another tuning job is training here",
    412: "The set changed since it was read (or the name exists)",
    413: "The body is over the size limit",
    422: "Not the protocol's shape",
    428: "A precondition header is needed",
    429: "Too many requests from this client at once (or wrong passwords): wait Retry-After",
    503: "The model is not ready or busy, or the store is away: come back after Retry-After",
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}


def refusals(*statuses: int, page: bool = False) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of a route's refusals: every 4xx is `{"error", "code"}`, and the
    statuses named are described by what they mean here. `page`: a route whose success is not
    JSON (its refusals still are)."""
    shape: dict[str, Any] = {"content": _JSON_ERROR} if page else {"model": ErrorResponse}
    described: dict[int | str, dict[str, Any]] = {
        "4XX": {**shape, "description": "Refused: the message says why"}
    }
    for status in statuses:
        described[status] = {**shape, "description": _MEANINGS[status]}
        if status in (429, 503):
            described[status]["headers"] = _RETRY_AFTER
    return described


def request_lang(request: Request) -> str:
    return header_lang(request.headers.get("accept-language"))


def error_response(
    request: Request, status: int, key: str, headers: dict[str, str] | None = None, **params: Any
) -> JSONResponse:
    text = message(key, request_lang(request), **params)
    return JSONResponse({"error": text, "code": key}, status_code=status, headers=headers)


# Pydantic's error types, said in Japanese (its own messages are English): the kinds a request
# body meets. Anything else keeps pydantic's message.
_JA_PROBLEMS = {
    "missing": "必須です",
    "extra_forbidden": "この項目は使えません",
    "string_type": "文字列にしてください",
    "string_pattern_mismatch": "使えない文字を含むか、空です",
    "string_too_short": "{min_length} 文字以上にしてください",
    "string_too_long": "{max_length} 文字以内にしてください",
    "too_short": "{min_length} 個以上にしてください",
    "too_long": "{max_length} 個以内にしてください",
    "int_type": "整数にしてください",
    "int_parsing": "整数にしてください",
    "int_from_float": "整数にしてください",
    "float_type": "数にしてください",
    "float_parsing": "数にしてください",
    "bool_type": "true か false にしてください",
    "bool_parsing": "true か false にしてください",
    "list_type": "配列にしてください",
    "dict_type": "オブジェクトにしてください",
    "model_type": "オブジェクトにしてください",
    "model_attributes_type": "オブジェクトにしてください",
    "greater_than": "{gt} より大きくしてください",
    "greater_than_equal": "{ge} 以上にしてください",
    "less_than": "{lt} より小さくしてください",
    "less_than_equal": "{le} 以下にしてください",
    "literal_error": "次のどれかにしてください: {expected}",
    "union_tag_invalid": "形が違います",
}


def first_problem(errors: list[Any], lang: str = "en") -> str:
    """One line a person can act on: which field, and what is wrong with it (in `lang`)."""
    if not errors:
        return "body"
    problem = errors[0]
    where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body") or "body"
    what = problem.get("msg", "")
    said = _JA_PROBLEMS.get(problem.get("type", "")) if lang == "ja" else None
    if said is not None:
        try:
            what = said.format(**(problem.get("ctx") or {}))
        except (KeyError, IndexError, ValueError):
            what = said.split("{")[0].strip() or what
    return f"{where}: {what}"[:300]


def _input_error(request: Request, error: InputError) -> JSONResponse:
    status = 412 if isinstance(error, Conflict) else 409 if isinstance(error, Mismatch) else 400
    text = error.message(request_lang(request))
    return JSONResponse({"error": text, "code": error.key}, status_code=status)


def _unavailable(request: Request, error: StoreUnavailable) -> JSONResponse:
    text = error.message(request_lang(request))
    headers = {"Retry-After": str(STORE_RETRY_AFTER_SECONDS)}
    return JSONResponse({"error": text, "code": error.key}, status_code=503, headers=headers)


def _not_ready(request: Request, error: ModelNotReady) -> JSONResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return error_response(request, 503, "model.not_ready", headers)


def _busy(request: Request, error: ModelBusy) -> JSONResponse:
    headers = {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)}
    return error_response(request, 503, "model.busy", headers)


def refusal_response(request: Request, refusal: Refusal) -> JSONResponse:
    """A Refusal's answer, `{"error", "code"}` in the request's language, with its headers:
    the exception handler's, and for ASGI code outside the routes (middleware, MCP)."""
    return error_response(request, refusal.status, refusal.key, refusal.headers, **refusal.params)


def _invalid(request: Request, error: RequestValidationError | ValidationError) -> JSONResponse:
    """A body that is not the documented shape: core's own message where it has one."""
    problems = list(error.errors())
    for problem in problems:
        carried = (problem.get("ctx") or {}).get("error")
        if isinstance(carried, InputError):
            return _input_error(request, carried)
        if isinstance(carried, BadBody):
            detail = first_problem(carried.problems, request_lang(request))
            return error_response(request, carried.status, "error.bad_request", detail=detail)
    if any(_missing_precondition(problem) for problem in problems):
        return error_response(request, 428, "error.precondition_required")
    if problems and problems[0].get("type") == "json_invalid":
        detail = f"JSON: {(problems[0].get('ctx') or {}).get('error', '')}"
        return error_response(request, 400, "error.bad_request", detail=detail)
    detail = first_problem(problems, request_lang(request))
    return error_response(request, 400, "error.bad_request", detail=detail)


def _missing_precondition(problem: dict[str, Any]) -> bool:
    return problem.get("type") == "missing" and tuple(problem.get("loc", ())) == (
        "header",
        "if-match",
    )


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _allowed(request: Request) -> list[str]:
    """Every method some route of the app answers at this path (several routes can share one)."""
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


def _http(request: Request, error: HTTPException) -> JSONResponse:
    """Routing's and FastAPI's own refusals, in our shape."""
    if error.status_code == 404:
        # Cut: an answer must not grow with what the client sent.
        path = request.url.path
        shown = path if len(path) <= 100 else path[:100] + "…"
        return error_response(request, 404, "error.not_found", path=shown)
    if error.status_code == 405:
        allowed = ", ".join(_allowed(request))
        return error_response(
            request,
            405,
            "error.method",
            {"Allow": allowed},
            method=request.method,
            allowed=allowed,
        )
    if error.status_code == 413:
        return error_response(request, 413, "error.body_too_large", limit=MAX_BODY_BYTES)
    # FastAPI: a body it could not read at all (not JSON text, or the client went away).
    return error_response(
        request, error.status_code, "error.bad_request", error.headers, detail=str(error.detail)
    )


def _internal(request: Request, error: Exception) -> JSONResponse:
    """A bug answers its own request with 500 and the request id; the server goes on. The
    traceback is logged by the server (off the event loop: web/http/logs.py)."""
    request_id = getattr(request.state, "request_id", "-")
    return error_response(
        request, 500, "error.internal", {"X-Request-ID": request_id}, request_id=request_id
    )


def add_error_handlers(app: FastAPI) -> None:
    """Each kind of error answered in one place, for every route."""
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(StoreUnavailable, _unavailable)
    app.add_exception_handler(ModelNotReady, _not_ready)
    app.add_exception_handler(ModelBusy, _busy)
    app.add_exception_handler(Refusal, refusal_response)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _internal)

"""Saved label sets over HTTP, with HTTP's own optimistic concurrency (RFC 9110 preconditions).

Each set's ETag is its store version. `PUT` with `If-None-Match: *` only creates; `PUT` or
`DELETE` with `If-Match` changes only the version the client read (412 when it moved on). A
`PUT` without a precondition creates a new set, and is refused (428) for one that exists: nothing
anyone saved is overwritten unseen, as on the Labels page.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.config import Settings
from core.errors import InputError
from core.labels.store import SavedSet
from web import resources
from web.http.replies import answering_500, error_reply, parsed_body, request_lang
from web.http.schemas import (
    LabelSetBody,
    LabelSetList,
    LabelSetResponse,
    dump,
)
from web.http.tuned_sets_api import measured_json
from web.text import message

LABEL_SETS_PATH = "/api/label-sets"
LABEL_SET_PATH = LABEL_SETS_PATH + "/{name}"


def etag(saved: SavedSet) -> str:
    return f'"{saved.version}"'


def _matches(header: str, saved: SavedSet | None) -> bool:
    """If-Match: strong comparison (a weak tag never matches); `*` matches any current set."""
    if saved is None:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or etag(saved) in tags


def _reply(saved: SavedSet, status: int = 200, measured: dict | None = None) -> JSONResponse:
    return JSONResponse(
        dump(LabelSetResponse.of(saved, measured)),
        status_code=status,
        headers={"ETag": etag(saved)},
    )


def _store_error(error: InputError, lang: str) -> JSONResponse:
    status = {"store.unreachable": 503, "store.changed_elsewhere": 412, "store.name_taken": 412}
    return error_reply(status.get(error.key, 400), error.key, error.message(lang))


def _not_found(name: str, lang: str) -> JSONResponse:
    return error_reply(
        404, "error.unknown_label_set", message("error.unknown_label_set", lang, name=name)
    )


def _precondition_failed(name: str, lang: str) -> JSONResponse:
    return error_reply(
        412, "store.changed_elsewhere", message("store.changed_elsewhere", lang, name=name)
    )


@answering_500
async def list_label_sets(request: Request, settings: Settings) -> Response:
    lang = request_lang(request)
    try:
        saved = await run_in_threadpool(lambda: resources.get_store().list())
    except InputError as error:
        return _store_error(error, lang)
    return JSONResponse(dump(LabelSetList(label_sets=[LabelSetResponse.of(s) for s in saved])))


async def _current(name: str) -> SavedSet | None:
    return await run_in_threadpool(lambda: resources.get_store().get(name))


@answering_500
async def get_label_set(request: Request, settings: Settings) -> Response:
    lang = request_lang(request)
    name = request.path_params["name"]
    try:
        saved = await _current(name)
    except InputError as error:
        return _store_error(error, lang)
    if saved is None:
        return _not_found(name, lang)
    if request.headers.get("if-none-match", "").strip() == etag(saved):
        return Response(status_code=304, headers={"ETag": etag(saved)})
    try:
        # What was measured about this version: thresholds, metrics, its tuned model.
        measured = await run_in_threadpool(measured_json, saved.name, saved.version)
    except InputError as error:
        return _store_error(error, lang)
    return _reply(saved, measured=measured)


@answering_500
async def put_label_set(request: Request, settings: Settings) -> Response:
    lang = request_lang(request)
    name = request.path_params["name"]
    body = await parsed_body(request, LabelSetBody, lang)
    if isinstance(body, Response):
        return body
    if_match = request.headers.get("if-match")
    create_only = request.headers.get("if-none-match", "").strip() == "*"
    store = resources.get_store()
    template = body.hypothesis_template or settings.model.hypothesis_template
    try:
        current = await _current(name)
        if create_only and current is not None:
            return _precondition_failed(name, lang)
        if if_match is not None and not _matches(if_match, current):
            return _precondition_failed(name, lang) if current else _not_found(name, lang)
        if if_match is None and current is not None:
            return error_reply(
                428, "error.precondition_required", message("error.precondition_required", lang)
            )
        version = current.version if current is not None else 0
        wanted = SavedSet(name, tuple(body.labels), template, body.notes, version)
        saved = await run_in_threadpool(store.save, wanted)
    except InputError as error:
        return _store_error(error, lang)
    return _reply(saved, status=201 if current is None else 200)


@answering_500
async def delete_label_set(request: Request, settings: Settings) -> Response:
    lang = request_lang(request)
    name = request.path_params["name"]
    if_match = request.headers.get("if-match")
    if if_match is None:
        return error_reply(
            428, "error.precondition_required", message("error.precondition_required", lang)
        )
    try:
        current = await _current(name)
        if current is None:
            return _not_found(name, lang)
        if not _matches(if_match, current):
            return _precondition_failed(name, lang)
        store = resources.get_store()
        await run_in_threadpool(store.delete, name, current.version)
    except InputError as error:
        return _store_error(error, lang)
    return Response(status_code=204)

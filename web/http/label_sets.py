"""Saved label sets over HTTP, with HTTP's own optimistic concurrency (RFC 9110 preconditions).

Each set's ETag is its store version. `PUT` with `If-None-Match: *` only creates; `PUT` or
`DELETE` with `If-Match` changes only the version the client read (412 when it moved on). A
`PUT` without a precondition creates a new set, and is refused (428) for one that exists:
nothing anyone saved is overwritten unseen, as on the Labels page. `DELETE` always needs
`If-Match` (428 without).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Header
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from core.config import Settings
from core.labels.store import SavedSet
from web import resources
from web.http.access import access_dependencies
from web.http.bodies import SetName, request_bodies
from web.http.body_limit import LimitedRoute
from web.http.errors import Refusal, refusals
from web.http.preconditions import etag, matches
from web.http.schemas import LabelSetList, LabelSetResponse, dump
from web.http.tuned_sets_api import measured_json

LABEL_SETS_PATH = "/api/label-sets"
LABEL_SET_PATH = LABEL_SETS_PATH + "/{name}"

ETAG_HEADER = {"ETag": {"description": "The set's version", "schema": {"type": "string"}}}


def _reply(saved: SavedSet, status: int = 200, measured: dict | None = None) -> JSONResponse:
    return JSONResponse(
        dump(LabelSetResponse.of(saved, measured)),
        status_code=status,
        headers={"ETag": etag(saved)},
    )


def _not_found(name: str) -> Refusal:
    return Refusal(404, "error.unknown_label_set", name=name)


def _changed(name: str) -> Refusal:
    return Refusal(412, "store.changed_elsewhere", name=name)


async def _current(name: str) -> SavedSet | None:
    return await run_in_threadpool(resources.get_store().get, name)


def label_sets_router(settings: Settings) -> APIRouter:
    body_type = request_bodies(settings).label_set
    router = APIRouter(
        route_class=LimitedRoute,
        tags=["label sets"],
        dependencies=access_dependencies(settings),
    )

    @router.get(
        LABEL_SETS_PATH,
        summary="The saved label sets",
        response_model=LabelSetList,
        responses=refusals(503),
        operation_id="list_label_sets",
    )
    async def list_label_sets() -> Any:
        saved = await run_in_threadpool(resources.get_store().list)
        return LabelSetList(label_sets=[LabelSetResponse.of(s) for s in saved])

    @router.get(
        LABEL_SET_PATH,
        summary="One saved label set; its version is its ETag",
        response_model=LabelSetResponse,
        responses={
            200: {"headers": ETAG_HEADER},
            304: {"description": "Not modified: the ETag sent is the current one"},
            **refusals(404, 503),
        },
        operation_id="get_label_set",
    )
    async def get_label_set(
        name: SetName,
        if_none_match: Annotated[
            str | None, Header(description="The ETag read: 304 while it is current")
        ] = None,
    ) -> Any:
        saved = await _current(name)
        if saved is None:
            raise _not_found(name)
        if (if_none_match or "").strip() == etag(saved):
            return Response(status_code=304, headers={"ETag": etag(saved)})
        # What was measured about this version: thresholds, metrics, its tuned model.
        measured = await run_in_threadpool(measured_json, saved.name, saved.version)
        return _reply(saved, measured=measured)

    @router.put(
        LABEL_SET_PATH,
        summary="Create (If-None-Match: *) or update (If-Match: the ETag read) a label set",
        response_model=LabelSetResponse,
        responses={
            200: {"headers": ETAG_HEADER, "description": "Updated"},
            201: {"model": LabelSetResponse, "headers": ETAG_HEADER, "description": "Created"},
            **refusals(404, 412, 413, 428, 503),
        },
        operation_id="put_label_set",
    )
    async def put_label_set(
        name: SetName,
        body: body_type,  # type: ignore[valid-type]
        if_match: Annotated[
            str | None, Header(description="The ETag read: change only that version")
        ] = None,
        if_none_match: Annotated[
            str | None, Header(description="`*`: only create, never overwrite")
        ] = None,
    ) -> Any:
        create_only = (if_none_match or "").strip() == "*"
        template = body.hypothesis_template or settings.model.hypothesis_template
        current = await _current(name)
        if create_only and current is not None:
            raise _changed(name)
        if if_match is not None and not matches(if_match, current):
            raise _changed(name) if current else _not_found(name)
        if if_match is None and current is not None:
            raise Refusal(428, "error.precondition_required")
        version = current.version if current is not None else 0
        wanted = SavedSet(name, tuple(body.labels), template, body.notes, version)
        saved = await run_in_threadpool(resources.get_store().save, wanted)
        return _reply(saved, status=201 if current is None else 200)

    @router.delete(
        LABEL_SET_PATH,
        summary="Delete a label set as read (If-Match: its ETag)",
        status_code=204,
        responses=refusals(404, 412, 428, 503),
        operation_id="delete_label_set",
    )
    async def delete_label_set(
        name: SetName,
        if_match: Annotated[str, Header(description="The ETag read (428 without)")],
    ) -> Response:
        current = await _current(name)
        if current is None:
            raise _not_found(name)
        if not matches(if_match, current):
            raise _changed(name)
        await run_in_threadpool(resources.get_store().delete, name, current.version)
        return Response(status_code=204)

    return router

"""`POST /api/classify` (and the plain page's own `POST /lite/api/classify`): rank candidate
labels for a text or a list of texts, optionally by a saved set's name, with an explanation or
an experiment's options (wordings, calibration)."""

from functools import partial
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from core.config import Settings
from core.errors import Cancelled
from core.labels.written import names_and_wordings
from web import resources
from web.cancellation import CLIENT_CLOSED_REQUEST, until_gone
from web.http.access import add_guarded_route
from web.http.bodies import request_bodies
from web.http.body_limit import LimitedRoute
from web.http.errors import refusals
from web.http.lite_page import LITE_CLASSIFY_PATH
from web.http.schemas import ClassifyResponse
from web.http.tuned_sets_api import answer_by_label_set

CLASSIFY_PATH = "/api/classify"


def classify_router(settings: Settings) -> APIRouter:
    """The JSON API's and the plain page's classify routes (each client's share of them:
    web.http.client_share)."""
    body_type = request_bodies(settings).classify
    router = APIRouter(route_class=LimitedRoute)
    documented: dict[str, Any] = {
        "methods": ["POST"],
        "response_model": ClassifyResponse | list[ClassifyResponse],
        "response_model_exclude_none": True,
        "responses": refusals(404, 413, 429, 503),
    }

    async def classify(request: Request, body: body_type) -> Any:  # type: ignore[valid-type]
        if body.label_set is not None:
            # A saved set: its version's thresholds, wordings, calibration and adapter apply.
            try:
                return await until_gone(request, answer_by_label_set, body)
            except Cancelled:
                return Response(status_code=CLIENT_CLOSED_REQUEST)
        # Labels written with wordings (`旅行=旅行|観光`, core.labels.written), as every page
        # reads them; the body's own `wordings` win. A malformed one is an InputError (400).
        labels, written_wordings = names_and_wordings(body.labels or [])
        wordings = written_wordings | (body.wordings or {})
        request.state.label_count = len(labels)
        args = (labels, body.hypothesis_template, bool(body.multi_label))
        options = (wordings, body.calibration)
        try:
            if isinstance(body.text, list):
                if wordings or body.calibration != "none":
                    many = partial(resources.classify_with_options, body.text, *args, *options)
                    results = await until_gone(request, many)
                else:
                    service = resources.get_service()
                    results = await until_gone(request, service.classify_many, body.text, *args)
                return [ClassifyResponse.of(result) for result in results]
            if body.explain and not wordings and body.calibration == "none":
                explanation = await until_gone(
                    request, resources.get_service().explain, body.text, *args, body.explain_label
                )
                return ClassifyResponse.of(explanation.result, explanation)
            return ClassifyResponse.of(
                await until_gone(request, resources.classify, body.text, *args, *options)
            )
        except Cancelled:
            # Nobody is there to read an answer: the work was dropped.
            return Response(status_code=CLIENT_CLOSED_REQUEST)

    summary = "Rank candidate labels for a text, or for a list of texts (an array, in order)"
    add_guarded_route(
        router, settings, CLASSIFY_PATH, classify, summary=summary, tags=["api"], **documented
    )
    summary = "The plain page's classify call (the page's access rule, the API's shapes)"
    add_guarded_route(
        router,
        settings,
        LITE_CLASSIFY_PATH,
        classify,
        page=True,
        summary=summary,
        tags=["plain page"],
        **documented,
    )
    return router

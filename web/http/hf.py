"""`POST /api/hf`: the Hugging Face inference protocol for zero-shot classification, so that
huggingface_hub's `InferenceClient.zero_shot_classification` works against this server."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.config import Settings
from core.errors import Cancelled
from web import resources
from web.cancellation import CLIENT_CLOSED_REQUEST, until_gone
from web.http.access import access_dependencies
from web.http.bodies import request_bodies
from web.http.body_limit import LimitedRoute
from web.http.errors import refusals
from web.http.schemas import HFResponse, hf_answer

HF_PATH = "/api/hf"
# A header never grows with the input: the dropped labels it names stop within this many bytes.
MAX_DROPPED_HEADER_BYTES = 512


def dropped_header(dropped: tuple[str, ...]) -> str:
    """The distinct dropped labels as a JSON array (ASCII, `\\u` escapes), as many as fit in
    MAX_DROPPED_HEADER_BYTES; the whole list is one request of the labels away."""
    kept: list[str] = []
    for label in dict.fromkeys(dropped):
        if len(json.dumps([*kept, label])) > MAX_DROPPED_HEADER_BYTES:
            break
        kept.append(label)
    return json.dumps(kept)


def hf_router(settings: Settings) -> APIRouter:
    body_type = request_bodies(settings).hf
    router = APIRouter(route_class=LimitedRoute, tags=["api"])
    headers = {
        "X-Truncated": {
            "description": "true when the text was cut to the model's token limit",
            "schema": {"type": "string", "enum": ["true", "false"]},
        },
        "X-Dropped-Labels": {
            "description": "Repeated labels left out, a JSON array (at most "
            f"{MAX_DROPPED_HEADER_BYTES} bytes)",
            "schema": {"type": "string"},
        },
    }

    @router.post(
        HF_PATH,
        summary="Hugging Face inference protocol (InferenceClient.zero_shot_classification)",
        response_model=HFResponse,
        responses={200: {"headers": headers}, **refusals(413, 422, 429, 503)},
        dependencies=access_dependencies(settings),
        operation_id="hf_zero_shot_classification",
    )
    async def api_hf(
        request: Request,
        body: body_type,  # type: ignore[valid-type]
        x_wait_for_model: Annotated[
            str, Header(description="true: wait for a loading model instead of 503 at once")
        ] = "",
    ) -> Any:
        labels = body.parameters.labels()
        request.state.label_count = len(labels)
        # Hugging Face's own API answers 503 at once while a model loads, unless asked to wait.
        waits = x_wait_for_model.strip().lower() == "true"
        wait = settings.model.ready_wait_seconds if waits else 0.0
        try:
            result = await until_gone(
                request,
                resources.get_service().classify,
                body.inputs,
                labels,
                body.parameters.hypothesis_template,
                bool(body.parameters.multi_label),
                wait,
            )
        except Cancelled:  # nobody is there to read an answer: the work was dropped
            return Response(status_code=CLIENT_CLOSED_REQUEST)
        return JSONResponse(
            hf_answer(result),
            headers={
                "X-Truncated": "true" if result.truncated else "false",
                "X-Dropped-Labels": dropped_header(result.dropped_labels),
            },
        )

    return router

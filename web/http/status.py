"""Liveness and readiness: open to all, and behind access control they say only the model's
state."""

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse

from core.config import Settings
from core.inference.service import ModelState
from web import resources
from web.http.access import access_control_on
from web.http.schemas import HealthResponse, ModelStatusBody, ReadyResponse, dump

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
OPENAPI_PATH = "/api/openapi.json"


def status_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["status"])

    def model_status() -> ModelStatusBody:
        status = resources.get_service().status()
        return ModelStatusBody.of(status, detailed=not access_control_on(settings))

    @router.get(
        HEALTH_PATH,
        summary="Liveness: 200 while the process can serve (the model may still load)",
        response_model=HealthResponse,
        responses={503: {"model": HealthResponse, "description": "The model keeps failing"}},
    )
    async def healthz() -> JSONResponse:
        """200 while the process can serve, model loading or not; no model work here.

        503 only once the model has failed to load MODEL_UNHEALTHY_AFTER_FAILURES times in a
        row: then the orchestrator replaces the task instead of keeping one that never answers.
        """
        healthy = resources.get_service().status().healthy
        body = HealthResponse(status="ok" if healthy else "unhealthy", model=model_status())
        return JSONResponse(dump(body), status_code=200 if healthy else 503)

    @router.get(
        READY_PATH,
        summary="Readiness: 200 once the model is loaded",
        response_model=ReadyResponse,
        responses={503: {"model": ReadyResponse, "description": "The model is not ready"}},
    )
    async def readyz() -> JSONResponse:
        model = model_status()
        ready = model.state == ModelState.READY
        body = ReadyResponse(ready=ready, model=model)
        return JSONResponse(dump(body), status_code=200 if ready else 503)

    @router.get(
        OPENAPI_PATH,
        summary="This description of the API (OpenAPI 3.1), generated from the routes' models",
        response_model=dict[str, Any],
    )
    async def openapi_document(request: Request) -> JSONResponse:
        return JSONResponse(request.app.openapi())

    return router

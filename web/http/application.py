"""The HTTP surface on FastAPI, served beside Streamlit in the one process.

The FastAPI app is the root ASGI app (`streamlit run app.py` finds it and runs it with uvicorn);
each concern is a router of its own (status, classify, hf, label_sets, lite_page, login_cookie),
MCP is the official SDK's app on its own route, and whatever no route claims goes to Streamlit
(`st.App`, run by this app's lifespan as Streamlit documents for mounting it), except under
`/api/`, which answers a JSON 404. A path that a route has with another method answers a JSON
405 with `Allow`, before Streamlit is asked.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from core.config import Settings
from core.exploration import batch_jobs, tuning_jobs
from web import resources
from web.http.access import AccessRefused, access_refused
from web.http.classify import classify_router
from web.http.client_share import ClientShareMiddleware
from web.http.errors import add_error_handlers
from web.http.hf import hf_router
from web.http.label_sets import label_sets_router
from web.http.lite_page import lite_router
from web.http.login_cookie import login_router
from web.http.logs import log_off_the_loop
from web.http.mcp_server import mcp_route, running_mcp
from web.http.request_log import RequestLogMiddleware
from web.http.status import status_router
from web.http.streamlit_guard import StreamlitSurfaceGuard
from web.http.tcp import disable_nagle_on_listeners
from web.http.tuned_sets_api import tuning_router

API_PREFIX = "/api/"
TITLE = "日本語ゼロショット分類 API / Japanese zero-shot classification API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Rank candidate labels for Japanese text with an NLI model. Every refusal is "
    '`{"error", "code"}`, in Japanese or (Accept-Language: en) English. Also served: `/mcp` '
    "(Model Context Protocol, streamable HTTP) and Streamlit's pages."
)
# Within a container's stop timeout (ECS and App Runner give 30 s) with room for the rest.
JOB_SHUTDOWN_WAIT_SECONDS = 10

# The FastAPI app's options; app.py builds its app with them (Streamlit finds it by that call).
API_OPTIONS: dict[str, Any] = {
    "title": TITLE,
    "version": VERSION,
    "description": DESCRIPTION,
    # Served by the status router, so the document names itself.
    "openapi_url": None,
    "docs_url": None,
    "redoc_url": None,
    # Streamlit's own paths are Streamlit's to redirect or not.
    "redirect_slashes": False,
}


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """Start loading the model once the server is up, so health checks pass at once."""
    disable_nagle_on_listeners()
    log_off_the_loop()  # again: uvicorn configured its loggers since the app was built
    resources.get_service().start_loading()
    async with running_mcp():
        yield
    # Batch jobs end their chunk and are left "interrupted": a restarted task goes on with them;
    # a tuning job ends its step, left "interrupted" too (started again from the start). Both
    # at once, so the wait stays within the stop timeout.
    await asyncio.gather(
        run_in_threadpool(batch_jobs.shutdown, JOB_SHUTDOWN_WAIT_SECONDS),
        run_in_threadpool(tuning_jobs.shutdown, JOB_SHUTDOWN_WAIT_SECONDS),
    )
    resources.get_service().shutdown()


def lifespan_beside(
    streamlit_app: Any,
) -> Callable[[object], AbstractAsyncContextManager[None]]:
    """Streamlit's runtime (`st.App.lifespan()`, for an app mounted on another) and ours."""
    streamlit_lifespan = streamlit_app.lifespan()

    @asynccontextmanager
    async def both(app: object) -> AsyncIterator[None]:
        async with streamlit_lifespan(app), lifespan(app):
            yield

    return both


class Beside:
    """What the router does with a path no route claims: Streamlit's, but never `/api` or
    under `/api/` (a JSON 404 there, as every API answer is JSON)."""

    def __init__(self, streamlit_app: ASGIApp | None) -> None:
        self.streamlit_app = streamlit_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        api = path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")
        if self.streamlit_app is None or api:
            raise HTTPException(404)
        await self.streamlit_app(scope, receive, send)


def add_api(app: FastAPI, settings: Settings, streamlit_app: ASGIApp | None = None) -> FastAPI:
    """The routes, error answers and middleware of the app, on `app`; other paths go to
    `streamlit_app` (none: a JSON 404, as in the in-process tests)."""
    for router in (
        status_router(settings),
        classify_router(settings),
        hf_router(settings),
        label_sets_router(settings),
        tuning_router(settings),
        lite_router(settings),
        login_router(settings),
    ):
        app.include_router(router)
    app.router.routes.append(mcp_route(settings))
    log_off_the_loop()  # after the MCP SDK put its Rich handler on the root logger
    app.router.default = Beside(streamlit_app)
    add_error_handlers(app)
    app.add_exception_handler(AccessRefused, access_refused)
    # The last added runs first: every request gets its id and log line before anything else.
    app.add_middleware(ClientShareMiddleware, settings=settings)
    app.add_middleware(StreamlitSurfaceGuard, settings=settings)
    app.add_middleware(RequestLogMiddleware)
    return app


def build_api(settings: Settings) -> FastAPI:
    """The app without Streamlit (tests, benchmarks)."""
    return add_api(FastAPI(**API_OPTIONS, lifespan=lifespan), settings)

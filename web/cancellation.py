"""Work whose client has gone is cancelled: the hook HTTP routes call around model work.

`run_until_gone(work, gone)` runs `work(cancel)` on a worker thread and, if `gone` completes
first (the client dropped the connection), sets `cancel`: the work's pairs leave the model's
queue and the call raises core.errors.Cancelled. `disconnected(request)` is such an awaitable
for a Starlette/FastAPI request: it completes when the ASGI server reports `http.disconnect`,
without polling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from core.inference.microbatch import Cancellation

T = TypeVar("T")

# nginx's status for a request whose client went away before the answer.
CLIENT_CLOSED_REQUEST = 499


async def run_until_gone(work: Callable[[Cancellation], T], gone: Awaitable[object]) -> T:
    """`work(cancel)`'s result; Cancelled if `gone` completed first (then `cancel` was set)."""
    cancel = Cancellation()
    task = asyncio.ensure_future(run_in_threadpool(work, cancel))
    watcher = asyncio.ensure_future(gone)
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            cancel.cancel()
        return await task
    finally:
        watcher.cancel()


async def until_gone(request: Request, method: Callable[..., T], *args: object) -> T:
    """`method(*args, client=…, cancel=…)` on a worker thread, for the request's client's share
    of the model, and cancelled (Cancelled) if the client leaves first. Call it only after the
    body has been read (FastAPI has, before a route's function runs)."""
    client = client_of(request)
    return await run_until_gone(
        lambda cancel: method(*args, client=client, cancel=cancel), disconnected(request)
    )


async def disconnected(request: Request) -> None:
    """Completes once the client has gone. Call only after the body has been read: the ASGI
    messages that follow it are the disconnect (the server sends nothing else)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def client_of(request: Request) -> str:
    """Whose share of the model a request takes: its client address (the peer, or the address
    a trusted proxy named; FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"

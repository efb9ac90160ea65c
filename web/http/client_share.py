"""One client's share of the CPU around the model: at most `MAX_CLIENT_REQUESTS` of its requests
in work at once.

The micro-batcher shares the model's passes fairly between clients (core.inference.microbatch),
but a request costs CPU before and after its passes too: parsing, tokenizing, refusing work past
the cost bound. On a 1-vCPU task, a client with many requests at once would take most of that
CPU by this alone, and every other client's request, and the pass it waits for, would run that
much slower (bench/attacks.py: refused 50-label requests on four connections). The rule is the
one proxies apply per client address (nginx's `limit_conn`); past it, 429 with `Retry-After`.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from core.config import Settings
from web.cancellation import client_of
from web.http.errors import Refusal, refusal_response

# Work in progress ends within seconds; come back then.
CLIENT_RETRY_AFTER_SECONDS = 1


class ClientShare:
    """Requests in work per client address. Used on the event loop only (no lock needed)."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._busy: Counter[str] = Counter()

    def full(self, client: str) -> bool:
        """Whether every one of `client`'s places is taken."""
        return self._busy[client] >= self.per_client

    def refusal(self) -> Refusal:
        """429 `error.client_busy`, naming the limit, with Retry-After."""
        headers = {"Retry-After": str(CLIENT_RETRY_AFTER_SECONDS)}
        return Refusal(429, "error.client_busy", headers, limit=self.per_client)

    @asynccontextmanager
    async def held(self, client: str) -> AsyncIterator[None]:
        """One of `client`'s places for the block; `refusal()` raised when all are taken."""
        if self.full(client):
            raise self.refusal()
        self._busy[client] += 1
        try:
            yield
        finally:
            self._busy[client] -= 1
            if not self._busy[client]:
                del self._busy[client]


# The routes that run the model for a POST: the JSON API, the plain page's, the Hugging Face
# protocol, fitting a set's thresholds, and MCP calls.
_MODEL_ROUTES = re.compile(
    r"^/(api/classify|lite/api/classify|api/hf|api/label-sets/[^/]+/thresholds|mcp)/?$"
)


class ClientShareMiddleware:
    """Holds one of the client's places while a POST to a model route is answered; past its
    share, 429 after its Retry-After, before the body is read or parsed (a refusal must cost
    next to nothing, or a flood of refused requests takes the CPU the share protects)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.share = ClientShare(settings.limits.max_client_requests)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or not _MODEL_ROUTES.match(scope.get("path", ""))
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        client = client_of(request)
        if self.share.full(client):
            # The refusal itself waits out its Retry-After (it costs no CPU to wait): a client
            # that asks again at once, in a loop, gets one answer a second per connection
            # instead of hundreds, whose handling alone would slow everyone's passes.
            await asyncio.sleep(CLIENT_RETRY_AFTER_SECONDS)
            await refusal_response(request, self.share.refusal())(scope, receive, send)
            return
        # Nothing awaited since the check (one event loop): the place is still free.
        async with self.share.held(client):
            await self.app(scope, receive, send)

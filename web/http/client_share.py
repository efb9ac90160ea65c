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

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.requests import Request

from core.config import Settings
from web.cancellation import client_of
from web.http.errors import Refusal

# Work in progress ends within seconds; come back then.
CLIENT_RETRY_AFTER_SECONDS = 1


class ClientShare:
    """Requests in work per client address. Used on the event loop only (no lock needed)."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._busy: Counter[str] = Counter()

    @asynccontextmanager
    async def held(self, client: str) -> AsyncIterator[None]:
        """One of `client`'s places for the block; Refusal 429 `error.client_busy` when all are
        taken."""
        if self._busy[client] >= self.per_client:
            raise Refusal(
                429,
                "error.client_busy",
                {"Retry-After": str(CLIENT_RETRY_AFTER_SECONDS)},
                limit=self.per_client,
            )
        self._busy[client] += 1
        try:
            yield
        finally:
            self._busy[client] -= 1
            if not self._busy[client]:
                del self._busy[client]


def client_share(
    settings: Settings,
) -> tuple[ClientShare, Callable[[Request], AsyncIterator[None]]]:
    """The share, and a FastAPI dependency holding one of the request's client's places while
    the route works."""
    share = ClientShare(settings.limits.max_client_requests)

    async def hold(request: Request) -> AsyncIterator[None]:
        async with share.held(client_of(request)):
            yield

    return share, hold

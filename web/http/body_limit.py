"""Request bodies within a limit: a larger one is refused with 413 before it is read whole.

FastAPI reads a JSON body whole before validating it, so the limit sits in the route itself
(FastAPI's custom `APIRoute` class: every JSON route of the app uses this one).
"""

from collections.abc import Awaitable, Callable

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

# A request is a few sentences and labels; 64 KiB is far beyond any honest one.
MAX_BODY_BYTES = 64 * 1024


class BodyTooLarge(HTTPException):
    """Answered 413 `error.body_too_large` (web/http/errors.py)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=f"at most {MAX_BODY_BYTES} bytes")


class LimitedRoute(APIRoute):
    """An APIRoute whose request body may not pass MAX_BODY_BYTES, declared or streamed."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                raise BodyTooLarge
            received = 0
            receive = request.receive

            async def counted() -> Message:
                nonlocal received
                message = await receive()
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    raise BodyTooLarge
                return message

            return await handler(Request(request.scope, counted, request._send))

        return limited

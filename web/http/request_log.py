"""One structured (JSON) log line per HTTP request: id, route, status, latency, label count.

Never the user's text, a password or a token: only what the line's fields name.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.cancellation import CLIENT_CLOSED_REQUEST

LOGGER_NAME = "zeroshot.access"
# A client-supplied id is kept only if it looks like one; anything else could forge log lines.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Paths that carry a secret: an upload path names the session (which resumes a signed-in
# session on the WebSocket), a media path names a result file. Logged with the secret replaced.
SECRET_PATHS = (
    (re.compile(r"^/_stcore/upload_file/[^/]+(/[^/]+)?"), "/_stcore/upload_file/<session>/<file>"),
    (re.compile(r"^/media/[^/]+"), "/media/<file>"),
)


# A path no route claims is logged cut to this: a client must not make log lines grow.
MAX_LOGGED_PATH_CHARS = 200


def loggable_route(path: str, template: str | None = None) -> str:
    """The route's template when a route claimed the request (`/api/label-sets/{name}`: set
    names and job ids stay out of the log); else `path` with session ids, upload ids and media
    names replaced by placeholders, cut to MAX_LOGGED_PATH_CHARS."""
    if template:
        return template
    for pattern, placeholder in SECRET_PATHS:
        if pattern.match(path):
            return pattern.sub(placeholder, path, count=1)
    if len(path) > MAX_LOGGED_PATH_CHARS:
        return path[:MAX_LOGGED_PATH_CHARS] + "…"
    return path


def access_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.logger = access_logger()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID_PATTERN.match(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        # None until an answer starts: none at all means the client left first (nginx's 499).
        status: int | None = None
        started = time.perf_counter()
        logged = False

        def log_line() -> None:
            nonlocal logged
            logged = True
            line = {
                "event": "request",
                "request_id": request_id,
                "method": scope.get("method"),
                "route": loggable_route(
                    scope.get("path") or "", getattr(scope.get("route"), "path", None)
                ),
                "status": status,
                "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                "labels": scope["state"].get("label_count"),
            }
            self.logger.info(json.dumps(line, ensure_ascii=False))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Logged before the last byte leaves: a client holding its answer finds the line.
                log_line()
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            status = status or 500
            raise
        finally:
            if not logged:
                status = status or CLIENT_CLOSED_REQUEST
                log_line()

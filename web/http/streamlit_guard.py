"""Streamlit's own HTTP routes under the app's rules: uploads, metrics.

Streamlit serves `/_stcore/upload_file/<session>/<file>` to any WebSocket session, signed in or
not, and `/_stcore/metrics` to anyone. With access control on, this middleware lets an upload
through only for a session that has signed in (web.ui.login registers it), bounds how many bytes
one session and the whole process may upload in a window, and puts metrics behind the same
check as the JSON API.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from core.config import Settings
from web.http.access import access_control_on, authorized
from web.text import header_lang, message

UPLOAD_PATH = re.compile(r"^/_stcore/upload_file/(?P<session>[^/]+)(/|$)")
METRICS_PREFIX = "/_stcore/metrics"
# Upload budget per window: a teammate uploads a few files of a few MB (the page takes 5 MB);
# a script uploading in a loop is refused long before memory runs short.
UPLOAD_WINDOW_SECONDS = 600.0
UPLOAD_BYTES_PER_SESSION = 50 * 1024 * 1024
# One client address (a person with a couple of tabs) takes at most a quarter of the process's
# budget, however many sessions it opens: one script cannot lock everyone else out.
UPLOAD_BYTES_PER_CLIENT = 100 * 1024 * 1024
UPLOAD_BYTES_TOTAL = 400 * 1024 * 1024
# Sessions remembered as signed in; the oldest are forgotten first (they sign in again).
MAX_SIGNED_IN_SESSIONS = 10_000


class SignedInSessions:
    """Ids of the browser sessions that have passed the login page, process-wide."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, session_id: str) -> None:
        with self._lock:
            self._ids[session_id] = None
            self._ids.move_to_end(session_id)
            while len(self._ids) > MAX_SIGNED_IN_SESSIONS:
                self._ids.popitem(last=False)

    def discard(self, session_id: str) -> None:
        with self._lock:
            self._ids.pop(session_id, None)

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            return session_id in self._ids


SIGNED_IN = SignedInSessions()


class UploadBudget:
    """Bytes uploaded in the last window, per session, per client address and in all; refuses
    past any of the three limits."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._events: deque[tuple[float, str, str, int]] = deque()

    def take(self, session_id: str, size: int, client: str = "") -> bool:
        now = self._clock()
        with self._lock:
            while self._events and self._events[0][0] < now - UPLOAD_WINDOW_SECONDS:
                self._events.popleft()
            total = sum(n for *_, n in self._events)
            session = sum(n for _, sid, _, n in self._events if sid == session_id)
            mine = sum(n for _, _, who, n in self._events if who == client)
            if (
                session + size > UPLOAD_BYTES_PER_SESSION
                or mine + size > UPLOAD_BYTES_PER_CLIENT
                or total + size > UPLOAD_BYTES_TOTAL
            ):
                return False
            self._events.append((now, session_id, client, size))
            return True


BUDGET = UploadBudget()


def _refusal(request: Request, status: int, key: str) -> JSONResponse:
    lang = header_lang(request.headers.get("accept-language"))
    return JSONResponse({"error": message(key, lang), "code": key}, status_code=status)


class StreamlitSurfaceGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = await self._refusal(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _refusal(self, request: Request) -> JSONResponse | None:
        path = request.url.path
        if path.startswith(METRICS_PREFIX) and access_control_on(self.settings):
            verdict = await run_in_threadpool(authorized, request, self.settings)
            return None if verdict is True else _refusal(request, 401, "upload.not_signed_in")
        upload = UPLOAD_PATH.match(path)
        if upload is None or request.method != "PUT":
            return None
        session_id = upload.group("session")
        if access_control_on(self.settings) and session_id not in SIGNED_IN:
            return _refusal(request, 403, "upload.not_signed_in")
        declared = request.headers.get("content-length", "")
        if not declared.isdigit():
            return _refusal(request, 411, "upload.length_required")
        client = request.client.host if request.client else ""
        if not BUDGET.take(session_id, int(declared), client):
            return _refusal(request, 429, "upload.over_budget")
        return None

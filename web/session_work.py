"""A browser session's share of the model, and the cancellation of its work when it ends.

Streamlit stops a session's script (ScriptRequests.request_stop) when its tab closes or the
session ends (WebsocketSessionManager.disconnect_session → AppSession.request_script_stop). The
script's thread may then be waiting for the model; `session_share()` gives the page's work a
Cancellation that this stop sets, so the work's pairs leave the queue at once, and the session
id as its client, so each browser session gets its fair share of the model.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from core.errors import Cancelled
from core.inference.microbatch import Cancellation

_ATTRIBUTE = "_zeroshot_cancellation"


def _script_context() -> Any:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:  # pragma: no cover - Streamlit is a requirement
        return None
    return get_script_run_ctx(suppress_warning=True)


def session_share() -> tuple[str | None, Cancellation | None]:
    """(session id, its Cancellation) inside a page's script run; (None, None) elsewhere (the
    HTTP API, a batch job's thread)."""
    ctx = _script_context()
    requests = getattr(ctx, "script_requests", None)
    if ctx is None or requests is None:
        return None, None
    cancel = getattr(requests, _ATTRIBUTE, None)
    if cancel is None:
        cancel = Cancellation()
        stop: Callable[[], None] = requests.request_stop

        def request_stop() -> None:
            stop()
            cancel.cancel()

        requests.request_stop = request_stop
        setattr(requests, _ATTRIBUTE, cancel)
    return ctx.session_id, cancel


@contextmanager
def stopping_when_cancelled():
    """Inside a page: work cancelled because the session ended stops the script run quietly
    (nobody is there to read a message)."""
    try:
        yield
    except Cancelled:
        if _script_context() is None:
            raise
        from streamlit.runtime.scriptrunner_utils.exceptions import StopException

        raise StopException() from None

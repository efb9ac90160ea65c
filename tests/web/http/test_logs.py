"""A logged exception is laid out on the log thread, never on the event loop, with the MCP SDK
(which puts a Rich handler on the root logger) imported and its server built."""

from __future__ import annotations

import logging
import threading

from core.config import Settings
from tests.conftest import run_apart
from web.http import logs
from web.http.application import build_api


def test_the_root_logger_has_only_our_queue_handler_after_the_mcp_sdk():
    build_api(Settings())  # builds the MCP server, whose SDK installs its handler
    handlers = logging.getLogger().handlers
    assert len(handlers) == 1
    assert isinstance(handlers[0], logs.DeferredQueueHandler)


def test_a_logged_exception_is_formatted_off_the_event_loop(monkeypatch):
    build_api(Settings())
    formatted_on: list[threading.Thread] = []
    done = threading.Event()
    real = logs.PlainFormatter.formatException

    def recording(self, exc_info):
        formatted_on.append(threading.current_thread())
        done.set()
        return real(self, exc_info)

    monkeypatch.setattr(logs.PlainFormatter, "formatException", recording)

    async def failing_request() -> threading.Thread:
        try:
            raise RuntimeError("boom " * 1000)
        except RuntimeError:
            logging.getLogger("web.http.test").exception("a request failed")
        return threading.current_thread()

    loop_thread = run_apart(failing_request())
    assert done.wait(10)
    assert formatted_on and all(thread is not loop_thread for thread in formatted_on)

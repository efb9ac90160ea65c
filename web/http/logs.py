"""Logging off the event loop: every record of the server goes through a queue, and one thread
formats and writes it, with a plain formatter of our own.

A library may put its own handler on the root logger (the MCP SDK puts a Rich one there, which
lays a traceback out for tens to hundreds of milliseconds, super-linearly in the message); on
the event loop that stalls every other request. `log_off_the_loop()` replaces whatever handlers
the root and the server's loggers hold by one queue handler.
"""

import logging
import queue
import sys
import threading
from logging.handlers import QueueHandler, QueueListener

from web.http.request_log import LOGGER_NAME

# Loggers with handlers of their own (not only the root's): uvicorn's and our access log.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", LOGGER_NAME)
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PlainFormatter(logging.Formatter):
    """Our own plain text; the access log's lines are JSON already and stay as they are."""

    def __init__(self) -> None:
        super().__init__(PLAIN_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if record.name == LOGGER_NAME:
            return record.getMessage()
        return super().format(record)


class DeferredQueueHandler(QueueHandler):
    """Puts the record itself on the queue: nothing is formatted on the caller's thread (the
    standard QueueHandler formats the message and traceback there, for pickling, which an
    in-process queue does not need)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


_lock = threading.Lock()
_handler: DeferredQueueHandler | None = None
_listener: QueueListener | None = None


def log_off_the_loop() -> DeferredQueueHandler:
    """Route the root's and the server loggers' records through the queue (idempotent; call it
    again after anything that installs handlers)."""
    global _handler, _listener
    with _lock:
        if _handler is None:
            records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
            writer = logging.StreamHandler(sys.stderr)
            writer.setFormatter(PlainFormatter())
            _handler = DeferredQueueHandler(records)
            _listener = QueueListener(records, writer)
            _listener.start()
        for name in (None, *SERVER_LOGGERS):
            logger = logging.getLogger(name)
            if name is None or logger.handlers:
                logger.handlers = [_handler]
        return _handler

"""The database under every store: an engine with timeouts, tables made (and columns added) on
first use, one message for every failure, and a deadline on each call.

SQLite under DATA_DIR by default, PostgreSQL with DATABASE_URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TypeVar

from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from core.errors import InputError

T = TypeVar("T")

# A writer waits this long for SQLite's single write lock before giving up.
SQLITE_BUSY_SECONDS = 5
# A page must never hang on a frozen database: connecting and each statement give up after these.
CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_MS = 5000
# Waiting for a free pooled connection is bounded the same way.
POOL_TIMEOUT_SECONDS = 5
# A frozen server never answers and never enforces its own timeout: each call gives up after
# this on the client side (its worker thread waits on; a few workers bound how many can).
CALL_DEADLINE_SECONDS = 8
STORE_WORKERS = 4


def engine_for(url: str) -> Engine:
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's bare scheme means psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        },
    )


def unreachable(exc: SQLAlchemyError) -> InputError:
    """One message for every database failure; only the driver's error class, never its text
    (which can quote the statement's values: set names, labels)."""
    cause = getattr(exc, "orig", None) or exc
    return InputError("store.unreachable", detail=type(cause).__name__)


def open_engine(
    url: str, metadata: MetaData, table: str, added_columns: Mapping[str, str]
) -> Engine:
    """An engine with `metadata`'s tables made, and `added_columns` ({name: SQL type}) added to
    `table` when an older release made it without them. A failure is `store.unreachable`."""
    engine = engine_for(url)
    try:
        metadata.create_all(engine)
        present = {column["name"] for column in inspect(engine).get_columns(table)}
        for name, sql_type in added_columns.items():
            if name not in present:
                with engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}"))
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        if isinstance(exc, OSError):
            raise InputError("store.unreachable", detail=type(exc).__name__) from None
        raise unreachable(exc) from None
    return engine


_WORKERS = ThreadPoolExecutor(STORE_WORKERS, thread_name_prefix="store")


def within_deadline(call: Callable[[], T]) -> T:
    """`call()`, or `store.unreachable` once CALL_DEADLINE_SECONDS pass without an answer."""
    future = _WORKERS.submit(call)
    try:
        return future.result(timeout=CALL_DEADLINE_SECONDS)
    except FutureTimeout:
        future.cancel()
        raise InputError("store.unreachable", detail="timeout") from None

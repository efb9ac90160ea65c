"""The database under every store: one `Database` per process (engine with timeouts, the tables'
metadata, a deadline on each call), its tables made and changed by Alembic migrations
(core/migrations/) when it opens, and one error, `StoreUnavailable`, for every failure.

SQLite under DATA_DIR by default, PostgreSQL with DATABASE_URL or a platform's JSON secret
(`database_url`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import URL, Connection, MetaData, create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from core.errors import StoreUnavailable

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
# A migration may rewrite a table; several tasks starting at once wait for the first one's.
MIGRATION_TIMEOUT_MS = 120_000
# PostgreSQL advisory lock held while migrating: any fixed 64-bit number the app owns ("zeroshot").
MIGRATION_LOCK_KEY = int.from_bytes(b"zeroshot", "big")
MIGRATIONS = Path(__file__).with_name("migrations")

# Every store's tables, in one metadata: what the migrations must produce (tests compare them).
metadata = MetaData()

# The variable holding a JSON secret with the database's credentials, as Copilot's Aurora addon
# (output `DatabaseSecret`) and ECS's `secrets` inject it: host, port, username, password,
# dbname. RDS's own managed secret holds only username and password; the rest then comes from
# DATABASE_HOST, DATABASE_PORT and DATABASE_NAME.
SECRET_VARIABLE = "DATABASE_SECRET"
DEFAULT_POSTGRES_PORT = 5432
DEFAULT_POSTGRES_DATABASE = "postgres"


def database_url(env: Mapping[str, str]) -> str | None:
    """The SQLAlchemy URL the environment names: DATABASE_URL as given, else one built from the
    JSON secret in DATABASE_SECRET (password quoted as URLs need); None for neither.

    Raises ValueError naming what is missing, never quoting the secret."""
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"]
    raw = env.get(SECRET_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        secret = json.loads(raw)
    except ValueError:
        secret = None
    if not isinstance(secret, dict):
        raise ValueError(f"{SECRET_VARIABLE} must be a JSON object (username, password, host, …)")
    fields = {
        "username": secret.get("username"),
        "password": secret.get("password"),
        "host": secret.get("host") or env.get("DATABASE_HOST"),
    }
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise ValueError(f"{SECRET_VARIABLE} has no {', '.join(missing)}")
    port = secret.get("port") or env.get("DATABASE_PORT") or DEFAULT_POSTGRES_PORT
    try:
        port = int(port)
    except ValueError:
        raise ValueError(f"{SECRET_VARIABLE}'s port must be a whole number") from None
    url = URL.create(
        "postgresql+psycopg",
        username=str(fields["username"]),
        password=str(fields["password"]),
        host=str(fields["host"]),
        port=port,
        database=secret.get("dbname") or env.get("DATABASE_NAME") or DEFAULT_POSTGRES_DATABASE,
    )
    return url.render_as_string(hide_password=False)


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


def unreachable(exc: BaseException) -> StoreUnavailable:
    """One error for every database failure; only the driver's error class, never its text
    (which can quote the statement's values: set names, labels)."""
    cause = getattr(exc, "orig", None) or exc
    return StoreUnavailable("store.unreachable", detail=type(cause).__name__)


# SQLite has no advisory lock: threads of one process take this, processes a lock file.
_sqlite_migrating = threading.Lock()


@contextmanager
def _sqlite_lock(engine: Engine) -> Iterator[None]:
    path = engine.url.database
    with _sqlite_migrating:
        if not path or path == ":memory:":
            yield
            return
        with open(f"{path}.migrate.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def _alembic_config(connection: Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _run_migrations(connection: Connection) -> None:
    from alembic import command

    # Alembic says each step at INFO; a start with nothing to do should say nothing.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    command.upgrade(_alembic_config(connection), "head")


def new_migration(url: str, message: str) -> None:
    """For developers: write core/migrations/versions/<rev>.py with what the stores' tables
    (`metadata`) have that the database at `url`, migrated to the newest revision, lacks."""
    from alembic import command

    # The stores put their tables on `metadata` when imported.
    import core.exploration.batch_jobs
    import core.exploration.tuning_jobs
    import core.labels.measurements
    import core.labels.store
    import core.workspaces.store  # noqa: F401

    engine = engine_for(url)
    migrate(engine)
    with engine.begin() as connection:
        config = _alembic_config(connection)
        config.attributes["target_metadata"] = metadata
        command.revision(config, message, autogenerate=True)
    engine.dispose()


def migrate(engine: Engine) -> None:
    """Bring the database's tables to the newest migration; several processes may call this at
    once (PostgreSQL: an advisory lock for the transaction; SQLite: a lock file beside it), the
    later ones then find nothing to do. A database made before migrations is adopted as it is
    (the first migration makes only what is missing)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(f"SET LOCAL statement_timeout = {MIGRATION_TIMEOUT_MS}"))
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            _run_migrations(connection)
        return
    with _sqlite_lock(engine), engine.begin() as connection:
        _run_migrations(connection)


_WORKERS = ThreadPoolExecutor(STORE_WORKERS, thread_name_prefix="store")


def within_deadline(call: Callable[[], T]) -> T:
    """`call()`, or StoreUnavailable once CALL_DEADLINE_SECONDS pass without an answer."""
    future = _WORKERS.submit(call)
    try:
        return future.result(timeout=CALL_DEADLINE_SECONDS)
    except FutureTimeout:
        future.cancel()
        raise StoreUnavailable("store.unreachable", detail="timeout") from None


class Database:
    """The one database of a process, shared by its stores: the engine (its pool), the tables'
    `metadata`, migrated on open, and `read`/`write` calls each bounded by the deadline.

    Opening raises StoreUnavailable when the database cannot be reached or migrated."""

    metadata = metadata

    def __init__(self, url: str) -> None:
        # The URL may carry a password: kept off repr() and out of every message.
        self._url = url
        self.engine = engine_for(url)
        try:
            migrate(self.engine)
        except (SQLAlchemyError, OSError) as exc:
            self.engine.dispose()
            raise unreachable(exc) from None

    def __repr__(self) -> str:
        return f"Database({make_url(self.engine.url).render_as_string(hide_password=True)!r})"

    def _call(self, work: Callable[[Connection], T], write: bool) -> T:
        def call() -> T:
            try:
                with self.engine.begin() if write else self.engine.connect() as connection:
                    return work(connection)
            except SQLAlchemyError as exc:
                raise unreachable(exc) from None

        return within_deadline(call)

    def read(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)` on a pooled connection, within the deadline."""
        return self._call(work, write=False)

    def write(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)` in one transaction (rolled back if it raises), within the deadline."""
        return self._call(work, write=True)

    def dispose(self) -> None:
        self.engine.dispose()

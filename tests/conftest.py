"""Shared fixtures: a tiny random-weight NLI model built on disk, never fetched from the hub."""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Tests never reach the hub: a stray hub id fails at once instead of hanging.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Saved label sets go to a throwaway SQLite file, never to the checkout's data/ folder.
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="zeroshot-test-data-")

from bench.model_builder import build_learnable_model, build_model, topic_rows  # noqa: E402
from core.config import AuthSettings, ModelSettings, Settings, StoreSettings  # noqa: E402
from core.exploration.tuning import TunedAdapter, TuningReport  # noqa: E402
from core.inference.model_loading import LoadedModel, load_model  # noqa: E402

# Fixtures that need a real outside program: tests using them carry its marker, so a developer can
# run `python -m pytest -m "not browser"` for a fast loop while the plain command runs everything.
MARKER_FIXTURES = {
    "browser": "browser",
    "page": "browser",
    "postgres_url": "postgres",
    "alb_like": "nginx",
    "app_runner_like": "nginx",
    "deployment": "nginx",
}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in MARKER_FIXTURES:
                item.add_marker(MARKER_FIXTURES[fixture])


# First runs import torch and transformers; later runs take well under a second.
READY_TIMEOUT_SECONDS = 60
PASSWORD = "correct horse battery staple"
API_TOKEN = "test-api-token-0123456789"


@pytest.fixture
def forward_passes(monkeypatch) -> list[int]:
    """Records the pair count of every forward pass a service loaded from now on runs."""
    from core.inference import scoring

    sizes: list[int] = []
    real_forward = scoring.forward

    def counting_forward(loaded, features):
        sizes.append(len(features))
        return real_forward(loaded, features)

    monkeypatch.setattr(scoring, "forward", counting_forward)
    return sizes


@contextmanager
def loaded(service):
    """`service` (a ClassifierService) with its model loaded; shut down (no thread left) after."""
    service.start_loading()
    assert service.wait_ready(READY_TIMEOUT_SECONDS)
    try:
        yield service
    finally:
        service.shutdown()


def empty_store_url(request, tmp_path: Path) -> str:
    """A database URL for a store test parametrized "sqlite" / "postgresql": a fresh SQLite file,
    or the run's one PostgreSQL server emptied (every table, the migrations' record too), so
    each test starts from nothing."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'zeroshot.db'}"
    from sqlalchemy import create_engine, text

    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def open_database():
    """Opens `Database(url)`s for a test, each disposed after it."""
    from core.storage import Database

    opened = []

    def open_one(url: str) -> Database:
        opened.append(Database(url))
        return opened[-1]

    yield open_one
    for database in opened:
        database.dispose()


# Store tests run on both databases; PostgreSQL ones carry the mark.
STORE_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_url():
    """One real PostgreSQL server for the run (tests/postgres_server.py); each test's own tables."""
    from tests.postgres_server import postgres_server

    with postgres_server() as server:
        yield server.url


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp("tiny-nli-model"))


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir):
    return load_model(str(tiny_model_dir), num_threads=1)


@pytest.fixture(scope="session")
def learnable_model_dir(tmp_path_factory) -> Path:
    """A small BERT that can learn, already knowing other topics (build_learnable_model)."""
    return build_learnable_model(tmp_path_factory.mktemp("learnable-nli-model"))


# Rows per label the app's tuning learns from in `learned`: 90 rows, 3 folds of 30 held out.
LEARNED_ROWS_PER_LABEL = 30


@dataclass(frozen=True)
class Learned:
    """The app's tuning run once on the learnable model: its report, its adapter, and the
    training copy of the model with that adapter active (tune's model, in this process)."""

    model_dir: Path
    model: LoadedModel
    report: TuningReport
    adapter: TunedAdapter


@pytest.fixture(scope="session")
def learned(learnable_model_dir) -> Learned:
    """`tune` with its defaults on topic rows of DEFAULT_LABELS, words the model never saw."""
    from core.config import DEFAULT_TEMPLATE
    from core.exploration.tuning import tune
    from core.labels.defaults import DEFAULT_LABELS

    model = load_model(str(learnable_model_dir), num_threads=1)
    texts, expected = topic_rows(DEFAULT_LABELS, LEARNED_ROWS_PER_LABEL, seed=1)
    report, adapter = tune(model, texts, expected, list(DEFAULT_LABELS), DEFAULT_TEMPLATE)
    return Learned(learnable_model_dir, model, report, adapter)


@pytest.fixture
def settings(tiny_model_dir) -> Settings:
    return Settings(
        model=ModelSettings(model_id=str(tiny_model_dir), num_threads=1),
        store=StoreSettings(data_dir=os.environ["DATA_DIR"]),
    )


@pytest.fixture(scope="session")
def ready_service(tiny_model_dir):
    """The app's shared service with the tiny model loaded, as the lifespan hook would leave it."""
    from web import resources

    mp = pytest.MonkeyPatch()
    mp.setenv("MODEL_ID", str(tiny_model_dir))
    resources.reset()
    service = resources.get_service()
    service.start_loading()
    assert service.wait_ready(READY_TIMEOUT_SECONDS)
    yield service
    mp.undo()
    resources.reset()


@pytest.fixture
def guarded_service(tiny_model_dir, monkeypatch):
    """The app's service, ready with the tiny model, with access control on (password, token)."""
    settings = Settings(
        model=ModelSettings(model_id=str(tiny_model_dir), num_threads=1),
        auth=AuthSettings(app_password=PASSWORD, api_token=API_TOKEN, login_max_failures=3),
        # The run's throwaway folder, never the checkout's data/.
        store=StoreSettings(data_dir=os.environ["DATA_DIR"]),
    )
    from core.inference.service import ClassifierService
    from web import resources
    from web.http import access

    service = ClassifierService(settings)
    service.start_loading()
    assert service.wait_ready(READY_TIMEOUT_SECONDS)
    # Failed tries are remembered per client address; each test starts with none.
    monkeypatch.setattr(access, "GUARD", access.PasswordGuard())
    with resources.using(settings, service):
        yield service
    service.shutdown()


@pytest.fixture
def use_service():
    """`use_service(service)` makes it the app's service, with its settings, for this test."""
    from web import resources

    with ExitStack() as stack:

        def use(service):
            stack.enter_context(resources.using(service.settings, service))
            return service

        yield use


@pytest.fixture(scope="session")
def guarded_server(tiny_model_dir, tmp_path_factory):
    """The real server, run as the container runs it, with APP_PASSWORD and API_TOKEN set."""
    from bench.live_server import READY_TIMEOUT_SECONDS as SERVER_READY_SECONDS
    from bench.live_server import live_server

    env = {"MODEL_ID": str(tiny_model_dir), "APP_PASSWORD": PASSWORD, "API_TOKEN": API_TOKEN}
    with live_server(tmp_path_factory.mktemp("guarded"), **env) as server:
        server.wait_until("/readyz", 200, SERVER_READY_SECONDS)
        yield server


@dataclass
class HeldModel:
    """A service's micro-batcher with its worker held inside one pass (see `held_model`)."""

    ran: list[int]  # pair count of every pass the worker ran, the holding one first
    queued: threading.Semaphore  # released each time a piece of work enters the queue


held_count = [0]


@contextmanager
def held_model(service) -> Iterator[HeldModel]:
    """Hold `service`'s model inside a one-pair pass until the block ends, so work sent meanwhile
    waits in the queue: a test sees what leaves the queue, with no sleeps."""
    batcher = service._batcher
    release, running = threading.Event(), threading.Event()
    real_run, put = batcher._run_batch, batcher._put
    held = HeldModel([], threading.Semaphore(0))

    def run(features):
        held.ran.append(len(features))
        running.set()
        release.wait()
        return real_run(features)

    def noting_put(*args):
        put(*args)
        held.queued.release()

    batcher._run_batch = run
    # A text never classified before: a cached one would answer without a pass and hold nothing.
    held_count[0] += 1
    first = f"先に走る文です。その{held_count[0]}"
    blocker = threading.Thread(target=service.classify, args=(first, ["旅行"]))
    blocker.start()
    assert running.wait(60)
    batcher._put = noting_put
    try:
        yield held
    finally:
        batcher._put = put
        release.set()
        blocker.join()
        batcher._run_batch = real_run


def run_apart(coroutine):
    """`asyncio.run(coroutine)` on a thread of its own: Playwright's sync API, used earlier in
    the same test process, leaves an event loop running on the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()

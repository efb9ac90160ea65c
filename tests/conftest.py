"""Shared fixtures: a tiny random-weight NLI model built on disk, never fetched from the hub."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Tests never reach the hub: a stray hub id fails at once instead of hanging.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Saved label sets go to a throwaway SQLite file, never to the checkout's data/ folder.
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="zeroshot-test-data-")

from bench.model_builder import build_model  # noqa: E402
from core.config import Settings  # noqa: E402
from core.model import load_model  # noqa: E402

# First runs import torch and transformers; later runs take well under a second.
READY_TIMEOUT_SECONDS = 60
PASSWORD = "correct horse battery staple"
API_TOKEN = "test-api-token-0123456789"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp("tiny-nli-model"))


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir):
    return load_model(str(tiny_model_dir), num_threads=1)


@pytest.fixture
def settings(tiny_model_dir) -> Settings:
    return Settings(model_id=str(tiny_model_dir), num_threads=1)


@pytest.fixture(scope="session")
def ready_service(tiny_model_dir):
    """The app's shared service with the tiny model loaded, as the lifespan hook would leave it."""
    from web import resources

    mp = pytest.MonkeyPatch()
    mp.setenv("MODEL_ID", str(tiny_model_dir))
    resources.get_service.clear()
    resources._cached_classify.clear()
    service = resources.get_service()
    service.start_loading()
    assert service.wait_ready(READY_TIMEOUT_SECONDS)
    yield service
    mp.undo()
    resources.get_service.clear()


@pytest.fixture
def guarded_service(tiny_model_dir, monkeypatch):
    """The app's service, ready with the tiny model, with access control on (password, token)."""
    settings = Settings(
        model_id=str(tiny_model_dir),
        num_threads=1,
        app_password=PASSWORD,
        api_token=API_TOKEN,
        login_max_failures=3,
    )
    from core.service import ClassifierService
    from web import access, resources

    service = ClassifierService(settings)
    service.start_loading()
    assert service.wait_ready(READY_TIMEOUT_SECONDS)
    monkeypatch.setattr(resources, "get_service", lambda: service)
    # Failed tries are remembered per client address; each test starts with none.
    monkeypatch.setattr(access, "GUARD", access.BasicAuthGuard())
    return service


@pytest.fixture(scope="session")
def guarded_server(tiny_model_dir, tmp_path_factory):
    """The real server, run as the container runs it, with APP_PASSWORD and API_TOKEN set."""
    from tests.live_server import READY_TIMEOUT_SECONDS as SERVER_READY_SECONDS
    from tests.live_server import live_server

    env = {"MODEL_ID": str(tiny_model_dir), "APP_PASSWORD": PASSWORD, "API_TOKEN": API_TOKEN}
    with live_server(tmp_path_factory.mktemp("guarded"), **env) as server:
        server.wait_until("/readyz", 200, SERVER_READY_SECONDS)
        yield server

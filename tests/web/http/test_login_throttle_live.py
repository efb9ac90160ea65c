"""The real server under password guessing: forged headers change nothing, health stays fast."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bench.live_server import READY_TIMEOUT_SECONDS, live_server
from core.auth import hash_password
from tests.conftest import PASSWORD

# Wrong tries sent at once: each costs a full PBKDF2 check (~0.3 s of CPU) on the server.
CONCURRENT_GUESSES = 40
# The container's health check gives up after 5 s; answering within half of that is the promise.
HEALTH_BUDGET_SECONDS = 2.5
# Enough that the concurrent guesses are all checked (none refused early by a lockout).
MAX_FAILURES = CONCURRENT_GUESSES + 10


@pytest.fixture(scope="module")
def hashed_server(tiny_model_dir, tmp_path_factory):
    env = {
        "MODEL_ID": str(tiny_model_dir),
        "APP_PASSWORD_HASH": hash_password(PASSWORD),
        "LOGIN_MAX_FAILURES": str(MAX_FAILURES),
        "LOGIN_LOCKOUT_SECONDS": "600",
    }
    with live_server(tmp_path_factory.mktemp("hashed"), **env) as server:
        server.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        yield server


def _guess(url: str, password: str, forwarded_for: str | None = None) -> int:
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return httpx.get(url + "/lite", auth=("me", password), headers=headers, timeout=60).status_code


def test_health_answers_within_its_budget_while_passwords_are_guessed(hashed_server):
    with ThreadPoolExecutor(CONCURRENT_GUESSES) as pool:
        guesses = [
            pool.submit(_guess, hashed_server.url, f"wrong-{i}") for i in range(CONCURRENT_GUESSES)
        ]
        health = httpx.get(hashed_server.url + "/healthz", timeout=10)
        health_seconds = health.elapsed.total_seconds()
        statuses = [guess.result() for guess in guesses]
    assert health.status_code == 200
    assert health_seconds < HEALTH_BUDGET_SECONDS
    assert set(statuses) <= {401, 429}


def test_a_forged_forwarded_for_does_not_escape_the_lockout(hashed_server):
    statuses = []
    for _ in range(MAX_FAILURES + 1):
        statuses.append(
            _guess(hashed_server.url, "wrong", forwarded_for=f"198.51.100.{len(statuses)}")
        )
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429
    assert _guess(hashed_server.url, PASSWORD, forwarded_for=str(uuid.uuid4())[:8]) == 429

"""The OpenAPI document against the live server: it validates, and Schemathesis (every check, a
fixed seed, a bounded number of examples) finds no request it calls valid that the server
refuses, none it calls invalid that the server takes, and no answer it does not describe."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from openapi_spec_validator import validate

from bench.live_server import READY_TIMEOUT_SECONDS, live_server
from web.http.status import OPENAPI_PATH

SEED = 20261130
# About 20 s of Schemathesis on two cores against the tiny model (all phases, 20 operations,
# about 700 requests), under a minute with the server's start.
MAX_EXAMPLES = 6
# 412 and 428 answer a well-formed request by the state it meets (RFC 9110 section 13.1.1,
# RFC 6585 section 3): another client moved the set on, or the set exists and the request named
# no version. They stand beside the 404 and 409 that Schemathesis already expects for state; a
# missing If-Match is answered 428, the status made for exactly that.
CONFIG = """
seed = {seed}

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "428", "429", "5xx"]

[checks.missing_required_header]
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]
"""


@pytest.fixture(scope="module")
def server(tiny_model_dir, tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("openapi"), MODEL_ID=str(tiny_model_dir)) as running:
        running.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        yield running


def test_the_document_validates(server):
    validate(httpx.get(server.url + OPENAPI_PATH).json())


def test_schemathesis_finds_nothing(server, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(seed=SEED), encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            server.url + OPENAPI_PATH,
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]

"""A real Chromium (Debian's package) driven by Playwright, against the real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from bench.live_server import CHROMIUM, CHROMIUM_ARGS, READY_TIMEOUT_SECONDS, live_server
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
# Streamlit renders after its WebSocket connects; a cold first render on CI can take a while.
UI_TIMEOUT_MS = 60_000
# Assertions wait as long as actions do: on a busy 2-core box a page's first draw, or a run after
# a click, can take longer than Playwright's 5 s default.
expect.set_options(timeout=UI_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1500}, locale="ja-JP")
    context.set_default_timeout(UI_TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def app_server(tiny_model_dir, tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("e2e"), MODEL_ID=str(tiny_model_dir)) as server:
        server.wait_until("/readyz", 200, READY_TIMEOUT_SECONDS)
        yield server


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path

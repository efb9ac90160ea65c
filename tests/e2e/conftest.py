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


def wait_until_idle(page) -> None:
    """Until the page's script run is over (Streamlit marks the app `notRunning`)."""
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(idle).to_have_count(1, timeout=UI_TIMEOUT_MS)


def show_results(page, name: str, lang: str) -> None:
    """What page `name` is for, done once, so its results are on the page too."""
    if name == "classify":
        box = page.get_by_role("textbox", name="Text" if lang == "en" else "テキスト", exact=True)
        box.fill("そうだ京都に行こう!")
        page.locator('[data-testid="stFormSubmitButton"] button').first.click()
        expect(page.locator('[data-testid="stTable"]')).to_be_visible()
    elif name == "examples":
        page.get_by_role("button", name="すべて分類").click()
        expect(page.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()
    elif name == "compare":
        page.get_by_role("textbox", name="テキスト").fill("そうだ京都に行こう!")
        page.get_by_role("button", name="比較する").click()
        expect(page.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()
    elif name == "evaluate":
        expect(page.get_by_text("正解率")).to_be_visible()
    elif name == "experiments":
        page.get_by_role("button", name="すべて試す").click()
        expect(page.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()

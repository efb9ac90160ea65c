"""Screenshots of every page at desktop and phone width, kept in tests/artifacts/ to be looked at
(Japanese everywhere, English for Classify and Labels, and the plain-HTTP page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, UI_TIMEOUT_MS

# Tall: Streamlit scrolls inside its own main block, so the page is photographed whole this way.
WIDTHS = {"desktop": (1280, 2200), "phone": (390, 2600)}
SHOTS = [
    ("classify", "ja"),
    ("labels", "ja"),
    ("examples", "ja"),
    ("compare", "ja"),
    ("batch", "ja"),
    ("evaluate", "ja"),
    ("experiments", "ja"),
    ("classify", "en"),
    ("labels", "en"),
]


def _wait_until_idle(page) -> None:
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(idle).to_have_count(1, timeout=UI_TIMEOUT_MS)


def _show_results(page, name: str, lang: str) -> None:
    """What the page is for, done once, so its results are in the picture too."""
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


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(("name", "lang"), SHOTS, ids=[f"{n}-{lang}" for n, lang in SHOTS])
def test_every_page_is_photographed(browser, app_server, width, name, lang):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="ja-JP")
    context.set_default_timeout(UI_TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page = context.new_page()
        path = "" if name == "classify" else name
        page.goto(f"{app_server.url}/{path}" + ("?lang=en" if lang == "en" else ""))
        _wait_until_idle(page)
        expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
        _show_results(page, name, lang)
        _wait_until_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / f"page-{name}-{lang}-{width}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_plain_page_is_photographed(browser, app_server, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(app_server.url + "/lite")
        expect(page.locator("#examples button")).not_to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / f"page-lite-ja-{width}.png"))
    finally:
        context.close()

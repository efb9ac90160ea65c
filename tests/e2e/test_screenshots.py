"""Screenshots of every page at desktop and phone width, kept in tests/artifacts/ to be looked at
(Japanese everywhere, English for Classify and Labels, and the plain-HTTP page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, UI_TIMEOUT_MS, show_results, wait_until_idle

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
        wait_until_idle(page)
        expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
        show_results(page, name, lang)
        wait_until_idle(page)
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

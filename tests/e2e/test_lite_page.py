"""The plain-HTTP page (/lite, the only UI on App Runner) as a visitor uses it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import UI_TIMEOUT_MS, screenshot


@pytest.mark.parametrize("custom", ["スポーツ、音楽", "スポーツ，音楽", "スポーツ, 音楽"])
def test_the_custom_box_splits_on_every_comma_as_the_full_app_does(page, app_server, custom):
    page.goto(app_server.url + "/lite")
    expect(page.locator("#label-choices input")).to_have_count(3)
    page.get_by_role("textbox", name="テキスト").fill("週末はサッカーを見てから歌います。")
    page.get_by_role("textbox", name="カスタムラベル").fill(custom)
    page.get_by_role("button", name="分類する").click()
    results = page.locator("#results li")
    expect(results).to_have_count(5, timeout=UI_TIMEOUT_MS)
    shown = {results.nth(i).get_attribute("data-label") for i in range(5)}
    assert shown == {"旅行", "料理", "踊り", "スポーツ", "音楽"}


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_result_is_brought_into_view(browser, app_server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(app_server.url + "/lite")
        expect(page.locator("#examples button")).not_to_have_count(0)
        page.locator("#examples button").first.click()
        page.get_by_role("button", name="分類する").click()
        first = page.locator("#results li").first
        expect(first).to_be_visible(timeout=UI_TIMEOUT_MS)
        # On a phone the form fills the screen: the page scrolls to the result, not the examples.
        expect(page.get_by_role("heading", name="結果")).to_be_in_viewport()
        expect(first).to_be_in_viewport()
        screenshot(page, f"lite-result-{width}px")
    finally:
        context.close()

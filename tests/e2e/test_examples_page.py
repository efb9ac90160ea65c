"""Examples: adding is alike on every page, and an out-of-date score matrix says so."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import UI_TIMEOUT_MS, screenshot

STALE = "この表は今とは違う"


def _wait_until_idle(page) -> None:
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(idle).to_have_count(1, timeout=UI_TIMEOUT_MS)


def test_enter_in_the_box_adds_an_example_as_on_labels(page, app_server):
    page.goto(app_server.url + "/examples")
    box = page.get_by_role("textbox", name="例文を追加")
    box.fill("エンターで足した例文です。")
    box.press("Enter")
    expect(page.get_by_text("エンターで足した例文です。")).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(box).to_have_value("")


def test_the_matrix_says_when_the_mode_or_labels_changed(page, app_server):
    page.goto(app_server.url + "/examples")
    page.get_by_role("button", name="すべて分類").click()
    expect(page.get_by_role("heading", name="スコア表")).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(page.get_by_text(STALE)).to_have_count(0)
    page.get_by_text("複数ラベル", exact=False).first.click()
    expect(page.get_by_text(STALE)).to_be_visible(timeout=UI_TIMEOUT_MS)
    page.get_by_text("複数ラベル", exact=False).first.click()
    expect(page.get_by_text(STALE)).to_have_count(0, timeout=UI_TIMEOUT_MS)
    _wait_until_idle(page)
    page.get_by_role("link", name="ラベル", exact=True).click()
    page.get_by_role("button", name="✕").first.click()
    _wait_until_idle(page)
    page.get_by_role("link", name="例文", exact=True).click()
    expect(page.get_by_text(STALE)).to_be_visible(timeout=UI_TIMEOUT_MS)
    screenshot(page, "examples-stale")

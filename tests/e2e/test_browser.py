"""What a visitor does in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def _classify(page, text: str) -> None:
    page.get_by_role("textbox", name="テキスト", exact=True).fill(text)
    page.get_by_role("button", name="分類する").click()


def test_classify_a_sentence_and_see_ranked_labels(page, app_server):
    page.goto(app_server.url + "/")
    _classify(page, "そうだ京都に行こう!")
    results = page.get_by_role("heading", name="結果")
    expect(results).to_be_visible()
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible()
    rows = page.locator('[data-testid="stTable"] tbody tr')
    expect(rows).to_have_count(3)
    labels = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)]
    scores = [float(rows.nth(i).locator("td").nth(2).inner_text()) for i in range(3)]
    assert sorted(labels) == sorted(["旅行", "料理", "踊り"])
    assert scores == sorted(scores, reverse=True)
    results.scroll_into_view_if_needed()
    screenshot(page, "classify")

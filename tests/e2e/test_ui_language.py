"""The UI speaks one language: Streamlit's own words too, and lists and names follow it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import UI_TIMEOUT_MS, screenshot
from web.ui.style import STREAMLIT_TEXTS

# Every name, tip and placeholder a person reads or hears, and every text on the page.
_READ_TEXTS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
    for (const name of ["aria-label", "placeholder", "title"]) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    out.push(node.nodeValue.trim());
  }
  return out;
}"""


def _wait_until_idle(page) -> None:
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(idle).to_have_count(1, timeout=UI_TIMEOUT_MS)


def _english_left(page) -> set[str]:
    read = page.evaluate(_READ_TEXTS)
    return {text for text in read if text in STREAMLIT_TEXTS or text.startswith("Remove ")}


def test_the_japanese_ui_has_no_english_of_streamlit(page, app_server):
    for path in ["evaluate", "experiments", "labels"]:
        page.goto(f"{app_server.url}/{path}")
        _wait_until_idle(page)
        expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible(timeout=UI_TIMEOUT_MS)
        if path == "evaluate":
            expect(page.get_by_text("正解率")).to_be_visible(timeout=UI_TIMEOUT_MS)
            page.locator('[data-testid="stDataFrame"]').first.hover()
            expect(page.get_by_role("button", name="全画面表示").first).to_be_visible(
                timeout=UI_TIMEOUT_MS
            )
        assert _english_left(page) == set()
    screenshot(page, "language-ja-labels")


def test_heading_anchors_are_out_of_the_tab_order(page, app_server):
    page.goto(app_server.url + "/")
    _wait_until_idle(page)
    anchors = page.locator('[data-testid="stHeaderActionElements"] a')
    expect(anchors).not_to_have_count(0, timeout=UI_TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stHeaderActionElements\"] a')]"
        ".every(a => a.tabIndex === -1)",
        timeout=UI_TIMEOUT_MS,
    )
    # The first Tab stops are the skip link and the pages, never a hidden anchor.
    for _ in range(3):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.closest('[data-testid]')?.dataset.testid"
        )
        assert focused != "stHeaderActionElements"


def test_the_english_ui_names_the_default_set_and_lists_in_english(page, app_server):
    page.goto(app_server.url + "/?lang=en")
    _wait_until_idle(page)
    expect(page.get_by_text("Labels — Default")).to_be_visible(timeout=UI_TIMEOUT_MS)
    page.get_by_role("textbox", name="Text", exact=True).fill("そうだ京都に行こう!")
    page.get_by_role("button", name="Classify", exact=True).click()
    caption = page.get_by_text("Labels: ", exact=False).first
    expect(caption).to_be_visible(timeout=UI_TIMEOUT_MS)
    assert "、" not in caption.inner_text()
    assert ", " in caption.inner_text()
    page.goto(app_server.url + "/labels?lang=en")
    _wait_until_idle(page)
    expect(page.get_by_role("combobox", name="Set in use")).to_have_value(
        "Default", timeout=UI_TIMEOUT_MS
    )
    expect(page.get_by_text("標準")).to_have_count(0)
    screenshot(page, "language-en-labels")

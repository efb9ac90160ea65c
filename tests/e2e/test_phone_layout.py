"""A phone (390 px) gets a usable page: rows stay on one line, nothing removed is lost for good,
the sidebar gets out of the way, and messages appear where the person is looking."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import UI_TIMEOUT_MS, screenshot, show_results, wait_until_idle

PHONE = {"width": 390, "height": 844}
PAGES = ["classify", "labels", "examples", "compare", "batch", "evaluate", "experiments"]


def _phone(browser):
    context = browser.new_context(viewport=PHONE, locale="ja-JP", has_touch=True)
    context.set_default_timeout(UI_TIMEOUT_MS)
    return context


def _middle(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"] / 2


def test_choosing_a_page_closes_the_sidebar(browser, app_server):
    with _phone(browser) as context:
        page = context.new_page()
        page.goto(app_server.url + "/")
        wait_until_idle(page)
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        page.get_by_role("link", name="ラベル", exact=True).click()
        expect(page.get_by_role("heading", name="ラベルセット")).to_be_visible()
        expect(sidebar).to_have_attribute("data-collapsed", "true")


def test_a_label_row_stays_on_one_line_and_a_removal_can_be_undone(browser, app_server):
    with _phone(browser) as context:
        page = context.new_page()
        page.goto(app_server.url + "/labels")
        first = page.get_by_role("textbox", name="名前を変更").first
        expect(first).to_have_value("旅行")
        for button in ["↑", "↓", "✕"]:
            mark = page.get_by_role("button", name=button).first
            assert abs(_middle(mark) - _middle(first)) < 12
        page.get_by_role("button", name="✕").first.click()
        expect(page.get_by_role("textbox", name="名前を変更").first).to_have_value("料理")
        wait_until_idle(page)
        page.get_by_role("button", name="元に戻す").click()
        expect(page.get_by_role("textbox", name="名前を変更").first).to_have_value("旅行")
        screenshot(page, "phone-labels")


def test_an_example_row_stays_on_one_line_and_a_removal_can_be_undone(browser, app_server):
    with _phone(browser) as context:
        page = context.new_page()
        page.goto(app_server.url + "/examples")
        text = page.get_by_text("そうだ京都に行こう!", exact=True)
        expect(text).to_be_visible()
        remove = page.get_by_role("button", name="✕").first
        assert abs(_middle(remove) - _middle(text)) < 24
        remove.click()
        expect(text).to_have_count(0)
        wait_until_idle(page)
        page.get_by_role("button", name="元に戻す").click()
        expect(page.get_by_text("そうだ京都に行こう!", exact=True)).to_be_visible()
        screenshot(page, "phone-examples")


def test_the_title_fits_its_line(browser, app_server):
    with _phone(browser) as context:
        page = context.new_page()
        page.goto(app_server.url + "/")
        title = page.get_by_role("heading", name="日本語ゼロショット分類")
        expect(title).to_be_visible()
        font = float(title.evaluate("h => parseFloat(getComputedStyle(h).fontSize)"))
        words = title.locator("[data-heading-text]")
        assert words.bounding_box()["height"] < font * 2  # one line, never ゼロショッ/ト


def test_the_classify_error_is_shown_by_the_button(browser, app_server):
    with _phone(browser) as context:
        page = context.new_page()
        page.goto(app_server.url + "/")
        button = page.get_by_role("button", name="分類する")
        button.click()  # no text
        error = page.locator('[data-testid="stAlertContentError"]')
        expect(error).to_be_visible()
        expect(error).to_be_in_viewport()
        assert (
            error.bounding_box()["y"]
            > page.get_by_role("button", name="分類する").bounding_box()["y"]
        )
        screenshot(page, "phone-classify-error")


def _shown_headers(page, table: int = 0) -> list[str]:
    """A table's column headers a phone shows (the grid names only the columns in view)."""
    headers = page.locator('[data-testid="stDataFrame"]').nth(table).locator("th")
    expect(headers).not_to_have_count(0)
    return headers.all_inner_texts()


def _with_results(context, app_server, name: str):
    """Page `name` opened on a phone, with what it is for done once (its results drawn)."""
    page = context.new_page()
    page.goto(f"{app_server.url}/{'' if name == 'classify' else name}")
    wait_until_idle(page)
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
    show_results(page, name, "ja")
    wait_until_idle(page)
    return page


def test_the_leaderboard_shows_each_runs_whole_configuration(browser, app_server):
    with _phone(browser) as context:
        page = _with_results(context, app_server, "experiments")
        # The column after the configuration is in view: the configuration is whole.
        assert {"設定", "正解率"} <= set(_shown_headers(page))
        board = page.locator('[data-testid="stDataFrame"]').first
        configs = board.locator('td[aria-colindex="3"]').all_inner_texts()
        assert len(configs) == len(set(configs)) > 1  # every run told apart
        assert all("単一ラベル" in config and "標準" in config for config in configs)
        screenshot(page, "phone-experiments")


def test_compare_shows_each_templates_answer(browser, app_server):
    with _phone(browser) as context:
        page = _with_results(context, app_server, "compare")
        # The text column after them is in view: template and top label are whole.
        assert {"テンプレート", "最上位", "テキスト"} <= set(_shown_headers(page))
        screenshot(page, "phone-compare")


# Streamlit scrolls its main block, not the document: both are measured.
_SIDEWAYS = """() => [document.scrollingElement, document.querySelector('[data-testid="stMain"]')]
    .map((el) => el.scrollWidth - el.clientWidth)"""


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways(browser, app_server, name):
    with _phone(browser) as context:
        page = _with_results(context, app_server, name)
        assert page.evaluate(_SIDEWAYS) == [0, 0]

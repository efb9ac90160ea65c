"""A phone (390 px) gets a usable page: rows stay on one line, nothing removed is lost for good,
the sidebar gets out of the way, and messages appear where the person is looking."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import UI_TIMEOUT_MS, screenshot

PHONE = {"width": 390, "height": 844}


def _phone(browser):
    context = browser.new_context(viewport=PHONE, locale="ja-JP", has_touch=True)
    context.set_default_timeout(UI_TIMEOUT_MS)
    return context


def _wait_until_idle(page) -> None:
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(idle).to_have_count(1, timeout=UI_TIMEOUT_MS)


def _middle(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"] / 2


def test_choosing_a_page_closes_the_sidebar(browser, app_server):
    with _phone(browser) as context:
        page = context.new_page()
        page.goto(app_server.url + "/")
        _wait_until_idle(page)
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
        _wait_until_idle(page)
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
        _wait_until_idle(page)
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


def test_the_leaderboard_shows_each_part_of_a_configuration(browser, app_server):
    with _phone(browser) as context:
        page = context.new_page()
        page.goto(app_server.url + "/experiments")
        page.get_by_role("button", name="すべて試す").click()
        headers = page.locator('[data-testid="stDataFrame"]').first.locator("th")
        expect(headers.filter(has_text="モード")).not_to_have_count(0)
        texts = headers.all_inner_texts()
        # A phone shows the first columns only: the parts that tell runs apart are among them.
        assert {"モード", "補正"} <= set(texts)
        screenshot(page, "phone-experiments")

"""Evaluate's rows keep what is typed, Japanese input included, and are evaluated on apply."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def _wait_until_idle(page) -> None:
    expect(
        page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    ).to_have_count(1)


def test_typed_rows_are_kept_and_evaluated_when_applied(page, app_server):
    page.goto(app_server.url + "/evaluate")
    expect(page.get_by_text("4/4 件を評価しました")).to_be_visible()
    page.get_by_role("button", name="行を追加").click()
    texts = page.get_by_role("textbox", name="テキスト")
    answers = page.get_by_role("textbox", name="正解ラベル")
    expect(texts).to_have_count(5)
    _wait_until_idle(page)
    # insert_text is what an input method does when it commits a word: no key presses.
    texts.nth(4).click()
    page.keyboard.insert_text("ダンスの練習をした")
    answers.nth(4).click()
    page.keyboard.insert_text("踊り")
    page.keyboard.type("|")
    page.keyboard.insert_text("旅行")
    # Typing alone evaluates nothing: the count is still the applied rows'.
    expect(page.get_by_text("4/4 件を評価しました")).to_be_visible()
    page.get_by_role("button", name="この内容で評価").click()
    expect(page.get_by_text("5/5 件を評価しました")).to_be_visible()
    expect(texts.nth(4)).to_have_value("ダンスの練習をした")
    expect(answers.nth(4)).to_have_value("踊り|旅行")
    expect(page.get_by_text("None", exact=True)).to_have_count(0)
    screenshot(page, "evaluate-rows")


def test_a_removed_row_can_be_undone(page, app_server):
    page.goto(app_server.url + "/evaluate")
    texts = page.get_by_role("textbox", name="テキスト")
    expect(texts.first).to_have_value("そうだ京都に行こう!")
    page.get_by_role("button", name="✕").first.click()
    expect(texts.first).to_have_value("ラーメン二郎が大好きです。")
    _wait_until_idle(page)
    page.get_by_role("button", name="元に戻す").click()
    expect(texts.first).to_have_value("そうだ京都に行こう!")


def test_enter_in_a_row_removes_nothing(page, app_server):
    # Enter in a form presses its first button, which is the first row's ✕: the form takes none.
    page.goto(app_server.url + "/evaluate")
    texts = page.get_by_role("textbox", name="テキスト")
    expect(texts.first).to_have_value("そうだ京都に行こう!")
    _wait_until_idle(page)
    page.get_by_role("textbox", name="正解ラベル").nth(1).click()
    page.keyboard.type("|旅行")
    page.keyboard.press("Enter")
    _wait_until_idle(page)
    expect(texts).to_have_count(4)
    expect(texts.first).to_have_value("そうだ京都に行こう!")
    expect(page.get_by_text("を削除しました")).to_have_count(0)

"""What a teammate made stays made: reloads, share links and page changes keep it (issue 20)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from core.labels.share_links import SharedState, query_string
from tests.e2e.conftest import screenshot
from tests.e2e.test_browser import _classify, _classify_file, _wait_until_idle

RESULT_QUOTE = '[data-testid="stMain"] blockquote'


def _checkbox(page, label: str):
    return page.locator('[data-testid="stCheckbox"]').filter(has_text=re.compile(f"^{label}$"))


def test_a_share_link_is_taken_in_once_and_a_reload_keeps_the_edits(page, app_server):
    shared = SharedState(
        ("温泉", "料理"), "これは{}の話です。", False, "箱根で一泊します。", "共有"
    )
    page.goto(f"{app_server.url}/?{query_string(shared)}")
    text = page.get_by_role("textbox", name="テキスト", exact=True)
    expect(text).to_have_value("箱根で一泊します。")
    expect(page).not_to_have_url(re.compile(r"[?&]s="))
    _checkbox(page, "料理").click()
    _classify(page, "自分で書き直した文です。")
    expect(page.locator(RESULT_QUOTE)).to_contain_text("自分で書き直した文です。")
    _wait_until_idle(page)
    page.reload()
    expect(text).to_have_value("自分で書き直した文です。")
    expect(page.get_by_role("checkbox", name="料理")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="温泉")).to_be_checked()
    screenshot(page, "share-link-reloaded")


def test_making_a_share_link_keeps_its_box_open_with_the_link(page, app_server):
    page.goto(app_server.url + "/")
    _classify(page, "そうだ京都に行こう!")
    expect(page.locator(RESULT_QUOTE)).to_contain_text("そうだ京都に行こう!")
    page.get_by_text("共有リンク", exact=True).click()
    page.get_by_role("button", name="共有リンクを作る").click()
    link = page.locator('[data-testid="stCode"]')
    expect(link).to_contain_text("?s=")
    expect(link).to_be_visible()
    link.scroll_into_view_if_needed()
    screenshot(page, "share-link-made")


def _classified_then_typed(page, url: str):
    """Classify a sentence, then type another without sending it; the text box."""
    page.goto(url + "/")
    _classify(page, "そうだ京都に行こう!")
    expect(page.locator(RESULT_QUOTE)).to_contain_text("そうだ京都に行こう!")
    _wait_until_idle(page)
    text = page.get_by_role("textbox", name="テキスト", exact=True)
    text.fill("まだ送っていない文")
    return text


def test_a_reload_keeps_the_last_result_and_a_text_typed_but_not_sent(page, app_server):
    text = _classified_then_typed(page, app_server.url)
    page.reload()
    expect(text).to_have_value("まだ送っていない文")
    expect(page.locator(RESULT_QUOTE)).to_contain_text("そうだ京都に行こう!")
    expect(page.locator('[data-testid="stTable"] tbody tr')).to_have_count(3)
    # Sent now: the next reload shows what the server has, not an old draft.
    page.get_by_role("button", name="分類する").click()
    expect(page.locator(RESULT_QUOTE)).to_contain_text("まだ送っていない文")
    _wait_until_idle(page)
    page.reload()
    expect(text).to_have_value("まだ送っていない文")
    screenshot(page, "classify-reloaded")


def test_a_box_cleared_but_not_sent_stays_empty_after_a_reload(page, app_server):
    text = _classified_then_typed(page, app_server.url)
    text.fill("")
    page.keyboard.press("Tab")
    page.reload()
    # The server still has the sent text; the cleared box is what the person left.
    expect(page.locator(RESULT_QUOTE)).to_contain_text("そうだ京都に行こう!")
    # The draft keeper put the draft back over the server's value (web/ui/drafts.py)...
    page.wait_for_function(
        "el => el.__draftBase === 'そうだ京都に行こう!'", arg=text.element_handle()
    )
    expect(text).to_have_value("")  # ...and that draft is the empty box


def test_a_reload_keeps_comparisons(page, app_server):
    page.goto(app_server.url + "/")
    page.get_by_role("link", name="テンプレート比較", exact=True).click()
    page.get_by_role("textbox", name="テキスト", exact=True).fill("箱根で温泉に入った。")
    # Leave the box first, as a person moving to the button does, and let that run end: a click
    # racing the box's own run could compare before the text reached the server.
    page.keyboard.press("Tab")
    _wait_until_idle(page)
    page.get_by_role("button", name="比較する").click()
    table = page.locator('[data-testid="stDataFrame"]')
    expect(table).to_be_visible()
    _wait_until_idle(page)
    page.reload()
    expect(table).to_be_visible()
    expect(page.get_by_role("textbox", name="テキスト", exact=True)).to_have_value(
        "箱根で温泉に入った。"
    )
    screenshot(page, "compare-reloaded")


def test_a_text_typed_but_not_sent_survives_another_widgets_run(page, app_server):
    text = _classified_then_typed(page, app_server.url)
    page.get_by_text("根拠を表示", exact=False).click()  # a toggle outside the form: a run
    expect(page.locator(".explain-text")).to_be_visible()
    _wait_until_idle(page)
    expect(text).to_have_value("まだ送っていない文")


def test_experiments_keep_their_templates_across_a_reload(page, app_server):
    page.goto(app_server.url + "/")
    page.get_by_role("link", name="実験", exact=True).click()
    templates = page.get_by_role("textbox", name=re.compile("^テンプレート"))
    templates.fill("これは{}の話です。\nこの文は{}について。")
    templates.blur()  # sends it: a run, and the workspace keeps it
    _wait_until_idle(page)
    page.reload()
    expect(templates).to_have_value("これは{}の話です。\nこの文は{}について。")
    screenshot(page, "experiments-reloaded")


def test_both_downloads_work_one_after_the_other_right_after_a_job(page, app_server, tmp_path):
    page.goto(app_server.url + "/")
    _classify_file(page, tmp_path, "id,text\n1,そうだ京都に行こう!\n2,週末は温泉へ。\n")
    expect(page.get_by_text("2 行を分類しました。")).to_be_visible()
    for name, suffix in (("結果を CSV でダウンロード", ".csv"), ("Excel", ".xlsx")):
        with page.expect_download() as download:
            page.get_by_role("button", name=re.compile(name)).click()
        assert download.value.suggested_filename.endswith(suffix)
        assert Path(download.value.path()).stat().st_size > 0

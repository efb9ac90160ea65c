"""A label written with wordings (`踊り=踊り|ダンス`) is the label 踊り on every page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import UI_TIMEOUT_MS, screenshot
from tests.e2e.test_browser import _classify, _classify_file, _open_page, _wait_until_idle

WRITTEN = "踊り=踊り|ダンス"


def _no_error(page) -> None:
    expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _grid_has_column(page, name: str) -> None:
    # The grid draws on a canvas; its column names are in the table it keeps for screen readers.
    headers = page.locator('[data-testid="stDataFrame"] th')
    expect(headers.filter(has_text=name)).not_to_have_count(0, timeout=UI_TIMEOUT_MS)
    assert not any("=" in h or "|" in h for h in headers.all_inner_texts())


def test_a_label_with_wordings_is_its_name_on_every_page(page, app_server, tmp_path):
    page.goto(app_server.url + "/")
    _open_page(page, "ラベル")
    rename = page.get_by_role("textbox", name="名前を変更").nth(2)
    rename.fill(WRITTEN)
    rename.press("Enter")
    expect(page.get_by_role("textbox", name="名前を変更").nth(2)).to_have_value(WRITTEN)
    _wait_until_idle(page)

    _open_page(page, "分類")
    expect(page.get_by_role("checkbox", name="踊り（踊り・ダンス）")).to_be_visible()
    _classify(page, "ブレイクダンスで踊ります。")
    table = page.locator('[data-testid="stTable"]')
    expect(table.locator("tbody tr")).to_have_count(3, timeout=UI_TIMEOUT_MS)
    labels = sorted(table.locator("tbody tr td:nth-child(2)").all_inner_texts())
    assert labels == sorted(["旅行", "料理", "踊り"])
    _no_error(page)

    _open_page(page, "評価")
    # The seed's answers name 踊り: they are the set's own labels, and the run is measured.
    expect(page.get_by_text("正解率")).to_be_visible(timeout=UI_TIMEOUT_MS)
    _no_error(page)
    screenshot(page, "wordings-evaluate")

    _open_page(page, "例文")
    page.get_by_role("button", name="すべて分類").click()
    expect(page.get_by_role("heading", name="スコア表")).to_be_visible(timeout=UI_TIMEOUT_MS)
    _grid_has_column(page, "踊り")
    _no_error(page)

    _open_page(page, "テンプレート比較")
    page.get_by_role("textbox", name="テキスト").fill("ダンスが好き")
    page.get_by_role("button", name="比較する").click()
    _grid_has_column(page, "踊り")
    _no_error(page)

    _classify_file(page, tmp_path, "id,text\n1,ダンスが好き\n")
    expect(page.get_by_text("1 行を分類しました。")).to_be_visible(timeout=UI_TIMEOUT_MS)
    with page.expect_download() as download:
        page.get_by_role("button", name="結果を CSV でダウンロード").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert saved.splitlines()[0] == "id,text,最上位ラベル,旅行,料理,踊り"

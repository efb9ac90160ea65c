"""What a visitor does in a real browser."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.e2e.conftest import UI_TIMEOUT_MS, screenshot


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


def test_on_a_phone_the_new_result_is_scrolled_into_view(page, app_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(app_server.url + "/")
    _classify(page, "ラーメン二郎が大好きです。")
    heading = page.get_by_role("heading", name="結果")
    expect(heading).to_be_visible()
    # Below the form on a phone: the page scrolls to it (smoothly, so wait for it to arrive).
    expect(heading).to_be_in_viewport()
    button = page.get_by_role("button", name="分類する")
    expect(button).to_be_enabled()
    screenshot(page, "classify-phone-scrolled")


def _wait_until_idle(page) -> None:
    # A widget change reruns the script on the server; leaving the page before that run ends can
    # drop the change, so wait for Streamlit's own "not running" mark.
    expect(
        page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    ).to_have_count(1)


def _open_page(page, name: str) -> None:
    # The sidebar link keeps the browser session (and its labels); a new URL would start afresh.
    page.get_by_role("link", name=name, exact=True).click()


def _add_example(page, text: str) -> None:
    """On Examples, add `text` and wait until the server has taken it (and saved the workspace)."""
    _open_page(page, "例文")
    page.get_by_role("textbox", name="例文を追加").fill(text)
    page.get_by_role("button", name="追加", exact=True).click()
    expect(page.get_by_text(text)).to_be_visible()
    _wait_until_idle(page)


def _classify_file(page, folder: Path, csv_text: str) -> None:
    """On Batch files, upload `csv_text` as a CSV file and classify every row."""
    _open_page(page, "ファイル一括")
    csv_file = folder / "texts.csv"
    csv_file.write_text(csv_text, encoding="utf-8")
    page.locator('[data-testid="stMain"] input[type="file"]').set_input_files(str(csv_file))
    page.get_by_role("button", name="すべての行を分類").click()


def test_a_label_renamed_on_labels_shows_on_classify(page, app_server):
    page.goto(app_server.url + "/")
    _open_page(page, "ラベル")
    rename = page.get_by_role("textbox", name="名前を変更").first
    rename.fill("観光")
    rename.press("Enter")
    expect(page.get_by_role("textbox", name="名前を変更").first).to_have_value("観光")
    _wait_until_idle(page)
    screenshot(page, "labels-renamed")
    _open_page(page, "分類")
    expect(page.get_by_role("checkbox", name="観光")).to_be_visible()
    _classify(page, "そうだ京都に行こう!")
    expect(page.locator('[data-testid="stTable"]')).to_contain_text("観光")
    expect(page.locator('[data-testid="stTable"]')).not_to_contain_text("旅行")


def test_run_all_examples_and_see_the_matrix(page, app_server):
    page.goto(app_server.url + "/")
    _open_page(page, "例文")
    page.get_by_role("button", name="すべて分類").click()
    expect(page.get_by_role("heading", name="スコア表")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    screenshot(page, "examples-matrix")


def test_html_in_a_label_shows_as_text_and_never_runs(page, app_server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(app_server.url + "/")
    custom = page.get_by_role("textbox", name="カスタムラベル")
    # No `=` or `|` in the markup: those write a label's wordings (core.labels.written).
    custom.fill("<img src onerror>, <script>alert(1)</script>, **太字**")
    _classify(page, "<script>alert(2)</script>京都")
    table = page.locator('[data-testid="stTable"]')
    expect(table).to_contain_text("<img src onerror>")
    expect(table).to_contain_text("<script>alert(1)</script>")
    expect(table).to_contain_text("**太字**")
    assert dialogs == []
    screenshot(page, "classify-html-as-text")


def test_login_fail_once_pass_use_and_log_out(page, guarded_server):
    from tests.conftest import PASSWORD

    # A deep link as the process's very first visit must still meet the login page.
    page.goto(guarded_server.url + "/labels")
    password = page.get_by_label("パスワード")
    expect(password).to_be_visible()
    expect(page.get_by_text("ラベルを追加")).to_have_count(0)
    screenshot(page, "login")
    password.fill("wrong password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_text("パスワードが違います")).to_be_visible()
    expect(page.get_by_label("パスワード")).to_be_visible()
    screenshot(page, "login-failed")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(
        page.get_by_role("button", name="ラベルを追加").or_(page.get_by_text("ラベルを追加"))
    ).to_be_visible()
    _open_page(page, "分類")
    _classify(page, "ラーメン二郎が大好きです。")
    expect(page.locator('[data-testid="stTable"] tbody tr')).to_have_count(3)
    screenshot(page, "login-signed-in")
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_label("パスワード")).to_be_visible()
    expect(page.get_by_role("textbox", name="テキスト", exact=True)).to_have_count(0)
    screenshot(page, "login-signed-out")


def test_a_password_login_is_kept_across_a_reload_until_log_out(page, guarded_server):
    from tests.conftest import PASSWORD

    page.goto(guarded_server.url + "/")
    page.get_by_label("パスワード").fill(PASSWORD)
    # The page's own script trades a grant for the login cookie right after the login.
    with page.expect_response(lambda r: r.url.endswith("/auth/session")) as kept:
        page.get_by_role("button", name="ログイン").click()
    assert kept.value.status == 204
    cookie = {c["name"]: c for c in page.context.cookies()}["zeroshot_login"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.reload()
    expect(page.get_by_role("textbox", name="テキスト", exact=True)).to_be_visible()
    expect(page.get_by_label("パスワード")).to_have_count(0)
    with page.expect_response(lambda r: r.url.endswith("/auth/logout")):
        page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_label("パスワード")).to_be_visible()
    assert "zeroshot_login" not in {c["name"] for c in page.context.cookies()}
    page.reload()
    expect(page.get_by_label("パスワード")).to_be_visible()


def test_a_signed_in_teammate_uploads_a_batch_file(page, guarded_server, tmp_path):
    from tests.conftest import PASSWORD

    page.goto(guarded_server.url + "/")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    _classify_file(page, tmp_path, "text\nそうだ京都に行こう!\nラーメン二郎が大好きです。\n")
    expect(page.get_by_text("2 行を分類しました。")).to_be_visible()
    screenshot(page, "batch-signed-in")
    with page.expect_download() as download:
        page.get_by_role("button", name="結果を CSV でダウンロード").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert saved.splitlines()[0] == "text,最上位ラベル,旅行,料理,踊り"
    assert "ラーメン二郎が大好きです。" in saved


def test_the_plain_page_works_behind_the_password(browser, guarded_server):
    from tests.conftest import PASSWORD

    context = browser.new_context(
        locale="ja-JP", http_credentials={"username": "me", "password": PASSWORD}
    )
    try:
        page = context.new_page()
        page.goto(guarded_server.url + "/lite")
        page.get_by_role("textbox", name="テキスト").fill(
            "京都でお番菜を食べた後に、日舞を見ます。"
        )
        page.get_by_role("button", name="分類する").click()
        expect(page.locator("#results li")).to_have_count(3)
    finally:
        context.close()


def test_the_plain_page_without_the_password_shows_nothing(page, guarded_server):
    # Headless Chromium cannot show the Basic-auth prompt: the navigation fails on the 401.
    with pytest.raises(PlaywrightError, match="AUTH"):
        page.goto(guarded_server.url + "/lite")
    expect(page.get_by_role("textbox", name="テキスト")).to_have_count(0)


def test_a_share_link_opens_with_its_labels_and_text(page, app_server):
    from core.labels.share_links import SharedState, query_string

    shared = SharedState(
        ("温泉", "料理"), "これは{}の話です。", False, "箱根で一泊します。", "共有"
    )
    page.goto(f"{app_server.url}/?{query_string(shared)}")
    expect(page.get_by_role("checkbox", name="温泉")).to_be_visible()
    expect(page.get_by_role("textbox", name="テキスト", exact=True)).to_have_value(
        "箱根で一泊します。"
    )
    page.get_by_role("button", name="分類する").click()
    expect(page.locator('[data-testid="stTable"] tbody tr')).to_have_count(2)
    screenshot(page, "share-link")


def test_the_evaluation_page_measures_the_seed_examples(page, app_server):
    page.goto(app_server.url + "/")
    _open_page(page, "評価")
    expect(page.get_by_text("正解率")).to_be_visible()
    expect(page.get_by_text("マクロ F1")).to_be_visible()
    screenshot(page, "evaluate")


def test_explain_shades_each_word_and_escapes_markup(page, app_server):
    page.goto(app_server.url + "/")
    _classify(page, "<b>週末</b>は京都で寺を巡った")
    page.get_by_text("根拠を表示", exact=False).click()
    words = page.locator(".explain-text .explain-word")
    expect(words.first).to_be_visible()
    shown = page.locator(".explain-text").inner_text()
    assert shown == "<b>週末</b>は京都で寺を巡った"
    assert page.locator(".explain-text b").count() == 0
    assert words.first.get_attribute("title").startswith(("+", "-"))
    page.locator(".explain-text").scroll_into_view_if_needed()
    screenshot(page, "classify-explain")


@contextmanager
def _another_browser(browser, width: int = 1280, height: int = 1500):
    """A page in a fresh browser context: no cookies, no session, as another person's browser."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
    context.set_default_timeout(UI_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_work_typed_in_one_browser_is_there_when_another_opens_the_url(page, browser, app_server):
    page.goto(app_server.url + "/")
    _add_example(page, "週末は温泉でゆっくりします。")
    expect(page).to_have_url(re.compile(r"[?&]w=[\w-]+"))
    url = page.url
    with _another_browser(browser) as other:
        other.goto(url)
        expect(other.get_by_text("週末は温泉でゆっくりします。")).to_be_visible()
        screenshot(other, "workspace-restored")


def test_a_batch_job_is_there_after_leaving_the_page_and_in_another_browser(
    page, browser, app_server, tmp_path
):
    page.goto(app_server.url + "/")
    rows = "1,そうだ京都に行こう!\n2,ラーメン二郎が大好きです。\n3,週末は温泉へ。\n"
    _classify_file(page, tmp_path, "id,text\n" + rows)
    expect(page.get_by_text("3 行を分類しました。")).to_be_visible()
    _wait_until_idle(page)
    _open_page(page, "分類")
    _wait_until_idle(page)
    _open_page(page, "ファイル一括")
    # The file is no longer in the uploader; the job and its results are still the workspace's.
    expect(page.get_by_text("3 行を分類しました。")).to_be_visible()
    expect(page.get_by_role("button", name="結果を CSV でダウンロード")).to_be_visible()
    url = page.url
    with _another_browser(browser) as other:
        other.goto(url)
        expect(other.get_by_text("3 行を分類しました。")).to_be_visible()
        with other.expect_download() as download:
            other.get_by_role("button", name="結果を CSV でダウンロード").click()
        saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert saved.splitlines()[0] == "id,text,最上位ラベル,旅行,料理,踊り"
        screenshot(other, "batch-job-restored")


def test_a_workspace_exported_as_json_opens_elsewhere_as_a_new_workspace(
    page, browser, app_server, tmp_path
):
    page.goto(app_server.url + "/")
    _add_example(page, "書き出し用の例文です。")
    page.get_by_text("ワークスペース", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="JSON で書き出す").click()
    exported = tmp_path / "workspace.json"
    download.value.save_as(exported)
    assert "書き出し用の例文です。" in exported.read_text(encoding="utf-8")

    with _another_browser(browser) as other:
        other.goto(app_server.url + "/")
        other.get_by_text("ワークスペース", exact=True).click()
        other.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(exported)
        expect(other.get_by_text("読み込みました")).to_be_visible()
        _open_page(other, "例文")
        expect(other.get_by_text("書き出し用の例文です。")).to_be_visible()
        assert other.url.split("w=")[1] != page.url.split("w=")[1]


# Each page's own URL path (st.Page names them after their files).
PAGE_PATHS = ["", "labels", "examples", "compare", "batch", "evaluate", "experiments"]


@pytest.mark.parametrize(("width", "height"), [(1280, 1500), (390, 844)], ids=["desktop", "phone"])
def test_every_page_draws_without_an_error_at_desktop_and_phone_width(
    browser, app_server, width, height
):
    with _another_browser(browser, width, height) as page:
        for index, path in enumerate(PAGE_PATHS):
            page.goto(f"{app_server.url}/{path}")
            _wait_until_idle(page)
            expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
            assert page.locator('[data-testid="stException"]').count() == 0
            assert not page.get_by_text("Press Enter to submit form").is_visible()
            assert not page.get_by_text("Drag and drop file here").is_visible()
            screenshot(page, f"page-{index + 1}-{width}px")


def test_a_two_by_two_grid_is_run_applied_and_kept_for_another_browser(page, browser, app_server):
    # Two templates x two modes, on the evaluation rows the Evaluate page starts with.
    page.goto(app_server.url + "/")
    _open_page(page, "実験")
    page.get_by_role("textbox", name="テンプレート (1行に1つ)").fill(
        "この例は{}です。\nこれは{}の話です。"
    )
    page.get_by_text("テンプレートの平均も試す").click()
    _wait_until_idle(page)
    page.locator('[data-testid="stMultiSelect"]').nth(1).locator("input").click()
    page.get_by_role("option", name="複数ラベル").click()
    page.keyboard.press("Escape")
    _wait_until_idle(page)
    page.get_by_role("button", name="すべて試す").click()
    expect(page.get_by_text("4/4 通りを評価しました")).to_be_visible()
    page.get_by_role("button", name="このラベルとテンプレートを使う").click()
    expect(page.get_by_text("現在の設定にしました")).to_be_visible()
    _wait_until_idle(page)
    screenshot(page, "experiments-run")

    with _another_browser(browser) as other:
        other.goto(page.url)
        expect(other.get_by_role("heading", name="成績表")).to_be_visible()
        board = other.locator('[data-testid="stDataFrame"]').first
        expect(board).to_be_visible()
        expect(other.get_by_text("まだ実行結果がありません")).to_have_count(0)

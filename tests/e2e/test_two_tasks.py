"""A two-task stand-in for the team deployment (copilot/zeroshot-full): two app processes on one
real PostgreSQL, behind nginx with two upstreams kept sticky by the ALB's cookie, in Chromium.

(a) A signed-in teammate edits a workspace, runs an experiment, uploads a file and runs a batch
    job, downloads the result, and reloads landing on both tasks: all of it works on each task
    and is the same on both (the sign-in too: the kept login is a cookie every task accepts).
(b) Both processes are stopped and started again (a redeploy): the workspace, the saved set,
    the experiment run and the finished batch job are all still there.
"""

from __future__ import annotations

import re
import secrets
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from bench.live_server import READY_TIMEOUT_SECONDS, free_port, live_server
from tests.conftest import API_TOKEN, PASSWORD
from tests.e2e.conftest import UI_TIMEOUT_MS, screenshot
from tests.e2e.test_browser import _add_example, _classify_file, _open_page, _wait_until_idle
from tests.proxies import STICKY_COOKIE, sticky_proxy

TASKS = ("a", "b")
EXAMPLE = "二つのタスクで共有される例文です。"
ROWS = "id,text\n1,そうだ京都に行こう!\n2,ラーメン二郎が大好きです。\n"
JOB_DONE = "2 行を分類しました。"
DOWNLOAD = "結果を CSV でダウンロード"
SAVED_SET = "two-tasks"
# Playwright's own default for an assertion, put back after this test.
DEFAULT_EXPECT_MS = 5_000
# Reloads after the work is done, alternating tasks: each must show the same work.
RELOADS = 2


@pytest.fixture
def database_url(postgres_url):
    """A database of this test's own on the run's PostgreSQL server, as the tasks' DATABASE_URL."""
    name = f"two_tasks_{secrets.token_hex(4)}"
    from sqlalchemy import create_engine, text

    engine = create_engine(
        postgres_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return postgres_url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def _tasks(tmp: Path, ports: dict[str, int], env: dict[str, str], model: bool):
    """Both tasks started together (each migrates the database on start), serving; with
    `model`, once their models are ready too."""
    with ExitStack() as stack:
        servers = [
            stack.enter_context(live_server(tmp / name, port=ports[name], **env)) for name in TASKS
        ]
        for server in servers:
            server.wait_until("/readyz" if model else "/healthz", 200, READY_TIMEOUT_SECONDS)
        yield


@pytest.fixture
def deployment(tiny_model_dir, database_url, tmp_path):
    """(start, stop) of the two tasks, and the address of the sticky proxy in front of them."""
    ports = {name: free_port() for name in TASKS}
    for name in TASKS:
        (tmp_path / name).mkdir()
    env = {
        "MODEL_ID": str(tiny_model_dir),
        "DATABASE_URL": database_url,
        "APP_PASSWORD": PASSWORD,
        "API_TOKEN": API_TOKEN,
    }

    class Deployment:
        url = ""
        _running: ExitStack | None = None

        def start(self, model: bool = True) -> None:
            self._running = ExitStack()
            self._running.enter_context(_tasks(tmp_path, ports, env, model))

        def stop(self) -> None:
            self._running.close()

    deployment = Deployment()
    deployment.start()
    try:
        with sticky_proxy(tmp_path / "nginx", ports) as url:
            deployment.url = url
            yield deployment
    finally:
        deployment.stop()


def _on_task(page, url: str, task: str) -> None:
    """Open `url` as a browser the balancer keeps on `task`, and check that task answered."""
    host = url.split("/")[2].split(":")[0]
    # Leave the page first: its own requests in flight (a WebSocket reconnecting through a
    # restart) would bring back the balancer's cookie for the task it was on, over this one.
    page.goto("about:blank")
    page.context.add_cookies([{"name": STICKY_COOKIE, "value": task, "domain": host, "path": "/"}])
    response = page.goto(url)
    assert response.headers["x-task"] == task
    _wait_until_idle(page)


def _download_is_the_result(page) -> None:
    _wait_until_idle(page)  # the file is made by the session's own run: not in the middle of one
    with page.expect_download() as download:
        page.get_by_role("button", name=DOWNLOAD).click()
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert saved.splitlines()[0] == "id,text,最上位ラベル,旅行,料理,踊り"
    assert "ラーメン二郎が大好きです。" in saved


def _everything_is_there(page, workspace_url: str, task: str) -> None:
    _on_task(page, workspace_url, task)
    expect(page.get_by_label("パスワード")).to_have_count(0)  # still signed in, on either task
    _open_page(page, "例文")
    expect(page.get_by_text(EXAMPLE)).to_be_visible()
    _wait_until_idle(page)
    _open_page(page, "実験")
    expect(page.get_by_role("heading", name="成績表")).to_be_visible()
    expect(page.get_by_text("まだ実行結果がありません")).to_have_count(0)
    _wait_until_idle(page)
    _open_page(page, "ファイル一括")
    expect(page.get_by_text(JOB_DONE)).to_be_visible()
    _download_is_the_result(page)


def _saved_set(url: str, task: str) -> httpx.Response:
    return httpx.get(
        f"{url}/api/label-sets/{SAVED_SET}",
        headers={"Authorization": f"Bearer {API_TOKEN}"},
        cookies={STICKY_COOKIE: task},
        timeout=30,
    )


# Two servers started twice and a browser visiting a dozen pages: about a minute on a quiet 2-core
# machine; the ceiling leaves room for a busy one.
@pytest.mark.timeout(600)
def test_two_sticky_tasks_on_one_database_share_the_work_and_keep_it_across_a_redeploy(
    browser, deployment, tmp_path
):
    context = browser.new_context(viewport={"width": 1280, "height": 1500}, locale="ja-JP")
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    # Two servers share the machine's cores: an experiment or a job may take more than the
    # 5 s an assertion waits by default.
    expect.set_options(timeout=UI_TIMEOUT_MS)
    try:
        # (a) Signed in on task a: a workspace edit and an experiment run.
        _on_task(page, deployment.url + "/", "a")
        page.get_by_label("パスワード").fill(PASSWORD)
        with page.expect_response(lambda r: r.url.endswith("/auth/session")):
            page.get_by_role("button", name="ログイン").click()
        _add_example(page, EXAMPLE)
        expect(page).to_have_url(re.compile(r"[?&]w=[\w-]+"))
        workspace_url = page.url
        _open_page(page, "実験")
        _wait_until_idle(page)
        page.get_by_role("button", name="すべて試す").click()
        expect(page.get_by_text("まだ実行結果がありません")).to_have_count(0)
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
        _wait_until_idle(page)

        # On task b, the same browser is still signed in; its upload goes to task b, which runs
        # the job; the result downloads there.
        _on_task(page, workspace_url, "b")
        expect(page.get_by_label("パスワード")).to_have_count(0)
        _classify_file(page, tmp_path, ROWS)
        expect(page.get_by_text(JOB_DONE)).to_be_visible()
        _download_is_the_result(page)
        _wait_until_idle(page)
        screenshot(page, "two-tasks-batch-on-b")

        # A set saved for the team through the API, answered by whichever task.
        created = httpx.put(
            f"{deployment.url}/api/label-sets/{SAVED_SET}",
            json={"labels": ["旅行", "料理"], "hypothesis_template": "これは{}の話です。"},
            headers={"Authorization": f"Bearer {API_TOKEN}", "If-None-Match": "*"},
            cookies={STICKY_COOKIE: "a"},
            timeout=30,
        )
        assert created.status_code == 201

        for reload in range(RELOADS):
            _everything_is_there(page, workspace_url, TASKS[reload % 2])
        assert [_saved_set(deployment.url, task).status_code for task in TASKS] == [200, 200]

        # (b) A redeploy: both processes stop and start again, nothing kept in them.
        deployment.stop()
        # What was saved needs no model to be shown: the check does not wait for it to load.
        deployment.start(model=False)
        for task in TASKS:
            _everything_is_there(page, workspace_url, task)
            assert _saved_set(deployment.url, task).json()["labels"] == ["旅行", "料理"]
        screenshot(page, "two-tasks-after-redeploy")
    finally:
        expect.set_options(timeout=DEFAULT_EXPECT_MS)
        context.close()

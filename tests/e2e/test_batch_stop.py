"""Batch files' stop button in a real browser: the job stops within one pass, no row is scored
after it, and the partial download holds the classified rows only (issue 20, trap 10)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pandas as pd
from playwright.sync_api import expect
from sqlalchemy import select

from core.config import Settings
from core.exploration import batch_jobs
from core.exploration.batch_files import MAX_ROWS
from core.exploration.batch_jobs import JobStatus, JobStore
from core.labels.defaults import DEFAULT_LABELS
from core.storage import Database
from tests.e2e.conftest import wait_until_idle

# Long enough that the job runs for seconds on the tiny model, however fast the machine: the
# stop button is pressed well before the last row.
TEXT = "そうだ京都に行こう!京都で寺を巡り、抹茶を飲み、夜は鴨川の近くで食事をしました。" * 3


def _server_jobs(app_server) -> tuple[JobStore, Database]:
    database = Database(Settings.from_env(app_server.env).store.url)
    return JobStore(database), database


def _job_of(database: Database, file_name: str) -> str:
    """The id of the job made for `file_name` (unique to the test)."""
    table = batch_jobs.batch_jobs
    query = select(table.c.id).where(table.c.spec.contains(f'"{file_name}"'))
    return database.read(lambda conn: conn.execute(query).scalar_one())


def test_stop_ends_the_job_at_once_and_the_download_holds_only_classified_rows(
    page, app_server, tmp_path
):
    name = f"stop-{secrets.token_hex(4)}.csv"
    csv_file = tmp_path / name
    pd.DataFrame({"id": range(MAX_ROWS), "text": [f"{TEXT}{i}" for i in range(MAX_ROWS)]}).to_csv(
        csv_file, index=False
    )
    page.goto(app_server.url + "/batch")
    wait_until_idle(page)
    page.locator('[data-testid="stMain"] input[type="file"]').set_input_files(str(csv_file))
    page.get_by_role("button", name="すべての行を分類").click()
    page.get_by_role("button", name="止める").click()
    # Acknowledged: the page says it is stopping (or has stopped).
    expect(page.get_by_text(re.compile("止めています…|行で止めました"))).to_be_visible()
    jobs, database = _server_jobs(app_server)
    job_id = _job_of(database, name)
    acknowledged = jobs.get(job_id, light=True)
    assert acknowledged.stop_requested
    stopped = page.get_by_text(re.compile(rf"(\d+)/{MAX_ROWS} 行で止めました"))
    expect(stopped).to_be_visible()
    done = int(re.search(rf"(\d+)/{MAX_ROWS}", stopped.inner_text()).group(1))

    job = jobs.get(job_id)
    assert job.status == JobStatus.STOPPED
    assert job.done == done < MAX_ROWS
    # The pass under way when the stop came is dropped (its rows are not kept): nothing was
    # scored after the page said it was stopping.
    assert done == acknowledged.done
    assert all(row is not None for row in job.rows[:done])
    assert all(row is None for row in job.rows[done:])

    wait_until_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="結果を CSV でダウンロード").click()
    rows = pd.read_csv(Path(download.value.path()), encoding="utf-8-sig")
    assert rows["id"].tolist() == list(range(done))
    assert rows[list(DEFAULT_LABELS)].notna().all().all()

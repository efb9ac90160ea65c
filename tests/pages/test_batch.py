"""Batch page: upload → a job classifies every row on the server → download; the scores equal
/api/classify's; the job and its results outlive the page and the session."""

from __future__ import annotations

import io
import threading

import pandas as pd
import pytest

from core.exploration import batch_jobs
from tests.pages.conftest import (
    as_shown,
    batch_table,
    goto,
    new_session,
    run_batch_job,
    workspace_id,
)

ROWS = ["そうだ京都に行こう!", "ラーメン二郎が大好きです。", "ブレイクダンスでダンスバトルです。"]


def _upload(at, name, data):
    at.file_uploader(key="batch_file").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception
    return at


def test_a_batch_file_round_trip_matches_the_api(app, ready_service):
    from core.exploration import batch_files as batch
    from tests.web.http.conftest import client_for

    api_client = client_for(ready_service.settings)
    goto(app, "pages/batch.py")
    csv_bytes = pd.DataFrame({"id": [1, 2, 3], "text": ROWS}).to_csv(index=False).encode()
    _upload(app, "texts.csv", csv_bytes)
    app.selectbox(key="batch_column").set_value("text")
    job_id = run_batch_job(app)
    download = _batch_download(app)[0]
    assert download.proto.label == "結果を CSV でダウンロード"
    # The bytes the download button serves: the job's table through batch_files.to_csv.
    served = batch.to_csv(batch_table(job_id))
    back = pd.read_csv(io.BytesIO(served), encoding="utf-8-sig")
    for _, row in back.iterrows():
        api = api_client.post(
            "/api/classify", json={"text": row["text"], "labels": ["旅行", "料理", "踊り"]}
        ).json()
        assert row["最上位ラベル"] == api["labels"][0]
        for label, score in zip(api["labels"], api["scores"], strict=True):
            assert row[label] == pytest.approx(score, abs=1e-6)


@pytest.mark.parametrize(
    ("name", "data"),
    [("binary.csv", bytes(range(256)) * 8), ("blank.csv", b"a,b\n,\n,\n")],
    ids=["binary file as CSV", "no text column"],
)
def test_a_bad_file_is_a_message_and_the_session_keeps_its_work(app, name, data):
    goto(app, "pages/batch.py")
    _upload(app, name, data)
    assert app.error
    assert not _batch_download(app)
    goto(app, "pages/classify.py")
    assert [c.label for c in app.checkbox] == ["旅行", "料理", "踊り"]


def _batch_download(app):
    return [button for button in app.get("download_button") if button.key == "batch_download"]


def test_the_text_column_is_guessed_and_every_column_kept(app):
    goto(app, "pages/batch.py")
    csv_bytes = pd.DataFrame({"id": [1, 2, 3], "text": ROWS}).to_csv(index=False).encode()
    _upload(app, "texts.csv", csv_bytes)
    assert app.selectbox(key="batch_column").value == "text"
    table = batch_table(run_batch_job(app))
    assert list(table.columns)[:3] == ["id", "text", "最上位ラベル"]


def test_results_of_an_earlier_file_are_not_shown_beside_a_new_one(app):
    goto(app, "pages/batch.py")
    first = pd.DataFrame({"text": ROWS}).to_csv(index=False).encode()
    _upload(app, "first.csv", first)
    run_batch_job(app)
    assert _batch_download(app)
    second = pd.DataFrame({"text": ["別のファイルの文です。"]}).to_csv(index=False).encode()
    _upload(app, "second.csv", second)
    assert not _batch_download(app)
    assert not app.success


def test_a_finished_job_is_shown_again_in_another_session_of_the_workspace(app):
    goto(app, "pages/batch.py")
    _upload(app, "texts.csv", pd.DataFrame({"text": ROWS}).to_csv(index=False).encode())
    run_batch_job(app)
    # A reload: a new session, no file in the uploader, the same workspace in the URL.
    later = new_session(w=workspace_id(app))
    goto(later, "pages/batch.py")
    assert _batch_download(later)
    assert later.success[0].value == "3 行を分類しました。"
    assert any("ファイル「texts.csv」" in as_shown(caption.value) for caption in later.caption)


def test_a_stopped_job_keeps_its_rows_and_goes_on_from_there(app, monkeypatch):
    monkeypatch.setattr(batch_jobs, "JOB_CHUNK_PAIRS", 3)  # one row per chunk
    goto(app, "pages/batch.py")
    _upload(app, "texts.csv", pd.DataFrame({"text": ROWS}).to_csv(index=False).encode())
    from web import resources

    real = resources._score_rows
    first_done = []

    def score_then_stop(texts, *args, **kwargs):
        rows = real(texts, *args, **kwargs)
        if not first_done:
            first_done.append(True)
            resources.stop_batch_job(app.session_state["workspace"].batch_job)
        return rows

    monkeypatch.setattr(resources, "_score_rows", score_then_stop)
    job_id = run_batch_job(app)
    job = resources.find_job(job_id)
    assert (job.status, job.done) == (batch_jobs.JobStatus.STOPPED, 1)
    assert "1/3 行で止めました" in app.warning[0].value
    assert _batch_download(app)  # the row done can be downloaded
    # Shown (and downloaded) alone: not beside rows without scores.
    results = [d.value for d in app.dataframe if "最上位ラベル" in d.value.columns]
    assert [list(r["text"]) for r in results] == [ROWS[:1]]
    app.button(key="batch_go_on").click().run()
    assert batch_jobs.wait(job_id, timeout=60)
    app.run()
    job = resources.find_job(job_id)
    assert (job.status, job.done) == (batch_jobs.JobStatus.DONE, 3)
    assert all(row is not None for row in job.rows)


def test_a_running_job_shows_its_progress_and_can_be_stopped_from_any_page_visit(app, monkeypatch):
    from web import resources

    monkeypatch.setattr(batch_jobs, "JOB_CHUNK_PAIRS", 3)  # one row per chunk
    real = resources._score_rows
    first_row_done, go_on = threading.Event(), threading.Event()

    def held_after_the_first_row(texts, *args, **kwargs):
        rows = real(texts, *args, **kwargs)
        first_row_done.set()
        assert go_on.wait(60)
        return rows

    monkeypatch.setattr(resources, "_score_rows", held_after_the_first_row)
    goto(app, "pages/batch.py")
    _upload(app, "texts.csv", pd.DataFrame({"text": ROWS}).to_csv(index=False).encode())
    app.button(key="batch_run").click().run()
    assert first_row_done.wait(60)
    goto(app, "pages/classify.py")
    goto(app, "pages/batch.py")  # back again: the job is still there, running
    assert "サーバーで分類中です" in app.info[0].value
    assert app.get("progress")
    app.button(key="batch_stop").click().run()
    go_on.set()
    job_id = app.session_state["workspace"].batch_job
    assert batch_jobs.wait(job_id, timeout=60)
    app.run()
    job = resources.find_job(job_id)
    assert job.status == batch_jobs.JobStatus.STOPPED
    assert job.done < len(ROWS)
    assert app.button(key="batch_go_on")


def _xlsx(rows: list[list[str | None]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("header", "columns"),
    [(["本文", "本文"], ["本文", "本文.1"]), (["column2", None], ["column2", "column2.1"])],
    ids=["repeated name", "blank cell beside column2"],
)
def test_an_excel_header_with_a_repeated_name_gets_unique_names(app, header, columns):
    goto(app, "pages/batch.py")
    _upload(app, "texts.xlsx", _xlsx([header, *[[text, "メモ"] for text in ROWS]]))
    assert not app.error
    assert app.selectbox(key="batch_column").options == columns
    assert app.selectbox(key="batch_column").value == columns[0]


def test_excels_unicode_text_export_is_read(app):
    # Excel's 「Unicode テキスト」: UTF-16 little-endian with a BOM, tab-separated.
    data = "\r\n".join(["id\t本文", *[f"{i}\t{text}" for i, text in enumerate(ROWS)]])
    goto(app, "pages/batch.py")
    _upload(app, "texts.txt", data.encode("utf-16"))
    assert not app.error
    assert app.selectbox(key="batch_column").value == "本文"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("broken.csv", "本文\n京都です\n".encode() + b"\xe3\x81", "UTF-8"),
        ("broken.txt", "本文\n".encode("utf-16") + b"\x00\xd8a\x00", "UTF-16"),
        ("wide.csv", "本文\n京都\n".encode("utf-32"), "UTF-16"),
    ],
    ids=["UTF-8 cut mid-character", "UTF-16 lone surrogate", "UTF-32"],
)
def test_malformed_unicode_in_an_upload_is_a_clear_message(app, name, data, says):
    goto(app, "pages/batch.py")
    _upload(app, name, data)
    assert says in as_shown(app.error[0].value)


def test_past_its_row_limit_the_page_gives_the_bulk_command_for_the_set_on_screen(app):
    import shlex

    from core.bulk.__main__ import parser
    from core.labels.defaults import DEFAULT_LABELS

    goto(app, "pages/batch.py")
    csv_bytes = pd.DataFrame({"id": [1, 2], "本文": ROWS[:2]}).to_csv(index=False).encode()
    _upload(app, "チケット 2026.csv", csv_bytes)
    command = shlex.split(app.code[0].value)
    assert command[:4] == ["python", "-m", "core.bulk", "classify"]
    args = parser().parse_args(command[3:])
    assert args.input == "チケット 2026.csv"
    assert args.labels.split(",") == list(DEFAULT_LABELS)
    assert args.template == "この例は{}です。"
    assert args.column == "本文"
    assert not args.multi_label

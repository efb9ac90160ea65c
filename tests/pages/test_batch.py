"""Batch page: upload → classify every row → download; the scores equal /api/classify's."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.pages.conftest import goto

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
    app.button(key="batch_run").click().run()
    assert not app.exception
    download = _batch_download(app)[0]
    assert download.proto.label == "結果を CSV でダウンロード"
    # The bytes the download button serves: the session's table through batch_files.to_csv.
    served = batch.to_csv(app.session_state["batch_output"][1])
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
    app.button(key="batch_run").click().run()
    table = app.session_state["batch_output"][1]
    assert list(table.columns)[:3] == ["id", "text", "最上位ラベル"]


def test_results_of_an_earlier_file_are_not_shown_beside_a_new_one(app):
    goto(app, "pages/batch.py")
    first = pd.DataFrame({"text": ROWS}).to_csv(index=False).encode()
    _upload(app, "first.csv", first)
    app.button(key="batch_run").click().run()
    assert _batch_download(app)
    second = pd.DataFrame({"text": ["別のファイルの文です。"]}).to_csv(index=False).encode()
    _upload(app, "second.csv", second)
    assert not _batch_download(app)
    assert not app.success

from __future__ import annotations

import io

import pandas as pd
import pytest

from core.errors import InputError
from core.exploration import batch_files as batch

CSV = "id,text\n1,そうだ京都に行こう!\n2,ラーメン二郎が大好きです。\n"


def test_utf8_csv_with_a_bom_is_read():
    frame = batch.read_table("t.csv", CSV.encode("utf-8-sig"))
    assert list(frame.columns) == ["id", "text"]
    assert frame["text"].tolist()[0] == "そうだ京都に行こう!"


def test_shift_jis_csv_from_excel_is_read():
    frame = batch.read_table("t.csv", CSV.encode("cp932"))
    assert frame["text"].tolist()[1] == "ラーメン二郎が大好きです。"


def test_excel_is_read():
    buffer = io.BytesIO()
    pd.DataFrame({"text": ["京都"], "expected": ["旅行"]}).to_excel(buffer, index=False)
    frame = batch.read_table("t.xlsx", buffer.getvalue())
    assert frame.to_dict("list") == {"text": ["京都"], "expected": ["旅行"]}


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("bin.csv", bytes(range(256)) * 4, "batch.not_text"),
        ("bad.xlsx", b"PK\x03\x04 not really a zip", "batch.bad_excel"),
        ("x.pdf", b"%PDF-1.7", "batch.bad_type"),
        ("empty.csv", b"", "batch.bad_csv"),
        ("head-only.csv", b"text\n", "batch.empty"),
        ("big.csv", b"text\n" + b"a\n" * (batch.MAX_ROWS + 1), "batch.too_many_rows"),
        ("huge.csv", b"a" * (batch.MAX_FILE_BYTES + 1), "batch.too_big"),
    ],
)
def test_a_bad_file_is_a_clear_message(name, data, key):
    with pytest.raises(InputError) as caught:
        batch.read_table(name, data)
    assert caught.value.key == key


def test_only_columns_with_text_are_offered():
    frame = batch.read_table("t.csv", b"empty,text\n,a\n,b\n")
    assert batch.text_columns(frame) == ["text"]


def test_a_missing_or_empty_column_is_a_clear_message():
    frame = batch.read_table("t.csv", b"empty,text\n,a\n")
    with pytest.raises(InputError):
        batch.texts_of(frame, "nope")
    with pytest.raises(InputError):
        batch.texts_of(frame, "empty")


def test_results_csv_has_top_label_and_every_score(tiny_model, settings):
    from core.inference import scoring
    from core.inference.request import build_request

    frame = batch.read_table("t.csv", CSV.encode())
    labels = ["旅行", "料理"]
    results = [
        scoring.classify(tiny_model, build_request(text, labels, settings))
        for text in frame["text"]
    ]
    table = batch.results_table(frame, "text", results, labels)
    back = pd.read_csv(io.BytesIO(batch.to_csv(table)), encoding="utf-8-sig")
    assert list(back.columns) == ["text", batch.TOP_LABEL_COLUMN, "旅行", "料理"]
    assert back["旅行"].tolist() == pytest.approx([r.score_of("旅行") for r in results])

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
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
    table = batch.results_table(frame, results, labels)
    back = pd.read_csv(io.BytesIO(batch.to_csv(table)), encoding="utf-8-sig")
    assert list(back.columns) == ["id", "text", batch.TOP_LABEL_COLUMN, "旅行", "料理"]
    assert back["旅行"].tolist() == pytest.approx([r.score_of("旅行") for r in results])


def _xlsx_with_sheet_xml(rewrite) -> bytes:
    """A real workbook whose first sheet's XML has been changed by `rewrite`."""
    buffer = io.BytesIO()
    pd.DataFrame({"text": ["京都"]}).to_excel(buffer, index=False)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = rewrite(data.decode()).encode()
            target.writestr(item, data)
    return out.getvalue()


def _bounded(call):
    """Run `call`, returning its InputError key, the seconds and the peak bytes it took."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError) as refused:
            call()
        return refused.value.key, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# The crafted files below took 70 s and 8.5 GB (huge range) or 1.4 GB (zip bomb) before the checks.
REFUSAL_SECONDS = 1.0
REFUSAL_BYTES = 100 * 1024 * 1024


def test_a_sheet_that_declares_a_huge_range_is_refused_at_once():
    data = _xlsx_with_sheet_xml(
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
    )
    assert len(data) < 10_000
    key, seconds, peak = _bounded(lambda: batch.read_table("t.xlsx", data))
    assert key == "batch.excel_declared_too_big"
    assert seconds < REFUSAL_SECONDS and peak < REFUSAL_BYTES


def test_a_cell_far_away_without_a_declared_range_is_refused_at_once():
    far_cell = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    data = _xlsx_with_sheet_xml(
        lambda xml: re.sub(r"<dimension[^>]*/>", "", xml).replace(
            "</sheetData>", far_cell + "</sheetData>"
        )
    )
    key, seconds, peak = _bounded(lambda: batch.read_table("t.xlsx", data))
    assert key == "batch.too_many_rows"
    assert seconds < REFUSAL_SECONDS and peak < REFUSAL_BYTES


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (batch.MAX_XLSX_UNZIPPED_BYTES + 1))
    assert len(out.getvalue()) < 200_000
    key, seconds, peak = _bounded(lambda: batch.read_table("t.xlsx", out.getvalue()))
    assert key == "batch.excel_too_big"
    assert seconds < REFUSAL_SECONDS and peak < REFUSAL_BYTES


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\t=1"]
)
def test_downloaded_csv_never_runs_a_formula(cell):
    table = pd.DataFrame({"text": [cell], "=1+2": [0.5], "top_label": ["@x"]})
    back = pd.read_csv(io.BytesIO(batch.to_csv(table)), encoding="utf-8-sig", dtype=str)
    assert list(back.columns) == ["text", "'=1+2", "top_label"]
    assert back["text"][0] == "'" + cell
    assert back["top_label"][0] == "'@x"
    assert back["'=1+2"][0] == "0.5"


def test_plain_text_and_numbers_stay_as_they_are_in_the_csv():
    table = pd.DataFrame({"text": ["京都に行こう"], "旅行": [0.25]})
    back = pd.read_csv(io.BytesIO(batch.to_csv(table)), encoding="utf-8-sig")
    assert back.to_dict("list") == {"text": ["京都に行こう"], "旅行": [0.25]}


def test_the_text_column_guessed_is_the_japanese_one_not_the_id():
    frame = batch.read_table(
        "t.csv", "id,date,text,note\n1,2026-01-01,京都で寺を巡りました,a\n".encode()
    )
    assert batch.guess_text_column(frame, batch.text_columns(frame)) == "text"


def test_a_label_named_like_a_column_gets_its_own_score_column(tiny_model, settings):
    from core.inference import scoring
    from core.inference.request import build_request

    frame = batch.read_table("t.csv", "旅行,text\nはい,京都\n".encode())
    results = [scoring.classify(tiny_model, build_request("京都", ["旅行", "料理"], settings))]
    table = batch.results_table(frame, results, ["旅行", "料理"])
    assert list(table.columns) == ["旅行", "text", batch.TOP_LABEL_COLUMN, "旅行 (score)", "料理"]
    assert table["旅行"].tolist() == ["はい"]


def test_results_open_in_excel_with_formulas_neutralised():
    table = pd.DataFrame({"text": ["=1+1"], "top_label": ["旅行"]})
    back = pd.read_excel(io.BytesIO(batch.to_xlsx(table)))
    assert back["text"].tolist() == ["'=1+1"]


# An id column, codes with leading zeros, amounts, an id too long for Excel's 15 digits, and a
# column that only partly holds numbers.
NUMBERS_CSV = (
    "id,code,amount,big,mixed,text\n"
    "1,007,-3,12345678901234567890,10,京都\n"
    "2,012,1.5,1,abc,大阪\n"
    "3,,0.25,2,,奈良\n"
)


def _numbers_xlsx() -> bytes:
    """The same rows as an Excel user's sheet: numbers typed as numbers, codes as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "code", "amount", "big", "mixed", "text"])
    sheet.append([1, "007", -3, "12345678901234567890", 10, "京都"])
    sheet.append([2, "012", 1.5, 1, "abc", "大阪"])
    sheet.append([3, None, 0.25, 2, None, "奈良"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [("t.csv", NUMBERS_CSV.encode()), ("t.xlsx", _numbers_xlsx())],
    ids=["csv", "xlsx"],
)
def test_a_column_of_numbers_comes_back_as_numbers_in_excel(name, data):
    table = batch.read_table(name, data)
    sheet = openpyxl.load_workbook(io.BytesIO(batch.to_xlsx(table))).active
    columns = {cells[0].value: cells[1:] for cells in sheet.iter_cols()}
    assert [(c.value, c.data_type) for c in columns["id"]] == [(1, "n"), (2, "n"), (3, "n")]
    assert [c.value for c in columns["amount"]] == [-3, 1.5, 0.25]
    assert all(c.data_type == "n" for c in columns["amount"])
    # Looks like a number, is not one: stays text, written as it was.
    assert [(c.value, c.data_type) for c in columns["code"][:2]] == [("007", "s"), ("012", "s")]
    assert [c.value for c in columns["big"]] == ["12345678901234567890", "1", "2"]
    assert [c.value for c in columns["mixed"][:2]] == ["10", "abc"]
    assert columns["code"][2].value is None  # a blank cell stays blank


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("42", 42),
        ("-3", -3),
        ("0.25", 0.25),
        ("-1.5", -1.5),
        ("123456789012345", 123456789012345),
    ],
)
def test_a_number_written_plainly_is_read_as_that_number(text, number):
    assert batch.as_number(text) == number
    assert type(batch.as_number(text)) is type(number)


@pytest.mark.parametrize(
    "text", ["007", "1.50", "1e3", " 7", "+7", "-0", "1,000", "1.", ".5", "nan", "1234567890123456"]
)
def test_text_that_merely_looks_like_a_number_stays_text(text):
    assert batch.as_number(text) is None


def test_the_csv_download_gives_back_the_file_cell_for_cell():
    table = batch.read_table("t.csv", NUMBERS_CSV.encode())
    assert batch.to_csv(table).decode("utf-8-sig") == NUMBERS_CSV

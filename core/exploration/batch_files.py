"""Batch files: read a CSV or Excel file, classify a text column, write the results as CSV."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import PurePath

import openpyxl
import pandas as pd
from pandas.io.common import dedup_names

from core.errors import InputError
from core.inference.result import ClassificationResult

# A teammate's file of a few hundred rows runs in minutes on one vCPU; thousands would not.
MAX_ROWS = 1000
# Far above any text file of MAX_ROWS short texts; refuses a wrong file before parsing it.
MAX_FILE_BYTES = 5 * 1024 * 1024
# Excel's 「Unicode テキスト」 export: UTF-16 (little-endian) with a BOM, tab-separated.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A lone surrogate: text no encoder can write (Excel's `_xD800_` escape, a broken UTF-16 file).
_SURROGATE = re.compile("[\ud800-\udfff]")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
TOP_LABEL_COLUMN = "top_label"
ERROR_COLUMN = "error"
# Hiragana, katakana and kanji start here (U+3040); ASCII ids and dates are below it.
JAPANESE_FROM = "\u3040"
# Columns a text file of a few hundred rows could honestly have; a wider sheet is not one.
MAX_COLUMNS = 100
# Inflated size of all parts of an .xlsx: a real 1,000-row sheet is well under 5 MB unzipped.
MAX_XLSX_UNZIPPED_BYTES = 50 * 1024 * 1024
# Cells starting with these run as formulas in Excel or LibreOffice (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _decode(data: bytes) -> str:
    """The text of a CSV/TSV upload: UTF-16 with its BOM, UTF-8 (BOM or not) or Shift_JIS.

    A file that is UTF-8 up to a broken sequence is named as such, with the byte where it
    breaks, rather than read as Shift_JIS mojibake."""
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError("batch.bad_unicode", encoding="UTF-16", position=exc.start) from None
        if "\x00" in text[:4096]:  # UTF-32, whose BOM starts like UTF-16's
            raise InputError("batch.not_text")
        return text
    if b"\x00" in data[:4096]:
        raise InputError("batch.not_text")
    # Japanese CSV from Excel is often Shift_JIS (cp932); UTF-8 with or without BOM otherwise.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Multi-byte UTF-8 read well before the break: the file is UTF-8, damaged.
        if not data[: exc.start].isascii():
            raise InputError("batch.bad_unicode", encoding="UTF-8", position=exc.start) from None
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise InputError("batch.not_text") from None


def _read_csv(data: bytes) -> pd.DataFrame:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        separator = dialect.delimiter
    except csv.Error:
        separator = ","
    try:
        return pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError("batch.bad_csv", detail=str(exc).splitlines()[0][:200]) from None


def _check_workbook_archive(data: bytes) -> None:
    """Refuse a zip bomb before anything is inflated: the members' declared sizes must be small."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise InputError("batch.bad_excel", detail="zip") from None
    if sum(member.file_size for member in members) > MAX_XLSX_UNZIPPED_BYTES:
        raise InputError("batch.excel_too_big", limit=MAX_XLSX_UNZIPPED_BYTES // (1024 * 1024))


def _check_unicode(rows: list[list[str]]) -> None:
    """InputError naming the first cell holding a lone surrogate (strict decoding keeps them out
    of text files; a sheet's `_xD800_` escape lets one into a cell)."""
    for row_number, row in enumerate(rows, start=1):
        for column_number, cell in enumerate(row, start=1):
            if _SURROGATE.search(cell):
                raise InputError("batch.bad_cell_unicode", row=row_number, column=column_number)


def _declared_size_ok(sheet) -> bool:
    """The sheet's own `<dimension>`, when it has one, within the row and column limits."""
    try:
        rows, columns = sheet.max_row, sheet.max_column
    except (TypeError, ValueError):
        return True  # no usable dimension: the streaming read below is bounded on its own
    return (rows or 0) <= MAX_ROWS + 1 and (columns or 0) <= MAX_COLUMNS


def _read_excel(data: bytes) -> pd.DataFrame:
    """The first sheet, read as a stream and bounded in rows and columns before pandas sees it."""
    _check_workbook_archive(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError("batch.bad_excel", detail=type(exc).__name__) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise InputError("batch.empty")
        if not _declared_size_ok(sheet):
            raise InputError("batch.excel_declared_too_big", rows=MAX_ROWS, columns=MAX_COLUMNS)
        # The declared range may lie: read only the cells that are really there.
        sheet.reset_dimensions()
        rows: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS:
                raise InputError("batch.too_many_rows", rows=f"{MAX_ROWS}+", limit=MAX_ROWS)
            if len(row) > MAX_COLUMNS:
                raise InputError("batch.excel_declared_too_big", rows=MAX_ROWS, columns=MAX_COLUMNS)
            rows.append(["" if cell is None else str(cell) for cell in row])
    except InputError:
        raise
    except Exception as exc:
        raise InputError("batch.bad_excel", detail=type(exc).__name__) from None
    finally:
        workbook.close()
    _check_unicode(rows)
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # trailing blank rows are formatting, not data
    if not rows:
        raise InputError("batch.empty")
    width = max(len(row) for row in rows)
    header, *body = [row + [""] * (width - len(row)) for row in rows]
    names = [name or f"column{i + 1}" for i, name in enumerate(header)]
    return pd.DataFrame(body, columns=names, dtype=str)


def read_table(filename: str, data: bytes) -> pd.DataFrame:
    """The file's rows as strings; any unreadable file is an InputError, never a traceback."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError("batch.too_big", limit=MAX_FILE_BYTES // (1024 * 1024))
    suffix = PurePath(filename).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame = _read_excel(data)
    elif suffix in CSV_SUFFIXES:
        frame = _read_csv(data)
    else:
        raise InputError("batch.bad_type", suffix=suffix or "?")
    if frame.empty or not len(frame.columns):
        raise InputError("batch.empty")
    if len(frame) > MAX_ROWS:
        raise InputError("batch.too_many_rows", rows=len(frame), limit=MAX_ROWS)
    # One name per column, the way pandas' CSV reader makes them (本文, 本文.1) for every format:
    # a repeated name would make frame[name] a table, not a column.
    frame.columns = dedup_names([str(column) for column in frame.columns], False)
    return frame


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold text in at least one row: candidates for the text to classify."""
    columns = [c for c in frame.columns if frame[c].astype(str).str.strip().ne("").any()]
    if not columns:
        raise InputError("batch.no_text_columns")
    return columns


def _japanese_share(text: str) -> float:
    return sum(ch >= JAPANESE_FROM for ch in text) / len(text) if text else 0.0


def guess_text_column(frame: pd.DataFrame, columns: Sequence[str]) -> str:
    """The column most likely to hold the texts: the longest Japanese text on average (an id or
    a date column, often first, is short and has none)."""

    def weight(column: str) -> float:
        cells = frame[column].dropna().astype(str).str.strip()
        cells = cells[cells.ne("")]
        if cells.empty:
            return 0.0
        mean_length = cells.str.len().mean()
        share = sum(_japanese_share(cell) for cell in cells) / len(cells)
        return mean_length * (0.1 + share)

    return max(columns, key=weight)


def texts_of(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        raise InputError("batch.no_column", column=column)
    texts = frame[column].astype(str).tolist()
    if not any(text.strip() for text in texts):
        raise InputError("batch.no_text_in_column", column=column)
    return texts


def results_table(
    frame: pd.DataFrame,
    results: Sequence[ClassificationResult | None],
    labels: Sequence[str],
    top_label_column: str = TOP_LABEL_COLUMN,
    score_suffix: str = " (score)",
    errors: Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """Every column of the file as it was, then the top label and every label's score; empty rows
    stay empty. A label named like a column of the file gets `score_suffix`. With `errors` (one
    per row, None where the row was classified), an `error` column last says why a row was not.
    """
    out = frame.copy()
    out[top_label_column] = [r.top_label if r else "" for r in results]
    for label in labels:
        name = label if label not in frame.columns else f"{label}{score_suffix}"
        out[name] = [r.score_of(label) if r else None for r in results]
    if errors is not None:
        name = ERROR_COLUMN if ERROR_COLUMN not in out.columns else f"{ERROR_COLUMN} (zeroshot)"
        out[name] = list(errors)
    return out


def to_xlsx(table: pd.DataFrame) -> bytes:
    """An Excel workbook of `table`; formulas never run on opening."""
    buffer = io.BytesIO()
    safe_for_spreadsheets(table).to_excel(buffer, index=False)
    return buffer.getvalue()


def neutralise_formula(value: object) -> object:
    """A cell a spreadsheet would run as a formula, made plain text (OWASP's CSV-injection rule)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_for_spreadsheets(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with every text cell and header that starts a formula neutralised."""
    safe = table.map(neutralise_formula)
    safe.columns = [neutralise_formula(str(column)) for column in table.columns]
    return safe


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens Japanese text correctly; formulas never run on opening."""
    return safe_for_spreadsheets(table).to_csv(index=False).encode("utf-8-sig")

"""Batch files: read a CSV or Excel file, classify a text column, write the results as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import PurePath

import pandas as pd

from core.errors import InputError
from core.inference.result import ClassificationResult

# A teammate's file of a few hundred rows runs in minutes on one vCPU; thousands would not.
MAX_ROWS = 1000
# Far above any text file of MAX_ROWS short texts; refuses a wrong file before parsing it.
MAX_FILE_BYTES = 5 * 1024 * 1024
# Japanese CSV from Excel is often Shift_JIS (cp932); UTF-8 with or without BOM otherwise.
CSV_ENCODINGS = ("utf-8-sig", "cp932")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
TOP_LABEL_COLUMN = "top_label"


def _read_csv(data: bytes) -> pd.DataFrame:
    if b"\x00" in data[:4096]:
        raise InputError("batch.not_text")
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
            separator = dialect.delimiter
        except csv.Error:
            separator = ","
        try:
            return pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError("batch.bad_csv", detail=str(exc).splitlines()[0][:200]) from None
    raise InputError("batch.not_text")


def _read_excel(data: bytes) -> pd.DataFrame:
    try:
        return pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError("batch.bad_excel", detail=type(exc).__name__) from None


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
    frame.columns = [str(column) for column in frame.columns]
    return frame


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold text in at least one row: candidates for the text to classify."""
    columns = [c for c in frame.columns if frame[c].astype(str).str.strip().ne("").any()]
    if not columns:
        raise InputError("batch.no_text_columns")
    return columns


def texts_of(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        raise InputError("batch.no_column", column=column)
    texts = frame[column].astype(str).tolist()
    if not any(text.strip() for text in texts):
        raise InputError("batch.no_text_in_column", column=column)
    return texts


def results_table(
    frame: pd.DataFrame,
    column: str,
    results: Sequence[ClassificationResult | None],
    labels: Sequence[str],
) -> pd.DataFrame:
    """The file's text column, the top label and every label's score; empty rows stay empty."""
    out = pd.DataFrame({column: frame[column].astype(str).tolist()})
    out[TOP_LABEL_COLUMN] = [r.top_label if r else "" for r in results]
    for label in labels:
        out[label] = [r.score_of(label) if r else None for r in results]
    return out


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens Japanese text correctly."""
    return table.to_csv(index=False).encode("utf-8-sig")

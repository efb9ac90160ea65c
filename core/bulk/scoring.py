"""Scoring one batch of a bulk run: the app's own path (core.labels.apply on a
ClassifierService), a row that cannot be classified kept with its reason instead of failing
the batch, and the results table the Batch page downloads (batch_files.results_table)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from core.config import Settings
from core.errors import InputError
from core.exploration.batch_files import results_table
from core.inference.model_loading import LoadedModel, load_from_settings
from core.inference.result import ClassificationResult
from core.inference.service import ClassifierService
from core.labels.apply import ClassifyOptions, classify_texts

# The column that numbers input rows while a run is under way (never written out).
ROW_COLUMN = "__zeroshot_row"
# How long an actor waits for its model: a BERT-base from a cold disk or a network share.
MODEL_LOAD_SECONDS = 600.0


def _text(value: object) -> str:
    """A cell as the text to classify: a missing cell is empty (and so refused, not guessed)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value if isinstance(value, str) else str(value)


def classify_rows(
    service: ClassifierService, options: ClassifyOptions, texts: Sequence[str]
) -> tuple[list[ClassificationResult | None], list[InputError | None]]:
    """Each text's result, or the error that kept it from one (empty, too long, …). The rows
    that can be classified are classified together, exactly as /api/classify would classify
    them; only a bad row's own position is taken out. Errors that are no row's fault (labels,
    template, calibration) raise."""
    results: list[ClassificationResult | None] = [None] * len(texts)
    errors: list[InputError | None] = [None] * len(texts)
    pending = list(range(len(texts)))
    while pending:
        try:
            scored = classify_texts(service, options, [texts[i] for i in pending], bulk=True)
        except InputError as error:
            if error.index is None:
                raise
            # Validation stops at the first bad text, before any pair runs the model.
            errors[pending.pop(error.index)] = InputError(error.key, **error.params)
            continue
        for i, result in zip(pending, scored, strict=True):
            results[i] = result
        break
    return results, errors


def score_frame(
    service: ClassifierService,
    options: ClassifyOptions,
    names: Sequence[str],
    column: str,
    frame: pd.DataFrame,
    lang: str,
) -> pd.DataFrame:
    """`frame` (input columns, and optionally ROW_COLUMN) with the top label, every label's
    score and an error column, as batch_files.results_table lays them out."""
    rows = frame.pop(ROW_COLUMN) if ROW_COLUMN in frame.columns else None
    texts = [_text(value) for value in frame[column].tolist()]
    results, errors = classify_rows(service, options, texts)
    reasons = [None if error is None else error.message(lang) for error in errors]
    table = results_table(frame, results, names, errors=reasons)
    if rows is not None:
        table[ROW_COLUMN] = rows.to_numpy()
    return table


def _loader(gpu: bool):
    def load(settings: Settings) -> LoadedModel:
        loaded = load_from_settings(settings)
        if gpu:
            import torch

            if torch.cuda.is_available():
                loaded = replace(loaded, model=loaded.model.to("cuda"))
        return loaded

    return load


class BatchScorer:
    """A Ray Data actor: loads the model once, then scores every batch handed to it."""

    def __init__(
        self,
        settings: Settings,
        options: ClassifyOptions,
        names: Sequence[str],
        column: str,
        lang: str,
        gpu: bool = False,
    ) -> None:
        self.service = ClassifierService(settings, loader=_loader(gpu))
        self.service.start_loading()
        if not self.service.wait_ready(MODEL_LOAD_SECONDS):
            raise RuntimeError(f"model {settings.model.model_id}: {self.service.status().error}")
        self.options, self.names, self.column, self.lang = options, names, column, lang

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        return score_frame(self.service, self.options, self.names, self.column, batch, self.lang)

"""Scoring one batch of a bulk run: the app's own path (core.labels.serving, as /api/classify
by label set, on a ClassifierService), a row that cannot be classified kept with its reason
instead of failing the batch, and the results table the Batch page downloads
(batch_files.results_table)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from core.config import Settings
from core.errors import InputError
from core.exploration.batch_files import results_table
from core.exploration.thresholds import Decision
from core.inference.model_loading import LoadedModel, load_from_settings
from core.inference.result import ClassificationResult
from core.inference.service import ClassifierService
from core.labels.serving import LabelSetUse, classify_with_set

# The column that numbers input rows while a run is under way (never written out).
ROW_COLUMN = "__zeroshot_row"
# Written after the scores when the set carries thresholds: its answer was "none of these".
ABSTAINED_COLUMN = "abstained"
# How long an actor waits for its model: a BERT-base from a cold disk or a network share.
MODEL_LOAD_SECONDS = 600.0


def cell_text(value: object) -> str:
    """A cell as the text to classify: a missing cell is empty (and so refused, not guessed)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value if isinstance(value, str) else str(value)


def classify_rows(
    service: ClassifierService, use: LabelSetUse, texts: Sequence[str]
) -> tuple[list[ClassificationResult | None], list[Decision | None], list[InputError | None]]:
    """Each text's result and thresholds' decision, or the error that kept it from one (empty,
    too long, …). The rows that can be classified are classified together, exactly as
    /api/classify would classify them; only a bad row's own position is taken out. Errors that
    are no row's fault (labels, template, calibration) raise."""
    results: list[ClassificationResult | None] = [None] * len(texts)
    decisions: list[Decision | None] = [None] * len(texts)
    errors: list[InputError | None] = [None] * len(texts)
    pending = list(range(len(texts)))
    while pending:
        try:
            answer = classify_with_set(service, use, [texts[i] for i in pending], bulk=True)
        except InputError as error:
            if error.index is None:
                raise
            # Validation stops at the first bad text, before any pair runs the model.
            errors[pending.pop(error.index)] = InputError(error.key, **error.params)
            continue
        for i, result, decision in zip(pending, answer.results, answer.decisions, strict=True):
            results[i], decisions[i] = result, decision
        break
    return results, decisions, errors


def score_frame(
    service: ClassifierService,
    use: LabelSetUse,
    names: Sequence[str],
    column: str,
    frame: pd.DataFrame,
    lang: str,
) -> pd.DataFrame:
    """`frame` (input columns, and optionally ROW_COLUMN) with the top label, every label's
    score (float64), `abstained` when the set has thresholds, and an error column (string), as
    batch_files.results_table lays them out: one schema for every batch, even one whose rows
    all failed."""
    rows = frame.pop(ROW_COLUMN) if ROW_COLUMN in frame.columns else None
    texts = [cell_text(value) for value in frame[column].tolist()]
    results, decisions, errors = classify_rows(service, use, texts)
    reasons = [None if error is None else error.message(lang) for error in errors]
    table = results_table(frame, results, names, errors=reasons)
    error_column = table.columns[-1]
    for name in table.columns[len(frame.columns) + 1 : -1]:
        table[name] = table[name].astype("float64")
    table[error_column] = table[error_column].astype("string")
    if use.thresholds is not None:
        abstained = [None if d is None else d.abstained for d in decisions]
        name = ABSTAINED_COLUMN if ABSTAINED_COLUMN not in frame.columns else "abstained (zeroshot)"
        table.insert(len(table.columns) - 1, name, pd.array(abstained, "boolean"))
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
        use: LabelSetUse,
        names: Sequence[str],
        column: str,
        lang: str,
        gpu: bool = False,
    ) -> None:
        self.service = ClassifierService(settings, loader=_loader(gpu))
        self.service.start_loading()
        if not self.service.wait_ready(MODEL_LOAD_SECONDS):
            raise RuntimeError(f"model {settings.model.model_id}: {self.service.status().error}")
        self.use, self.names, self.column, self.lang = use, names, column, lang

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        return score_frame(self.service, self.use, self.names, self.column, batch, self.lang)

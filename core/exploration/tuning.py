"""Few-shot tuning: a LoRA adapter for the NLI model, learnt from a label set's evaluation rows.

The model is adapted the way zero-shot NLI models are adapted to a task (Yin et al. 2019,
"Benchmarking Zero-shot Text Classification"): each row gives one pair per label, the text as
premise and the label in the set's template as hypothesis; its true label's pair is an
entailment, every other label's a contradiction. The pairs are tokenized exactly as scoring does
(segment ids given: transformers 5's BertJapaneseTokenizer no longer returns them). Only a LoRA
adapter (Hu et al. 2021) and the classifier head are trained, with PEFT: a tuned set costs
megabytes, and one base model in memory serves every tuned set.

Honest evaluation: the rows are split with a fixed seed, stratified by expected label; with few
rows, k folds, each row held out once. Zero-shot and tuned are scored on the same held-out rows;
`TuningReport.beats_zero_shot` says whether the tuned model is better there (macro-F1), and only
then is it offered as the set's model. With k folds, the adapter served is then trained on all
rows (the folds measured how well that recipe does on rows it has not seen).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from core.errors import InputError, Mismatch
from core.exploration.evaluation import Evaluation, evaluate
from core.exploration.thresholds import expected_of
from core.inference import scoring
from core.inference.model_loading import LoadedModel
from core.inference.request import fill_template

T = TypeVar("T")

# Bounds on one tuning job: rows (as an evaluation), epochs and wall time.
MAX_ROWS = 1000
MAX_EPOCHS = 50
MAX_SECONDS = 3600
MAX_LEARNING_RATE = 0.1
# Seeds as random.Random, numpy and torch all take them.
MAX_SEED = 2**32 - 1
# At least this many rows per label to tune at all.
MIN_ROWS_PER_LABEL = 2
# What the adapter zip holds beside PEFT's own files.
METADATA_FILE = "zeroshot_tuning.json"
# PEFT's layer names in BERT: attention projections and both feed-forward layers.
TARGET_MODULES = ("query", "key", "value", "dense")


@dataclass(frozen=True)
class TuningSettings:
    """How to train. Units: epochs over the training pairs, pairs per step, seconds."""

    epochs: int = 10
    learning_rate: float = 1e-3
    rank: int = 8
    alpha: int = 16
    batch_pairs: int = 16
    max_seconds: float = 600.0
    holdout_fraction: float = 0.25
    folds: int = 3
    seed: int = 0
    # Fewer held-out rows than this (rows x holdout_fraction): k folds instead of one split.
    min_holdout_rows: int = 40

    def checked(self) -> TuningSettings:
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise InputError("tuning.bad_setting", name="epochs", low=1, high=MAX_EPOCHS)
        if not 0 < self.max_seconds <= MAX_SECONDS:
            raise InputError("tuning.bad_setting", name="max_seconds", low=1, high=MAX_SECONDS)
        if not 1 <= self.batch_pairs <= 256:
            raise InputError("tuning.bad_setting", name="batch_pairs", low=1, high=256)
        if not 1 <= self.rank <= 64:
            raise InputError("tuning.bad_setting", name="rank", low=1, high=64)
        if not 0 < self.learning_rate <= MAX_LEARNING_RATE:
            raise InputError(
                "tuning.bad_setting", name="learning_rate", low=0, high=MAX_LEARNING_RATE
            )
        if not 0 <= self.seed <= MAX_SEED:
            raise InputError("tuning.bad_setting", name="seed", low=0, high=MAX_SEED)
        return self


@dataclass(frozen=True)
class TrainingPair:
    premise: str
    hypothesis: str
    entailment: bool


@dataclass(frozen=True)
class TuningReport:
    """Zero-shot and tuned, scored on the same held-out rows."""

    method: str  # "holdout" or "k-fold"
    held_out_rows: int
    zero_shot: Evaluation
    tuned: Evaluation
    epochs_run: int
    training_pairs: int
    seconds: float
    stopped_by_time: bool
    # The held-out rows' scores per label (tuned, zero-shot) and expected labels: thresholds
    # for the tuned set are fitted on these.
    tuned_scores: tuple[dict[str, float], ...] = ()
    zero_shot_scores: tuple[dict[str, float], ...] = ()
    held_out_expected: tuple[frozenset[str], ...] = ()

    @property
    def beats_zero_shot(self) -> bool:
        return self.tuned.macro_f1 > self.zero_shot.macro_f1

    def to_json(self) -> dict[str, Any]:
        def figures(evaluation: Evaluation) -> dict[str, Any]:
            return {
                "accuracy": evaluation.accuracy,
                "macro_f1": evaluation.macro_f1,
                "per_label": [asdict(score) for score in evaluation.per_label],
            }

        return {
            "method": self.method,
            "held_out_rows": self.held_out_rows,
            "zero_shot": figures(self.zero_shot),
            "tuned": figures(self.tuned),
            "beats_zero_shot": self.beats_zero_shot,
            "epochs_run": self.epochs_run,
            "training_pairs": self.training_pairs,
            "seconds": self.seconds,
            "stopped_by_time": self.stopped_by_time,
        }


@dataclass(frozen=True)
class TunedAdapter:
    """A trained adapter: PEFT's own files zipped, and what it was trained from and on."""

    data: bytes  # zip: adapter_config.json, adapter_model.safetensors, METADATA_FILE
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class TuningStopped(Exception):
    """Asked to stop: nothing is kept."""


def rows_hash(texts: Sequence[str], expected: Sequence[frozenset[str]]) -> str:
    """SHA-256 of the rows (text and sorted expected labels, in order): which rows a
    measurement was made on."""
    plain = [[text, sorted(labels)] for text, labels in zip(texts, expected, strict=True)]
    return hashlib.sha256(json.dumps(plain, ensure_ascii=False).encode("utf-8")).hexdigest()


def _stratum(labels: frozenset[str]) -> str:
    return min(labels) if labels else ""


def stratified_folds(expected: Sequence[frozenset[str]], k: int, seed: int) -> list[list[int]]:
    """Row indices in `k` folds; each expected label (its first, by sort) spread evenly."""
    by_stratum: dict[str, list[int]] = {}
    for index, labels in enumerate(expected):
        by_stratum.setdefault(_stratum(labels), []).append(index)
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    turn = 0
    for stratum in sorted(by_stratum):
        indices = by_stratum[stratum]
        rng.shuffle(indices)
        for index in indices:
            folds[turn % k].append(index)
            turn += 1
    return [sorted(fold) for fold in folds]


def holdout_split(
    expected: Sequence[frozenset[str]], fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """(training rows, held-out rows): about `fraction` of each expected label held out."""
    by_stratum: dict[str, list[int]] = {}
    for index, labels in enumerate(expected):
        by_stratum.setdefault(_stratum(labels), []).append(index)
    rng = random.Random(seed)
    train, held = [], []
    for stratum in sorted(by_stratum):
        indices = by_stratum[stratum]
        rng.shuffle(indices)
        cut = max(1, round(len(indices) * fraction)) if len(indices) > 1 else 0
        held += indices[:cut]
        train += indices[cut:]
    return sorted(train), sorted(held)


def training_pairs(
    texts: Sequence[str], expected: Sequence[frozenset[str]], labels: Sequence[str], template: str
) -> list[TrainingPair]:
    """One pair per (row, label): entailment for the row's expected labels, contradiction for
    the others (a row expecting 該当なし / none: every label a contradiction)."""
    return [
        TrainingPair(text, fill_template(template, label), label in wanted)
        for text, wanted in zip(texts, expected, strict=True)
        for label in labels
    ]


def check_rows(
    texts: Sequence[str], expected: Sequence[frozenset[str]], labels: Sequence[str]
) -> None:
    """Enough rows to tune on, every expected label one of `labels` (`expected` read by
    `expected_of`). Errors: InputError for too many rows; Mismatch for rows that do not fit the
    labels (one unknown, or fewer than MIN_ROWS_PER_LABEL rows for one)."""
    if len(texts) > MAX_ROWS:
        raise InputError("eval.too_many_examples", count=len(texts), limit=MAX_ROWS)
    unknown = sorted(set().union(*expected, frozenset()) - set(labels))
    if unknown:
        raise Mismatch("eval.unknown_label", labels="、".join(unknown))
    thin = [label for label in labels if sum(label in e for e in expected) < MIN_ROWS_PER_LABEL]
    if thin:
        raise Mismatch("tuning.too_few_rows", labels="、".join(thin), count=MIN_ROWS_PER_LABEL)


def score_rows(
    loaded: LoadedModel,
    texts: Sequence[str],
    labels: Sequence[str],
    template: str,
    multi_label: bool,
    batch_pairs: int = 64,
) -> list[dict[str, float]]:
    """Each text's score per label, as scoring computes it (the model as it is: with its
    active adapter if it has one)."""
    hypotheses = [fill_template(template, label) for label in labels]
    features = [
        pair.features for text in texts for pair in scoring.encode_pairs(loaded, text, hypotheses)
    ]
    import torch

    rows = [
        scoring.forward(loaded, features[i : i + batch_pairs])
        for i in range(0, len(features), batch_pairs)
    ]
    logits = torch.cat(rows) if rows else torch.empty(0)
    multi = multi_label or len(labels) == 1
    out = []
    for start in range(0, len(features), len(labels)):
        scores = scoring.postprocess(loaded, logits[start : start + len(labels)], multi)
        out.append(dict(zip(labels, scores, strict=True)))
    return out


def predictions(rows: Sequence[dict[str, float]], multi_label: bool) -> list[frozenset[str]]:
    if multi_label:
        return [frozenset(label for label, p in r.items() if p >= 0.5) for r in rows]
    return [frozenset({max(r, key=r.get)}) for r in rows]


def lora_config(settings: TuningSettings) -> Any:
    from peft import LoraConfig, TaskType

    return LoraConfig(
        task_type=TaskType.SEQ_CLS,  # also trains (and saves) the classifier head
        r=settings.rank,
        lora_alpha=settings.alpha,
        lora_dropout=0.0,
        target_modules=list(TARGET_MODULES),
    )


Step = Callable[[Callable[[], T]], T]


def _direct(step: Callable[[], T]) -> T:
    return step()


@dataclass
class _Progress:
    """Steps done of all steps planned, reported after each one; a stop or the time limit
    is checked there too."""

    total: int
    report: Callable[[int, int], None]
    should_stop: Callable[[], bool]
    deadline: float
    done: int = 0
    out_of_time: bool = False

    def step(self) -> bool:
        """Count a step; False when the job must end (time) — raises TuningStopped if asked."""
        self.done += 1
        self.report(self.done, self.total)
        if self.should_stop():
            raise TuningStopped
        if time.monotonic() > self.deadline:
            self.out_of_time = True
        return not self.out_of_time


def _train(
    peft_model: Any,
    loaded: LoadedModel,
    pairs: Sequence[TrainingPair],
    settings: TuningSettings,
    progress: _Progress,
    run_step: Step,
    stop_below: float = 0.0,
) -> int:
    """Train the active adapter on `pairs`; epochs completed. Ends early after an epoch whose
    mean loss is below `stop_below`."""
    import torch

    encoded = []
    by_premise: dict[str, list[TrainingPair]] = {}
    for pair in pairs:
        by_premise.setdefault(pair.premise, []).append(pair)
    for premise, group in by_premise.items():
        tokens = scoring.encode_pairs(loaded, premise, [p.hypothesis for p in group])
        for pair, token in zip(group, tokens, strict=True):
            target = loaded.entailment_index if pair.entailment else loaded.contradiction_index
            encoded.append((token.features, target))
    trainable = [p for p in peft_model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=settings.learning_rate)
    rng = random.Random(settings.seed)
    as_model = replace(loaded, model=peft_model)
    epochs = 0
    for _ in range(settings.epochs):
        order = list(range(len(encoded)))
        rng.shuffle(order)
        epoch_loss = 0.0
        for start in range(0, len(order), settings.batch_pairs):
            batch = [encoded[i] for i in order[start : start + settings.batch_pairs]]

            def step(batch=batch) -> float:
                peft_model.train()
                inputs = scoring.collate(as_model, [features for features, _ in batch])
                targets = torch.tensor([target for _, target in batch])
                logits = peft_model(**inputs).logits
                loss = torch.nn.functional.cross_entropy(logits, targets)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                peft_model.eval()
                return loss.item() * len(batch)

            epoch_loss += run_step(step)
            if not progress.step():
                return epochs
        epochs += 1
        if epoch_loss / len(encoded) < stop_below:
            return epochs
    return epochs


def _steps(pair_count: int, settings: TuningSettings) -> int:
    return -(-pair_count // settings.batch_pairs) * settings.epochs


def train_all(
    loaded: LoadedModel,
    pairs: Sequence[TrainingPair],
    settings: TuningSettings,
    stop_below: float = 0.0,
) -> int:
    """Train every parameter of `loaded.model` (full fine-tuning) on `pairs` with an adapter's
    steps (settings' epochs, lr, batch and shuffle seed; no time limit), ending after the first
    epoch whose mean cross-entropy is below `stop_below`. Epochs run."""
    progress = _Progress(
        _steps(len(pairs), settings), lambda done, total: None, lambda: False, math.inf
    )
    return _train(loaded.model, loaded, pairs, settings, progress, _direct, stop_below)


def tune(
    base: LoadedModel,
    texts: Sequence[str],
    expected: Sequence[frozenset[str]],
    labels: Sequence[str],
    template: str,
    multi_label: bool = False,
    settings: TuningSettings | None = None,
    report: Callable[[int, int], None] = lambda done, total: None,
    should_stop: Callable[[], bool] = lambda: False,
    run_step: Step = _direct,
    base_revision: str | None = None,
) -> tuple[TuningReport, TunedAdapter]:
    """Train an adapter on the rows and measure it against zero-shot on held-out rows.

    `base` is the training's own copy of the model (fp32; it is changed: PEFT wraps its
    layers). `report(done, total)` is called after each step; `should_stop()` ending True
    raises TuningStopped; `run_step` runs each training step (the service's low-priority
    lane). Errors: InputError for rows too few or naming unknown labels, or bad settings.
    """
    from peft import get_peft_model

    settings = (settings or TuningSettings()).checked()
    expected = [expected_of(cells) for cells in expected]
    check_rows(texts, expected, labels)
    started = time.monotonic()
    if len(texts) * settings.holdout_fraction >= settings.min_holdout_rows:
        train_rows, held = holdout_split(expected, settings.holdout_fraction, settings.seed)
        rounds = [(train_rows, held)]
        method = "holdout"
    else:
        folds = stratified_folds(expected, settings.folds, settings.seed)
        everyone = set(range(len(texts)))
        rounds = [(sorted(everyone - set(fold)), fold) for fold in folds]
        method = "k-fold"
    # Zero-shot scores for every held-out row, before PEFT touches the model.
    zero_rows = score_rows(base, texts, labels, template, multi_label)
    pair_counts = [len(train) * len(labels) for train, _ in rounds]
    if method == "k-fold":
        pair_counts.append(len(texts) * len(labels))  # the final adapter, on all rows
    progress = _Progress(
        sum(_steps(count, settings) for count in pair_counts),
        report,
        should_stop,
        started + settings.max_seconds,
    )
    import torch

    torch.manual_seed(settings.seed)
    peft_model = get_peft_model(base.model, lora_config(settings), adapter_name="round0")
    tuned_model = replace(base, model=peft_model)
    tuned_rows: dict[int, dict[str, float]] = {}
    epochs_run = settings.epochs
    for number, (train_rows, held) in enumerate(rounds):
        if number:
            # A fresh adapter for each fold: nothing learnt on a fold's held-out rows.
            _fresh_adapter(peft_model, f"round{number}", settings)
        pairs = training_pairs(
            [texts[i] for i in train_rows], [expected[i] for i in train_rows], labels, template
        )
        epochs_run = min(epochs_run, _train(peft_model, base, pairs, settings, progress, run_step))
        scored = score_rows(tuned_model, [texts[i] for i in held], labels, template, multi_label)
        tuned_rows.update(zip(held, scored, strict=True))
    held_out = sorted(tuned_rows)
    names = list(labels)
    held_expected = [expected[i] for i in held_out]
    zero = evaluate(
        held_expected,
        predictions([zero_rows[i] for i in held_out], multi_label),
        names,
        multi_label,
    )
    tuned = evaluate(
        held_expected,
        predictions([tuned_rows[i] for i in held_out], multi_label),
        names,
        multi_label,
    )
    if method == "k-fold" and not progress.out_of_time:
        _fresh_adapter(peft_model, "final", settings)
        pairs = training_pairs(texts, expected, labels, template)
        _train(peft_model, base, pairs, settings, progress, run_step)
    tuning_report = TuningReport(
        method=method,
        held_out_rows=len(held_out),
        zero_shot=zero,
        tuned=tuned,
        epochs_run=epochs_run,
        training_pairs=len(texts) * len(labels),
        seconds=time.monotonic() - started,
        stopped_by_time=progress.out_of_time,
        tuned_scores=tuple(tuned_rows[i] for i in held_out),
        zero_shot_scores=tuple(zero_rows[i] for i in held_out),
        held_out_expected=tuple(held_expected),
    )
    metadata = {
        "base_model": base.model_id,
        "base_revision": base_revision,
        "template": template,
        "labels": list(labels),
        "multi_label": multi_label,
        "rows": len(texts),
        "rows_hash": rows_hash(texts, expected),
        "settings": asdict(settings),
        "report": tuning_report.to_json(),
        "peft_type": "LORA",
    }
    return tuning_report, TunedAdapter(save_adapter(peft_model, metadata), metadata)


def _fresh_adapter(peft_model: Any, name: str, settings: TuningSettings) -> None:
    """A newly initialised adapter `name` made the active (trained) one; the old one dropped."""
    old = peft_model.active_adapter
    peft_model.add_adapter(name, lora_config(settings))
    peft_model.set_adapter(name)
    peft_model.delete_adapter(old)


def save_adapter(peft_model: Any, metadata: dict[str, Any]) -> bytes:
    """The active adapter in PEFT's own format (adapter_config.json and
    adapter_model.safetensors), zipped with METADATA_FILE."""
    name = peft_model.active_adapter
    with tempfile.TemporaryDirectory(prefix="adapter-") as root:
        peft_model.save_pretrained(root, selected_adapters=[name])
        # PEFT puts any adapter but "default" in a folder of its name.
        folder = root if name == "default" else str(Path(root, name))
        Path(folder, METADATA_FILE).write_text(
            json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def unpack_adapter(data: bytes, folder: Path) -> Path:
    """Unzip an adapter into `folder` (PEFT's layout), refusing paths that leave it."""
    folder = Path(folder)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            target = (folder / name).resolve()
            if not target.is_relative_to(folder.resolve()):
                raise InputError("tuning.bad_adapter")
        archive.extractall(folder)
    return folder


def adapter_metadata(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read(METADATA_FILE).decode("utf-8"))

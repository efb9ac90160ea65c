"""A bulk run on Ray Data: read → number the rows → actors holding the model score them →
numbered parts written whole, skipping those a previous run finished.

Ray runs in this process with this machine's CPUs unless an address is given (`--address`,
or RAY_ADDRESS as Ray reads it), so the same command runs on a laptop and on a cluster. Every
actor scores with the app's own path (core.bulk.scoring → core.labels.serving, the one entry
point /api/classify uses for a label set → ClassifierService), so a row's scores equal what the
API answers for it, the set's wordings, calibration, tuned adapter and thresholds included.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from core.bulk.parts import OutputFolder, arguments_hash, open_folder
from core.bulk.scoring import ROW_COLUMN, BatchScorer, cell_text, classify_rows
from core.config import Settings, available_cpus
from core.errors import InputError
from core.exploration import batch_files, experiments
from core.inference.adapters import AdapterRef
from core.inference.request import check_template, clean_labels
from core.inference.service import ClassifierService
from core.labels import serving
from core.labels.measurements import MeasurementStore
from core.labels.serving import LabelSetUse
from core.labels.store import LabelSetStore, SavedSet
from core.labels.written import names_and_wordings
from core.storage import Database

INPUT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
OUTPUT_FORMATS = {".parquet": "parquet", ".csv": "csv"}
# Rows per part: a part is what a crash can lose, and what a rerun skips. 10,000 rows of BERT-base
# at 10 labels is minutes for one actor: little lost, few files.
DEFAULT_PART_ROWS = 10_000
# Forward passes (MAX_BATCH_PAIRS pairs each) per Ray batch: enough work to hide Ray's per-batch
# cost, small enough that progress moves and a GPU's memory holds the batch.
PASSES_PER_BATCH = 4
# Rows the plan times on the driver after one small warm-up call (tokenizer, MeCab, torch):
# seconds on BERT-base at 10 labels, enough to see the pace of this machine.
WARMUP_ROWS = 2
MAX_SAMPLE_ROWS = 16
# Rows read to guess the text column, as the Batch page guesses it from a file.
GUESS_ROWS = 1000


@dataclass(frozen=True)
class BulkArgs:
    """The command's arguments (see `python -m core.bulk classify --help`)."""

    input: str
    output: str
    label_set: str | None = None
    labels: tuple[str, ...] = ()
    template: str | None = None
    multi_label: bool = False
    calibration: str | None = None  # None: the set's (as /api/classify), else none
    column: str | None = None
    input_format: str | None = None
    output_format: str | None = None
    encoding: str = "utf-8"
    part_rows: int = DEFAULT_PART_ROWS
    actors: int | None = None
    cpus_per_actor: int = 1
    gpus_per_actor: float = 0.0
    address: str | None = None
    dry_run: bool = False
    restart: bool = False
    lang: str = "ja"


@dataclass(frozen=True)
class Plan:
    """What a run will do and how long it should take, from a warm-up measured on this machine."""

    rows: int
    pending_rows: int
    pairs: int  # (text, hypothesis) pairs of the rows still to do
    parts: int
    parts_done: int
    actors: int
    column: str
    sample_rows_per_second: float  # one actor's pace, measured on the driver
    load_seconds: float
    estimated_seconds: float

    def line(self) -> str:
        return (
            f"plan: {self.rows:,} rows ({self.pending_rows:,} to do, {self.parts_done}/"
            f"{self.parts} parts done), {self.pairs:,} pairs, column {self.column!r}, "
            f"warm-up {self.sample_rows_per_second:.1f} rows/s per actor, {self.actors} "
            f"actor(s): about {_duration(self.estimated_seconds)} on this machine"
        )


@dataclass(frozen=True)
class Summary:
    rows: int  # rows classified by this run
    pairs: int  # of the rows classified
    failures: int  # rows written with an error instead of scores
    parts_written: int
    parts_skipped: int
    seconds: float
    plan: Plan = field(repr=False)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"done: {self.rows:,} rows, {self.pairs:,} pairs in {_duration(self.seconds)} "
            f"({self.rows_per_second:.1f} rows/s), {self.failures:,} failures (see the "
            f"'{batch_files.ERROR_COLUMN}' column), {self.parts_written} parts written, "
            f"{self.parts_skipped} skipped (done before)"
        )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _format(path: str, given: str | None, known: dict[str, str]) -> str:
    choices = sorted(set(known.values()))
    name = given or known.get(PurePosixPath(path.rstrip("/")).suffix.lower(), "")
    if name not in choices:
        raise InputError("bulk.bad_format", name=given or path, choices=", ".join(choices))
    return name


@dataclass(frozen=True)
class _Fetched:
    """An adapter's zip, read once by the driver: actors never reach the store."""

    data: bytes

    def __call__(self) -> bytes:
        return self.data


def resolve_use(args: BulkArgs, settings: Settings) -> LabelSetUse:
    """The label set as /api/classify serves it (core.labels.serving.resolve): a saved set from
    the app's store with what was measured about its version (wordings, calibration, tuned
    adapter, thresholds), what the arguments give winning over it; or the labels given alone.
    """
    labels, wordings = names_and_wordings(args.labels)
    calibration = None if args.calibration in (None, "none") else args.calibration
    if args.label_set:
        database = Database(settings.store.url)
        store = LabelSetStore(database, settings)
        measurements = MeasurementStore(database)
        try:
            use = serving.resolve(
                store, measurements, args.label_set, labels=labels or None,
                template=args.template, multi_label=args.multi_label, wordings=wordings or None,
                calibration=calibration,
            )  # fmt: skip
            if use.adapter is not None:
                use = replace(
                    use, adapter=AdapterRef(use.adapter.digest, _Fetched(use.adapter.fetch()))
                )
        except serving.UnknownLabelSet:
            raise InputError("bulk.unknown_label_set", name=args.label_set) from None
        finally:
            database.dispose()
    else:
        names, _ = clean_labels(labels, settings)
        template = args.template or settings.model.hypothesis_template
        use = LabelSetUse(
            saved=SavedSet("", names, template), measurement=None, labels=names,
            template=template, multi_label=args.multi_label, wordings=wordings,
            calibration=calibration or "none",
        )  # fmt: skip
    if use.calibration == "batch":
        raise InputError("bulk.batch_calibration")
    if use.calibration not in experiments.CALIBRATIONS:
        raise InputError("experiment.bad_calibration", choices=", ".join(experiments.CALIBRATIONS))
    if not use.labels:
        raise InputError("bulk.no_labels")
    check_template(use.template, settings)
    return use


def _hypotheses_per_row(use: LabelSetUse) -> int:
    return len(dict.fromkeys(w for name in use.labels for w in use.wordings.get(name, (name,))))


def _read(args: BulkArgs):
    import os

    import pyarrow.csv as pacsv
    import ray.data

    kind = _format(args.input, args.input_format, INPUT_FORMATS)
    # Ray resolves the filesystem of a URI itself (s3://, gs://, …).
    path = args.input if "://" in args.input else os.path.abspath(args.input)
    if kind == "csv":
        options = pacsv.ReadOptions(encoding=args.encoding)
        return ray.data.read_csv(path, read_options=options)
    if kind == "parquet":
        return ray.data.read_parquet(path)
    return ray.data.read_json(path, lines=True)


def _input_identity(args: BulkArgs) -> list[list[Any]]:
    """The input files with their sizes and times: a changed input is another run."""
    import pyarrow.fs as pafs

    filesystem, path = open_folder(args.input)
    info = filesystem.get_file_info(path)
    if info.type == pafs.FileType.Directory:
        infos = filesystem.get_file_info(pafs.FileSelector(path, recursive=True))
    else:
        infos = [info]
    return sorted([i.path, i.size, i.mtime_ns] for i in infos if i.type == pafs.FileType.File)


def _manifest(args: BulkArgs, use: LabelSetUse, settings: Settings, column: str, rows: int):
    measured = use.thresholds.to_json() if use.thresholds is not None else None
    what = {
        "input": _input_identity(args),
        "rows": rows,
        "column": column,
        "encoding": args.encoding,
        "part_rows": args.part_rows,
        "label_set": [use.saved.name, use.saved.version] if args.label_set else None,
        "labels": list(use.labels),
        "wordings": {k: list(v) for k, v in sorted(use.wordings.items())},
        "template": use.template,
        "multi_label": use.multi_label,
        "calibration": use.calibration,
        "adapter": use.adapter.digest if use.adapter is not None else None,
        "thresholds": measured,
        "model": [settings.model.model_id, settings.model.quantize],
        "max_text_chars": settings.limits.max_text_chars,
        "lang": args.lang,
    }
    return {"arguments_hash": arguments_hash(what), "arguments": what}


def _changed(before: dict[str, Any], now: dict[str, Any]) -> str:
    old, new = before.get("arguments", {}), now["arguments"]
    return ", ".join(sorted(k for k in new if old.get(k) != new.get(k))) or "?"


def _part_sizes(rows: int, part_rows: int) -> list[int]:
    return [min(part_rows, rows - start) for start in range(0, rows, part_rows)]


def _init_ray(args: BulkArgs) -> None:
    import ray

    if ray.is_initialized():
        return
    if args.address:
        ray.init(address=args.address)
    else:
        # The embedded default; Ray itself still honours RAY_ADDRESS when it is set.
        ray.init(num_cpus=available_cpus(), include_dashboard=False)


def _actor_count(args: BulkArgs) -> int:
    import ray

    if args.actors:
        return args.actors
    resources = ray.cluster_resources()
    if args.gpus_per_actor > 0:
        return max(1, int(resources.get("GPU", 0) // args.gpus_per_actor))
    return max(1, int(resources.get("CPU", 1) // args.cpus_per_actor))


def _warm_up(settings: Settings, use: LabelSetUse, texts: Sequence[str]) -> tuple[float, float]:
    """(model load seconds, rows/s of one actor) measured here on the first rows."""
    started = time.perf_counter()
    service = ClassifierService(settings)
    try:
        service.start_loading()
        if not service.wait_ready(settings.model.ready_wait_seconds + 600):
            raise RuntimeError(f"model {settings.model.model_id}: {service.status().error}")
        loaded = time.perf_counter()
        classify_rows(service, use, texts[:WARMUP_ROWS])
        service.pairs.clear()  # the timed call must run every pair, as the actors will
        timed = time.perf_counter()
        classify_rows(service, use, texts)
        pace = len(texts) / max(time.perf_counter() - timed, 1e-9)
    finally:
        service.shutdown()
    return loaded - started, pace


def _part_bytes(table: pd.DataFrame, kind: str) -> bytes:
    if kind == "csv":
        return batch_files.to_csv(table)
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()


def run(
    args: BulkArgs,
    settings: Settings | None = None,
    on_part_written: Callable[[int], None] | None = None,
    say: Callable[[str], None] = print,
) -> Plan | Summary:
    """Plan the run and say so; with `dry_run` stop there (nothing written). Otherwise classify
    every row of the parts not yet written and write them; the summary at the end.

    Raises InputError for what the person can fix (unknown set, bad labels or template, an
    output made with other arguments, an unknown format) before any work starts.
    """
    import ray
    import ray.data

    settings = settings or Settings.from_env()
    use = resolve_use(args, settings)
    kind = _format(args.output, args.output_format, OUTPUT_FORMATS)
    threads = {"num_threads": max(1, args.cpus_per_actor)}
    actor_settings = settings.model_copy(
        update={"model": settings.model.model_copy(update=threads)}
    )
    _init_ray(args)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True

    # Read once: counting, the column guess and the numbered rows all come from this copy
    # (Ray keeps it in its object store and spills to disk past memory).
    source = _read(args).materialize()
    rows = source.count()
    if rows == 0:
        raise InputError("bulk.empty_input", path=args.input)
    sample = source.limit(min(rows, GUESS_ROWS)).to_pandas()
    sample.columns = [str(c) for c in sample.columns]
    column = args.column or batch_files.guess_text_column(sample, batch_files.text_columns(sample))
    if column not in sample.columns:
        raise InputError("bulk.no_column", column=column, columns=", ".join(sample.columns))

    folder = OutputFolder.at(args.output, kind)
    manifest = _manifest(args, use, settings, column, rows)
    previous = folder.manifest()
    other_run = previous is not None and previous["arguments_hash"] != manifest["arguments_hash"]
    if other_run and not args.restart:
        raise InputError("bulk.other_run", output=args.output, changed=_changed(previous, manifest))
    sizes = _part_sizes(rows, args.part_rows)
    done = set() if args.restart else folder.done_parts() & set(range(len(sizes)))
    pending_rows = sum(size for part, size in enumerate(sizes) if part not in done)
    per_row = _hypotheses_per_row(use)

    actors = _actor_count(args)
    batch_rows = max(1, PASSES_PER_BATCH * settings.batching.max_batch_pairs // per_row)
    texts = [
        cell_text(text) for text in sample[column].tolist()[: min(MAX_SAMPLE_ROWS, batch_rows)]
    ]
    load_seconds, pace = _warm_up(actor_settings, use, texts)
    estimate = (load_seconds + pending_rows / (pace * actors)) if pending_rows else 0.0
    plan = Plan(
        rows,
        pending_rows,
        pending_rows * per_row,
        len(sizes),
        len(done),
        actors,
        column,
        pace,
        load_seconds,
        estimate,
    )
    say(plan.line())
    if args.dry_run:
        return plan

    started = time.perf_counter()
    if args.restart:
        folder.clear()
    folder.write_manifest(manifest)
    summary = dict(rows=0, failures=0, written=0)
    if pending_rows:
        _score_parts(
            args,
            source,
            rows,
            sizes,
            done,
            folder,
            kind,
            column,
            use,
            actor_settings,
            actors,
            batch_rows,
            summary,
            on_part_written,
        )
    result = Summary(
        summary["rows"],
        (summary["rows"] - summary["failures"]) * per_row,
        summary["failures"],
        summary["written"],
        len(done),
        time.perf_counter() - started,
        plan,
    )
    say(result.line())
    return result


def _score_parts(
    args: BulkArgs,
    source,
    rows: int,
    sizes: Sequence[int],
    done: set[int],
    folder: OutputFolder,
    kind: str,
    column: str,
    use: LabelSetUse,
    settings: Settings,
    actors: int,
    batch_rows: int,
    summary: dict[str, int],
    on_part_written: Callable[[int], None] | None,
) -> None:
    import ray.data

    part_rows = args.part_rows
    numbers = ray.data.range(rows).rename_columns({"id": ROW_COLUMN})
    with warnings.catch_warnings():
        # Ray 2.60 warns that zip relies on a deterministic order: preserve_order (set in run)
        # gives it one; pyproject.toml's bulk extra pins the version this is tested on.
        warnings.simplefilter("ignore")
        indexed = source.zip(numbers)
    if done:
        skipped = sorted(done)
        indexed = indexed.map_batches(
            lambda batch: batch[~(batch[ROW_COLUMN] // part_rows).isin(skipped)],
            batch_format="pandas",
        )
    # Reading and numbering finish before the actors take the CPUs: on one machine, actors
    # holding every CPU would leave the read tasks waiting for ever.
    indexed = indexed.materialize()
    scored = indexed.map_batches(
        BatchScorer,
        fn_constructor_kwargs={
            "settings": settings,
            "use": use,
            "names": list(use.labels),
            "column": column,
            "lang": args.lang,
            "gpu": args.gpus_per_actor > 0,
        },
        batch_size=batch_rows,
        batch_format="pandas",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=args.cpus_per_actor,
        num_gpus=args.gpus_per_actor or None,
        udf_modifying_row_count=False,
    )
    waiting: dict[int, list[pd.DataFrame]] = {}
    batches = iter(scored.iter_batches(batch_format="pandas", batch_size=None))
    try:
        for batch in batches:
            parts = batch[ROW_COLUMN] // part_rows
            for part, piece in batch.groupby(parts, sort=False):
                waiting.setdefault(int(part), []).append(piece)
                if sum(len(p) for p in waiting[int(part)]) < sizes[int(part)]:
                    continue
                table = pd.concat(waiting.pop(int(part))).sort_values(ROW_COLUMN)
                table = table.drop(columns=[ROW_COLUMN]).reset_index(drop=True)
                folder.write_part(int(part), _part_bytes(table, kind))
                summary["rows"] += len(table)
                summary["failures"] += int(table[table.columns[-1]].notna().sum())
                summary["written"] += 1
                if on_part_written is not None:
                    on_part_written(int(part))
    finally:
        # Stops Ray's executor and lets the actors go at once, even on Ctrl-C.
        close = getattr(batches, "close", None)
        if close is not None:
            close()

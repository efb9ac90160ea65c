"""The bulk command on local Ray against the app's own batch path, on the same rows.

    python -m bench.bulk [--rows 200] [--labels 10]

On the BERT-base-shaped model (random weights) with distinct everyday sentences:

- the app's batch path: a Batch-page job (web.resources.start_batch_job → batch_jobs.run, chunks
  of JOB_CHUNK_PAIRS through the shared service), one process with every CPU as its torch
  threads — the reference;
- `python -m core.bulk classify` (core.bulk.job.run) with 1 and with 2 actors of one torch
  thread each, on Ray in this process with this machine's CPUs: rows/s and the ratio to the
  reference, whole runs (model loads in the actors, writing the parts) included;
- each bulk run's plan (estimated from its warm-up) against its measured time: the error.

And the cost of a million rows: vCPU-hours at the best measured rate.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from bench.common import LABEL_POOL, SENTENCES, TEMPLATE, bert_base_dir, machine
from core.config import ModelSettings, Settings, StoreSettings, available_cpus


def _rows(count: int) -> pd.DataFrame:
    # Distinct texts: no pair cache (the app's, or an actor's) answers a row from another.
    texts = [f"記録{i}: {SENTENCES[i % len(SENTENCES)]}" for i in range(count)]
    return pd.DataFrame({"id": range(count), "本文": texts})


def app_batch_path(settings: Settings, table: pd.DataFrame, labels: list[str]) -> float:
    """Seconds for a Batch-page job over `table`, model already loaded (as in the server)."""
    import hashlib

    from core.exploration import batch_jobs
    from core.inference.service import ClassifierService
    from web import resources

    service = ClassifierService(settings)
    service.start_loading()
    if not service.wait_ready(600):
        raise SystemExit(f"the model did not load: {service.status().error}")
    try:
        with resources.using(settings, service):
            warm_up = [(table["本文"][0], TEMPLATE)]
            resources.classify_skipping_blanks(warm_up, labels, False)
            service.pairs.clear()
            spec = batch_jobs.JobSpec(
                "bench.csv",
                hashlib.sha256(table.to_csv().encode()).hexdigest(),
                "本文",
                tuple(labels),
                TEMPLATE,
                False,
            )
            started = time.perf_counter()
            job_id = resources.start_batch_job(spec, table)
            batch_jobs.wait(job_id)
            seconds = time.perf_counter() - started
            job = resources.find_job(job_id, light=True)
            assert job is not None and job.status == batch_jobs.JobStatus.DONE, job
    finally:
        service.shutdown()
    return seconds


def bulk_run(settings: Settings, source: Path, out: Path, labels: list[str], actors: int):
    from core.bulk.job import BulkArgs, run

    args = BulkArgs(
        str(source), str(out), labels=tuple(labels), template=TEMPLATE, actors=actors,
        column="本文",
    )  # fmt: skip
    return run(args, settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--labels", type=int, default=10)
    parser.add_argument(
        "--vcpu-hour-price", type=float, default=0.0446,
        help="USD per vCPU-hour for the cost line (default: c7i on-demand, us-east-1)",
    )  # fmt: skip
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("RAY_DATA_DISABLE_PROGRESS_BARS", "1")

    import ray

    model_dir = str(bert_base_dir())
    labels = list(LABEL_POOL[: args.labels])
    cpus = available_cpus()
    work = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    table = _rows(args.rows)
    source = work / "rows.csv"
    table.to_csv(source, index=False)
    store = StoreSettings(data_dir=str(work / "data"))
    app_settings = Settings(model=ModelSettings(model_id=model_dir, num_threads=cpus), store=store)
    print(f"Machine: {machine()}; CPUs for the app and for Ray: {cpus}")
    print(f"Model: BERT-base shape (random weights) at {model_dir}")
    print(f"Rows: {args.rows} distinct sentences x {args.labels} labels\n")

    reference = app_batch_path(app_settings, table, labels)
    reference_rate = args.rows / reference
    ray.init(num_cpus=cpus, include_dashboard=False)
    results = []
    for actors in (1, 2):
        summary = bulk_run(app_settings, source, work / f"out-{actors}.parquet", labels, actors)
        results.append((actors, summary))

    print()
    print("| run | seconds | rows/s | ratio to the app's batch path | plan's estimate s | error |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| app batch job, {cpus} threads | {reference:.1f} | {reference_rate:.2f} | 1.00 | | |")
    for actors, summary in results:
        estimate = summary.plan.estimated_seconds
        error = (estimate - summary.seconds) / summary.seconds
        print(
            f"| bulk, {actors} actor(s) x 1 thread | {summary.seconds:.1f} | "
            f"{summary.rows_per_second:.2f} | {summary.rows_per_second / reference_rate:.2f} | "
            f"{estimate:.1f} | {error:+.0%} |"
        )
    best = max(summary.rows_per_second for _, summary in results)
    vcpu_hours = 1_000_000 / best * cpus / 3600
    print(
        f"\nA million rows at {args.labels} labels at the best rate ({best:.2f} rows/s on {cpus} "
        f"vCPUs): {vcpu_hours:,.0f} vCPU-hours, ${vcpu_hours * args.vcpu_hour_price:,.0f} at "
        f"${args.vcpu_hour_price}/vCPU-hour"
    )
    ray.shutdown()


if __name__ == "__main__":
    main()

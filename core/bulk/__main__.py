"""`python -m core.bulk classify INPUT OUTPUT …`: classify a whole corpus on Ray Data.

Needs the optional `bulk` extra (Ray Data: pip install ".[bulk]"); docs/bulk.md says how to run
it on a laptop and on a Ray cluster.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import fields

from core.errors import InputError, StoreUnavailable
from core.exploration.experiments import CALIBRATIONS
from core.messages import LANGUAGES

EXIT_REFUSED = 2


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m core.bulk", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "classify",
        help="Classify every row of INPUT, write the rows with the top label and every score",
        description="Rows of INPUT (CSV, Parquet or JSON Lines; a file, a folder or s3://…) "
        "classified with a label set, written to OUTPUT (a folder of numbered parts, Parquet or "
        "CSV) with every input column, the top label, every label's score and an error column. "
        "Rerun the same command after a crash or Ctrl-C: finished parts are skipped.",
    )
    run.add_argument("input", help="CSV, Parquet or JSON Lines: a file, a folder or a URI")
    run.add_argument("output", help="folder of parts: out.parquet/ or out.csv/ (or a URI)")
    labels = run.add_argument_group("labels (as /api/classify takes them)")
    labels.add_argument("--label-set", help="a saved set's name (DATABASE_URL or DATA_DIR store)")
    labels.add_argument(
        "--labels",
        help="comma-separated labels; a label may carry wordings: 旅行=旅行|観光,料理 "
        "(given with --label-set, they win over the set's)",
    )
    labels.add_argument("--template", help="hypothesis template with one {} (default: the set's)")
    labels.add_argument("--multi-label", action="store_true", help="score each label on its own")
    labels.add_argument(
        "--calibration",
        choices=[c for c in CALIBRATIONS if c != "batch"],
        help="content_free: divide out the scores of a text with no content (Zhao+ 2021); "
        "default: the saved set's, else none (as /api/classify)",
    )
    data = run.add_argument_group("data")
    data.add_argument("--column", help="the text column (default: guessed as the Batch page does)")
    data.add_argument("--input-format", choices=["csv", "parquet", "jsonl"])
    data.add_argument("--output-format", choices=["parquet", "csv"])
    data.add_argument("--encoding", default="utf-8", help="CSV encoding, e.g. cp932 (Shift_JIS)")
    data.add_argument("--part-rows", type=int, default=None, help="rows per output part")
    data.add_argument("--lang", choices=LANGUAGES, default="ja", help="language of error texts")
    cluster = run.add_argument_group("Ray")
    cluster.add_argument("--address", help="a Ray cluster (default: RAY_ADDRESS, else in-process)")
    cluster.add_argument("--actors", type=int, help="model copies (default: CPUs, or GPUs)")
    cluster.add_argument("--cpus-per-actor", type=int, default=1, help="torch threads per actor")
    cluster.add_argument("--gpus-per-actor", type=float, default=0.0, help="e.g. 1 or 0.5")
    control = run.add_argument_group("control")
    control.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    control.add_argument(
        "--restart", action="store_true", help="delete the parts in OUTPUT and start over"
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    from core.bulk.job import DEFAULT_PART_ROWS, BulkArgs, run

    given = vars(parser().parse_args(argv))
    # Each option's name is BulkArgs's field; labels come comma-separated.
    given["labels"] = tuple(p.strip() for p in (given["labels"] or "").split(",") if p.strip())
    given["part_rows"] = given["part_rows"] or DEFAULT_PART_ROWS
    args = BulkArgs(**{f.name: given[f.name] for f in fields(BulkArgs)})
    try:
        run(args)
    except (InputError, StoreUnavailable) as error:
        print(error.message(args.lang), file=sys.stderr)
        return EXIT_REFUSED
    return 0


if __name__ == "__main__":
    sys.exit(main())

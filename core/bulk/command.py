"""The bulk command line for a label set, as the Batch page shows it (no Ray needed here)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

PROGRAM = "python -m core.bulk classify"
DEFAULT_INPUT = "INPUT.csv"
DEFAULT_OUTPUT = "results.parquet"


def command_line(
    labels: Sequence[str],
    template: str | None,
    multi_label: bool,
    label_set: str | None = None,
    column: str | None = None,
    input_path: str | None = None,
) -> str:
    """A shell command that classifies a whole file as the page would: by a saved set's name
    when the labels on screen are that set's, else by the labels and template themselves.
    Every value is quoted for a POSIX shell."""
    parts = [PROGRAM, shlex.quote(input_path or DEFAULT_INPUT), shlex.quote(DEFAULT_OUTPUT)]
    if label_set:
        parts += ["--label-set", shlex.quote(label_set)]
    else:
        parts += ["--labels", shlex.quote(",".join(labels))]
        if template:
            parts += ["--template", shlex.quote(template)]
    if multi_label:
        parts.append("--multi-label")
    if column:
        parts += ["--column", shlex.quote(column)]
    return " ".join(parts)

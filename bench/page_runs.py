"""Server time of one run of each page's script, against a light page's, same run.

    python -m bench.page_runs [--rounds 15] [--model DIR]

Every click and page switch reruns the page's script; this times those reruns where nothing
new is asked of the model. In-process, through Streamlit's AppTest on the app's own script
(app.py, then the page), on the tiny random-weight model by default: the figure is the page's
own work around the model. Each round visits every page in turn (a page switch), after one
warm-up visit that classifies what the pages show (later runs find the pairs in the pair cache).
Medians over --rounds runs per page, each beside Labels' (a page of plain widgets) as the floor.

Issue 20 (Evaluate): each rerun recomputed the evaluation and built the confusion chart through
altair; the page is now to cost no more than a few times the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import machine
from bench.model_builder import build_model

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "pages/labels.py",
    "pages/classify.py",
    "pages/examples.py",
    "pages/compare.py",
    "pages/evaluate.py",
    "pages/experiments.py",
)
FLOOR_PAGE = "pages/labels.py"
RUN_TIMEOUT_SECONDS = 120


def _run_app_py_first() -> None:
    """Each run starts at app.py, as on the server (see tests/pages/conftest.py)."""
    from streamlit.runtime.scriptrunner import script_runner

    def exec_main_script(main_script_path: str) -> None:
        module = sys.modules["__main__"]
        code = compile(Path(main_script_path).read_text(encoding="utf-8"), main_script_path, "exec")
        exec(code, module.__dict__)

    script_runner._mpa_v1 = exec_main_script


def measure(rounds: int) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    from web import resources

    _run_app_py_first()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT_SECONDS)
    app.run()
    resources.get_service().start_loading()
    resources.get_service().wait_ready(RUN_TIMEOUT_SECONDS)
    times: dict[str, list[float]] = {page: [] for page in PAGES}
    for round_number in range(rounds + 1):
        for page in PAGES:
            app.switch_page(page)
            started = time.perf_counter()
            app.run()
            elapsed = (time.perf_counter() - started) * 1000
            if app.exception:
                raise RuntimeError(f"{page}: {app.exception}")
            if round_number:  # the first round is the warm-up
                times[page].append(elapsed)
    return times


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--model", help="model directory (default: a tiny random-weight one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATA_DIR"] = str(Path(folder) / "data")
        os.environ["MODEL_ID"] = args.model or str(build_model(Path(folder) / "model"))
        os.chdir(ROOT)
        times = measure(args.rounds)
    medians = {page: statistics.median(values) for page, values in times.items()}
    floor = medians[FLOOR_PAGE]
    print(f"Machine: {machine()}")
    print(f"Medians of {args.rounds} runs per page (AppTest, in-process)\n")
    print("| page | ms per run | floor (Labels) ms | ratio |")
    print("|---|---:|---:|---:|")
    for page, median in medians.items():
        print(f"| {Path(page).stem} | {median:.1f} | {floor:.1f} | {median / floor:.2f} × |")
    return medians


if __name__ == "__main__":
    main()

"""Latency on one thread: the seed's pipeline call against the app's core, fp32 and int8.

    python -m bench.latency [--runs 15] [--warmup 3]

Runs each way on the same BERT-base-shaped model, texts and labels, and prints p50 and p95 per call
with each p50 as a ratio to the seed's way measured in the same run.
"""

from __future__ import annotations

import argparse
import time
import warnings

from bench.common import LABEL_POOL, TEMPLATE, TEXTS, bert_base_dir, machine, summary
from core.config import LimitSettings, ModelSettings, Settings
from core.inference import scoring
from core.inference.model_loading import load_model
from core.inference.request import build_request

LABEL_COUNTS = (3, 10, 30)


def _time(call, texts, runs: int, warmup: int) -> list[float]:
    for i in range(warmup):
        call(texts[i % len(texts)])
    seconds = []
    for i in range(runs):
        started = time.perf_counter()
        call(texts[i % len(texts)])
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    import torch
    from transformers import pipeline

    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    model_dir = str(bert_base_dir())
    settings = Settings(
        model=ModelSettings(model_id=model_dir), limits=LimitSettings(max_labels=len(LABEL_POOL))
    )
    fp32 = load_model(model_dir, num_threads=1)
    int8 = load_model(model_dir, num_threads=1, quantize="int8")
    # The seed's way: transformers' pipeline, called exactly as the seed's predict() calls it.
    seed_pipe = pipeline("zero-shot-classification", model=model_dir)

    print(f"Machine: {machine()}; torch threads: {torch.get_num_threads()}")
    print(f"Model: BERT-base shape (random weights) at {model_dir}")
    print(f"Runs: {args.runs} after {args.warmup} warm-up, texts: the seed's 4 examples in turn\n")
    print("| labels | way | p50 ms | p95 ms | p50 / seed |")
    print("|---:|---|---:|---:|---:|")
    for count in LABEL_COUNTS:
        labels = list(LABEL_POOL[:count])
        ways = {
            "seed pipeline": lambda text, labels=labels: seed_pipe(
                text, labels, hypothesis_template=TEMPLATE
            ),
            "core fp32": lambda text, labels=labels: scoring.classify(
                fp32, build_request(text, labels, settings, TEMPLATE)
            ),
            "core int8": lambda text, labels=labels: scoring.classify(
                int8, build_request(text, labels, settings, TEMPLATE)
            ),
        }
        seed_p50 = None
        for name, call in ways.items():
            p50, p95 = summary(_time(call, list(TEXTS), args.runs, args.warmup))
            seed_p50 = seed_p50 or p50
            print(f"| {count} | {name} | {p50:.1f} | {p95:.1f} | {p50 / seed_p50:.2f} |")


if __name__ == "__main__":
    main()

"""What tuning a label set costs, and what serving a tuned set costs against the plain model.

    python -m bench.tuning [--steps 3] [--threads 1 2]

On the BERT-base-shaped model (random weights: time depends on the shape, not the values), with
everyday 20-40-token sentences and 10 labels, the app's own LoRA settings (rank 8, every attention
and feed-forward layer, the classifier head):

- training: seconds per 100 (text, hypothesis) pairs, and per epoch of 45 rows x 10 labels
  (450 pairs), for each thread count; a reference in the same run: one inference pass over the
  same pairs (training is forward + backward + an optimizer step);
- serving: ms per pair of a 64-pair forward pass through a tuned set's adapter, and of a pass
  mixing two tuned sets and plain pairs (PEFT mixed-adapter batch), against the plain model's
  pass on the same pairs before any adapter was loaded (ratio).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from bench.common import LABEL_POOL, SENTENCES, TEMPLATE, bert_base_dir, machine
from core.exploration import tuning
from core.inference import scoring
from core.inference.adapters import ADAPTER_KEY, BASE_ADAPTER, load_adapter
from core.inference.model_loading import load_model, set_threads
from core.inference.request import fill_template

LABELS = list(LABEL_POOL[:10])
ROWS = 45
PASS_PAIRS = 64


def _features(loaded, count: int) -> list[dict]:
    hypotheses = [fill_template(TEMPLATE, label) for label in LABELS]
    features = []
    for text in SENTENCES:
        features += [p.features for p in scoring.encode_pairs(loaded, text, hypotheses)]
        if len(features) >= count:
            break
    return features[:count]


def _median(calls, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        calls()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def training(model_dir: str, threads: int, steps: int) -> None:
    set_threads(threads)
    base = load_model(model_dir, threads)
    settings = tuning.TuningSettings()
    features = _features(base, settings.batch_pairs * steps)
    reference = _median(lambda: scoring.forward(base, features[: settings.batch_pairs]), 3)
    from peft import get_peft_model

    peft_model = get_peft_model(base.model, tuning.lora_config(settings))
    trainable = [p for p in peft_model.parameters() if p.requires_grad]
    import torch

    optimizer = torch.optim.AdamW(trainable, lr=settings.learning_rate)
    as_model = replace(base, model=peft_model)
    times = []
    for step in range(steps):
        batch = features[step * settings.batch_pairs : (step + 1) * settings.batch_pairs]
        started = time.perf_counter()
        peft_model.train()
        inputs = scoring.collate(as_model, batch)
        targets = torch.tensor([base.contradiction_index] * len(batch))
        loss = torch.nn.functional.cross_entropy(peft_model(**inputs).logits, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        times.append(time.perf_counter() - started)
    step_s = statistics.median(times)
    per_100 = step_s / settings.batch_pairs * 100
    per_epoch = per_100 * ROWS * len(LABELS) / 100
    print(
        f"training, {threads} thread(s): {per_100:.2f} s per 100 pairs, {per_epoch:.1f} s per "
        f"epoch of {ROWS} rows x {len(LABELS)} labels; inference of the same pairs "
        f"{reference / settings.batch_pairs * 100:.2f} s per 100 (ratio "
        f"{step_s / reference:.2f}); {sum(p.numel() for p in trainable):,} trainable parameters"
    )


def serving(model_dir: str, threads: int, runs: int) -> None:
    set_threads(threads)
    loaded = load_model(model_dir, threads)
    features = _features(loaded, PASS_PAIRS)
    plain = _median(lambda: scoring.forward(loaded, features), runs)
    from bench.model_builder import random_adapter

    names = []
    for seed in (1, 2):
        data = random_adapter(model_dir, seed)
        names.append(load_adapter(loaded, f"{seed:064x}", data))
    size_mb = len(data) / 1e6
    tuned_features = [{**f, ADAPTER_KEY: names[0]} for f in features]
    tuned = _median(lambda: scoring.forward(loaded, tuned_features), runs)
    mix = [names[0], names[1], BASE_ADAPTER]
    mixed_features = [{**f, ADAPTER_KEY: mix[i % 3]} for i, f in enumerate(features)]
    mixed = _median(lambda: scoring.forward(loaded, mixed_features), runs)
    base_after = _median(lambda: scoring.forward(loaded, features), runs)
    per = 1000 / PASS_PAIRS
    print(
        f"serving, {threads} thread(s), {PASS_PAIRS}-pair pass: plain {plain * per:.2f} ms/pair; "
        f"one tuned set {tuned * per:.2f} ms/pair (x{tuned / plain:.2f}); two tuned sets and "
        f"plain mixed {mixed * per:.2f} ms/pair (x{mixed / plain:.2f}); plain pairs once "
        f"adapters are loaded {base_after * per:.2f} ms/pair (x{base_after / plain:.2f}); "
        f"adapter zip {size_mb:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(machine())
    model_dir = str(bert_base_dir())
    for threads in args.threads:
        training(model_dir, threads, args.steps)
    for threads in args.threads:
        serving(model_dir, threads, args.runs)


if __name__ == "__main__":
    main()

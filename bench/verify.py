"""Check int8 against fp32 on a real model before turning QUANTIZE=int8 on.

    python -m bench.verify [--model MODEL_ID] [--texts file.txt] [--labels 旅行,料理,踊り]

Prints, over every text × mode: top-1 agreement and the largest score difference. Run it where the
model is (the image, or a machine with the hub), e.g.
    docker run --rm zeroshot python -m bench.verify
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.inference import scoring
from core.inference.model_loading import LoadedModel, load_model
from core.inference.request import build_request
from core.labels.defaults import DEFAULT_EXAMPLES, DEFAULT_LABELS


@dataclass(frozen=True)
class Agreement:
    compared: int
    top1_agree: int
    max_abs_diff: float

    @property
    def top1_rate(self) -> float:
        return self.top1_agree / self.compared


def compare(
    fp32: LoadedModel, int8: LoadedModel, texts: list[str], labels: list[str], settings: Settings
) -> Agreement:
    compared = agree = 0
    worst = 0.0
    for text in texts:
        for multi_label in (False, True):
            request = build_request(text, labels, settings, None, multi_label)
            a, b = scoring.classify(fp32, request), scoring.classify(int8, request)
            compared += 1
            agree += a.top_label == b.top_label
            worst = max(worst, *(abs(a.score_of(x) - b.score_of(x)) for x in labels))
    return Agreement(compared, agree, worst)


def main(argv: list[str] | None = None) -> Agreement:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None, help="default: MODEL_ID or the app's default")
    parser.add_argument("--texts", type=Path, default=None, help="one text per line")
    parser.add_argument("--labels", default=",".join(DEFAULT_LABELS))
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    model_id = args.model or settings.model.model_id
    texts = (
        [
            line.strip()
            for line in args.texts.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        if args.texts
        else list(DEFAULT_EXAMPLES)
    )
    labels = [label.strip() for label in args.labels.split(",") if label.strip()]
    fp32 = load_model(model_id, settings.model.num_threads)
    int8 = load_model(model_id, settings.model.num_threads, quantize="int8")
    result = compare(fp32, int8, texts, labels, settings)
    print(f"model {model_id}: {result.compared} comparisons (texts × single/multi-label)")
    print(f"top-1 agreement: {result.top1_agree}/{result.compared} ({result.top1_rate:.1%})")
    print(f"largest score difference: {result.max_abs_diff:.4f}")
    return result


if __name__ == "__main__":
    main()

"""Fetch the model into the Hugging Face cache at image build time, and check it is usable.

Run by the Dockerfile before the app's code is copied, so the model layer survives code changes.
A model that does not load, or has no entailment label, fails the build instead of the service.
"""

from __future__ import annotations

import argparse

ENTAILMENT_PREFIX = "entail"


def fetch(model_id: str, revision: str | None = None) -> dict[str, int]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    AutoTokenizer.from_pretrained(model_id, revision=revision)
    model = AutoModelForSequenceClassification.from_pretrained(model_id, revision=revision)
    label2id = dict(model.config.label2id)
    if not any(label.lower().startswith(ENTAILMENT_PREFIX) for label in label2id):
        raise SystemExit(f"{model_id} has no entailment label among {sorted(label2id)}")
    return label2id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_id")
    parser.add_argument("--revision", default=None)
    args = parser.parse_args()
    print(f"{args.model_id}: labels {fetch(args.model_id, args.revision)}")


if __name__ == "__main__":
    main()

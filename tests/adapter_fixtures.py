"""Adapters for tests: a LoRA adapter with random (non-zero) weights on a model from disk, in
the app's zip format, so a tuned set differs from the plain model without training."""

from __future__ import annotations

from pathlib import Path

from core.exploration.tuning import TuningSettings, lora_config, save_adapter


def random_adapter(model_dir: Path, seed: int = 1) -> bytes:
    """An adapter zip for the model at `model_dir`, its LoRA weights random (PEFT's
    `init_lora_weights=False`), its classifier head as the base model's."""
    import torch
    from peft import get_peft_model
    from transformers import AutoModelForSequenceClassification

    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir)).eval()
    config = lora_config(TuningSettings())
    config.init_lora_weights = False
    peft_model = get_peft_model(model, config)
    metadata = {"base_model": str(model_dir), "labels": [], "template": "この例は{}です。"}
    return save_adapter(peft_model, metadata)

"""Load an NLI model for zero-shot classification from a hub id or a local directory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.config import Settings
from core.errors import ModelError
from core.messages import message

# BERT's position table; used when neither tokenizer nor config gives a usable limit.
FALLBACK_MAX_TOKENS = 512
# Tokenizers without a limit report this sentinel (int(1e30)) instead of None.
UNSET_MODEL_MAX_LENGTH = 10**20


def find_label_index(label2id: Mapping[str, int], prefix: str) -> int | None:
    """Index of the first label starting with `prefix`, case-insensitive, as the pipeline does."""
    for label, index in label2id.items():
        if label.lower().startswith(prefix):
            return int(index)
    return None


def nli_indices(label2id: Mapping[str, int], model_id: str = "") -> tuple[int, int]:
    """(entailment, contradiction) indices from the model's labels."""
    entailment = find_label_index(label2id, "entail")
    if entailment is None:
        raise ModelError(
            message("model.no_entailment", "en", model=model_id, labels=sorted(label2id))
        )
    contradiction = find_label_index(label2id, "contra")
    if contradiction is None:
        # The pipeline's own rule for models that name only entailment.
        contradiction = -1 if entailment == 0 else 0
    return entailment, contradiction


@dataclass
class LoadedModel:
    """Everything scoring needs, built once per process."""

    model_id: str
    tokenizer: Any
    model: Any
    entailment_index: int
    contradiction_index: int
    use_segment_ids: bool
    max_tokens: int
    quantized: bool = False
    # Once a tuned set's adapter is loaded: the PEFT model wrapping `model` (which then holds
    # LoRA layers), and the adapters' names, least recently used first (core.inference.adapters).
    peft_model: Any = None
    adapters: list[str] = field(default_factory=list)


def model_max_tokens(tokenizer: Any, config: Any) -> int:
    limits = [FALLBACK_MAX_TOKENS]
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if tokenizer_limit and tokenizer_limit < UNSET_MODEL_MAX_LENGTH:
        limits.append(int(tokenizer_limit))
    positions = getattr(config, "max_position_embeddings", None)
    if positions:
        limits.append(int(positions))
    return min(limits)


def set_threads(num_threads: int) -> None:
    import torch

    if torch.get_num_threads() != num_threads:
        torch.set_num_threads(num_threads)


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantization of the Linear layers: int8 weights, activations quantized live.

    Chosen over ONNX Runtime: no export step or extra runtime, and it measured 3x faster than fp32
    on one thread with the BERT-base shape (docs/benchmarks.md).
    """
    import warnings

    import torch
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        # torch marks torch.ao.quantization deprecated in favour of torchao; it works as is.
        warnings.simplefilter("ignore")
        # In place: a copy would hold fp32 and int8 weights at once (+~440 MB peak for BERT-base).
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


def load_model(model_id: str, num_threads: int = 1, quantize: str = "") -> LoadedModel:
    """Tokenizer and sequence-classification model from a hub id or a local directory."""
    try:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        set_threads(num_threads)
        tokenizer = AutoTokenizer.from_pretrained(model_id)
        model = AutoModelForSequenceClassification.from_pretrained(model_id)
    except Exception as exc:  # the hub, the disk and the weights fail in many ways
        raise ModelError(f"{model_id}: {type(exc).__name__}: {exc}") from exc
    model.eval()
    entailment, contradiction = nli_indices(model.config.label2id, model_id)
    if quantize == "int8":
        model = quantize_int8(model)
    return LoadedModel(
        model_id=model_id,
        tokenizer=tokenizer,
        model=model,
        entailment_index=entailment,
        contradiction_index=contradiction,
        use_segment_ids=getattr(model.config, "type_vocab_size", 0) > 1,
        max_tokens=model_max_tokens(tokenizer, model.config),
        quantized=quantize == "int8",
    )


def load_from_settings(settings: Settings) -> LoadedModel:
    return load_model(settings.model.model_id, settings.model.num_threads, settings.model.quantize)

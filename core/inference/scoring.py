"""Score (text, hypothesis) pairs: encode → infer → post-process."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from core.errors import InputError
from core.inference.adapters import ADAPTER_KEY, BASE_ADAPTER
from core.inference.model_loading import LoadedModel
from core.inference.request import ClassificationRequest, fill_template
from core.inference.result import ClassificationResult

# [CLS] text [SEP] hypothesis [SEP]
PAIR_SPECIAL_TOKENS = 3


Features = dict[str, list[int]]


@dataclass
class EncodedRequest:
    """One request's pairs, tokenized, unpadded: pairs of several requests can share a batch."""

    features: list[Features]
    truncated: bool  # the text was cut for at least one pair


@dataclass(frozen=True)
class EncodedPair:
    features: Features
    truncated: bool


def hypotheses(request: ClassificationRequest) -> list[str]:
    return [fill_template(request.hypothesis_template, label) for label in request.labels]


def _token_ids(loaded: LoadedModel, text: str) -> list[int]:
    tokenizer = loaded.tokenizer
    return tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text))


def encode_pairs(loaded: LoadedModel, text: str, hyps: list[str]) -> list[EncodedPair]:
    """Each (text, hypothesis) pair as the model reads it; the text is tokenized once.

    The same ids, segment ids and truncation as tokenizing each pair whole: the text (never the
    hypothesis) is cut so the pair fits the model's limit.
    """
    tokenizer = loaded.tokenizer
    hypothesis_ids = [_token_ids(loaded, h) for h in hyps]
    if max(map(len, hypothesis_ids)) + PAIR_SPECIAL_TOKENS + 1 > loaded.max_tokens:
        raise InputError("error.hypothesis_too_long", limit=loaded.max_tokens)
    text_ids = _token_ids(loaded, text)
    pairs = []
    for ids in hypothesis_ids:
        truncated = len(text_ids) + len(ids) + PAIR_SPECIAL_TOKENS > loaded.max_tokens
        features = tokenizer.prepare_for_model(
            text_ids,
            ids,
            truncation="only_first" if truncated else False,
            max_length=loaded.max_tokens if truncated else None,
            # transformers 5 dropped token_type_ids from BertJapaneseTokenizer's outputs;
            # without them a BERT NLI model reads the hypothesis as part of the premise.
            return_token_type_ids=loaded.use_segment_ids,
        )
        pairs.append(EncodedPair(dict(features), truncated))
    return pairs


def encode(loaded: LoadedModel, request: ClassificationRequest) -> EncodedRequest:
    """Tokenize every pair of a request; cut the text, never the hypothesis."""
    pairs = encode_pairs(loaded, request.text, hypotheses(request))
    return EncodedRequest(
        features=[pair.features for pair in pairs], truncated=any(p.truncated for p in pairs)
    )


def collate(loaded: LoadedModel, features: list[Features]) -> Any:
    """Pad a list of pairs to the longest one, as tensors (a pair's adapter name left out)."""
    plain = [{k: v for k, v in f.items() if k != ADAPTER_KEY} for f in features]
    return loaded.tokenizer.pad(plain, padding=True, return_tensors="pt")


def infer(loaded: LoadedModel, encodings: Any, adapter_names: list[str] | None = None) -> Any:
    """Logits; with tuned sets' adapters loaded, each row through its own (PEFT's mixed-adapter
    batch: `__base__` rows are the plain model's, exactly)."""
    import torch

    device = getattr(loaded.model, "device", None)
    if device is not None and device.type != "cpu":  # a GPU actor of the bulk command
        encodings = encodings.to(device)
    with torch.inference_mode():
        if loaded.peft_model is None:
            return loaded.model(**encodings).logits.float().cpu()
        names = adapter_names or [BASE_ADAPTER] * len(encodings["input_ids"])
        return loaded.peft_model(**encodings, adapter_names=names).logits.float().cpu()


def postprocess(loaded: LoadedModel, logits: Any, multi_label: bool) -> list[float]:
    """Scores in label order, exactly as transformers' zero-shot pipeline computes them."""
    if multi_label:
        pair = logits[:, [loaded.contradiction_index, loaded.entailment_index]]
        return pair.softmax(dim=-1)[:, 1].tolist()
    return logits[:, loaded.entailment_index].softmax(dim=0).tolist()


def effective_multi_label(request: ClassificationRequest) -> bool:
    # With one label a softmax across labels is always 1.0; the pipeline switches mode too.
    return request.multi_label or len(request.labels) == 1


def forward(loaded: LoadedModel, features: list[Features]) -> Any:
    """Logits for a list of pairs, in order: collate → infer. A pair whose features name an
    adapter (ADAPTER_KEY) runs through it, the others through the plain model."""
    names = [str(f.get(ADAPTER_KEY, BASE_ADAPTER)) for f in features]
    return infer(loaded, collate(loaded, features), names)


def classify(loaded: LoadedModel, request: ClassificationRequest) -> ClassificationResult:
    """One request's ranked result on a loaded model, alone: encode → forward → post-process →
    rank, no pair cache, no micro-batching (ClassifierService adds those; benchmarks and tests
    compare against this)."""
    started = time.perf_counter()
    encoded = encode(loaded, request)
    logits = forward(loaded, encoded.features)
    multi_label = effective_multi_label(request)
    scores = postprocess(loaded, logits, multi_label)
    return rank(loaded, request, scores, multi_label, encoded.truncated, started)


def rank(
    loaded: LoadedModel,
    request: ClassificationRequest,
    scores: list[float],
    multi_label: bool,
    truncated: bool,
    started: float,
) -> ClassificationResult:
    order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
    return ClassificationResult(
        text=request.text,
        labels=tuple(request.labels[i] for i in order),
        scores=tuple(float(scores[i]) for i in order),
        multi_label=multi_label,
        hypothesis_template=request.hypothesis_template,
        model_id=loaded.model_id,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        truncated=truncated,
        max_tokens=loaded.max_tokens,
        dropped_labels=request.dropped_labels,
    )

"""Tuned label sets' LoRA adapters served by the one base model in memory (PEFT multi-adapter).

An adapter is loaded once per process (by the digest of its zip) beside the others; a forward
pass names each pair's adapter (PEFT's mixed-adapter batches, `adapter_names=`), so pairs of
different tuned sets and plain zero-shot pairs (PEFT's `__base__`) share one pass. A plain pair
through the wrapped model computes exactly what the base model computes: PEFT adds nothing for
`__base__` rows. Dynamic int8 layers cannot carry LoRA layers: tuned sets need the fp32 model.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InputError
from core.inference.model_loading import LoadedModel

# PEFT's name for "no adapter" in a mixed batch.
BASE_ADAPTER = "__base__"
# The key a pair's features carry its adapter's name under (taken out before padding).
ADAPTER_KEY = "adapter_name"
# Adapters kept loaded at once (a few MB each for BERT-base): the least recently used goes.
MAX_LOADED_ADAPTERS = 16


@dataclass(frozen=True)
class AdapterRef:
    """A tuned set's adapter: its digest (which names it in caches) and how to read its zip."""

    digest: str
    fetch: Callable[[], bytes] = field(compare=False, repr=False)


def adapter_name(digest: str) -> str:
    # PEFT keeps adapters in ModuleDicts: a name without dots, not starting with a digit.
    return "t" + digest[:32]


def is_loaded(loaded: LoadedModel, digest: str) -> bool:
    return adapter_name(digest) in loaded.adapters


def load_adapter(loaded: LoadedModel, digest: str, data: bytes) -> str:
    """Load an adapter zip (core.exploration.tuning's format) onto the model; its name.

    Changes the model: call it where no forward pass runs (the micro-batcher's `call`).
    Errors: InputError `tuning.needs_full_precision` on an int8 model, `tuning.other_model` for an
    adapter trained on another base model.
    """
    from core.exploration.tuning import adapter_metadata, unpack_adapter

    name = adapter_name(digest)
    if name in loaded.adapters:
        loaded.adapters.remove(name)
        loaded.adapters.append(name)
        return name
    if loaded.quantized:
        raise InputError("tuning.needs_full_precision")
    base = adapter_metadata(data).get("base_model")
    if base != loaded.model_id:
        raise InputError("tuning.other_model", model=str(base), current=loaded.model_id)
    from peft import PeftModel

    with tempfile.TemporaryDirectory(prefix="adapter-") as folder:
        unpack_adapter(data, Path(folder))
        if loaded.peft_model is None:
            loaded.peft_model = PeftModel.from_pretrained(
                loaded.model, folder, adapter_name=name, is_trainable=False
            )
        else:
            loaded.peft_model.load_adapter(folder, adapter_name=name, is_trainable=False)
    loaded.peft_model.eval()
    loaded.adapters.append(name)
    while len(loaded.adapters) > MAX_LOADED_ADAPTERS:
        loaded.peft_model.delete_adapter(loaded.adapters.pop(0))
    return name

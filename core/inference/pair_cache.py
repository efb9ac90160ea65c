"""Logits per (model, quantization, adapter, text, hypothesis): a pair seen once is never run
again (a tuned set's pairs are its adapter's own: the adapter's digest is in the key).

Either mode's scores are computed from the same logits (a softmax across labels, or one per
pair), so a cached pair serves both, and a request runs the model only for its new pairs.
Bounded by an estimate of its memory, least recently used out first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

# model id, quantization, adapter digest ("" for the plain model), text, hypothesis
PairKey = tuple[str, str, str, str, str]
# Dict slot, key tuple, value and row objects: measured at about 400 bytes on CPython 3.11.
ENTRY_OVERHEAD_BYTES = 400
# CPython stores Japanese text at 2 bytes a character. Counted per entry, although entries of one
# text share its string: the estimate errs on the side of memory.
BYTES_PER_CHAR = 2


@dataclass(frozen=True)
class PairLogits:
    row: tuple[float, ...]  # the model's logits for the pair (float32 values, exactly)
    truncated: bool  # the text was cut to fit this pair


def entry_bytes(key: PairKey) -> int:
    return ENTRY_OVERHEAD_BYTES + BYTES_PER_CHAR * (len(key[-2]) + len(key[-1]))


class PairCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[PairKey, PairLogits] = OrderedDict()
        self._bytes = 0

    def get(self, key: PairKey) -> PairLogits | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: PairKey, value: PairLogits) -> None:
        size = entry_bytes(key)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self._entries[key] = value
                return
            self._entries[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                old, _ = self._entries.popitem(last=False)
                self._bytes -= entry_bytes(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def estimated_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

"""Results kept per process, least recently used out first: repeats cost no model work."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from core.inference.result import ClassificationResult

# Enough for a demo's examples and a teammate's session; a result is a few hundred bytes.
DEFAULT_RESULT_CACHE_ENTRIES = 1024


class ResultCache:
    """A thread-safe LRU map from a request's key to its result."""

    def __init__(self, max_entries: int = DEFAULT_RESULT_CACHE_ENTRIES) -> None:
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, ClassificationResult] = OrderedDict()

    def get(self, key: Hashable) -> ClassificationResult | None:
        with self._lock:
            result = self._entries.get(key)
            if result is not None:
                self._entries.move_to_end(key)
            return result

    def put(self, key: Hashable, result: ClassificationResult) -> None:
        with self._lock:
            self._entries[key] = result
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

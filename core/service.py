"""One model per process: loaded in the background, shared by the API and every browser session."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from core import scoring
from core.config import Settings
from core.errors import ModelError, ModelNotReady
from core.model import LoadedModel, load_model
from core.types import ClassificationResult
from core.validation import build_request


class ModelState(str, Enum):
    IDLE = "idle"
    LOADING = "loading"
    READY = "ready"
    ERROR = "error"


@dataclass(frozen=True)
class ModelStatus:
    state: ModelState
    model_id: str
    error: str | None = None

    def to_json(self) -> dict:
        body = {"state": self.state.value, "model": self.model_id}
        if self.error:
            body["error"] = self.error
        return body


class ClassifierService:
    """Loads the model once on a background thread and scores requests against it."""

    def __init__(
        self, settings: Settings, loader: Callable[[str, int], LoadedModel] = load_model
    ) -> None:
        self.settings = settings
        self._loader = loader
        self._guard = threading.Lock()
        # A forward pass already uses every thread torch was given; running two at once only thrashes.
        self._forward_lock = threading.Lock()
        self._ready = threading.Event()
        self._state = ModelState.IDLE
        self._error: str | None = None
        self._loaded: LoadedModel | None = None

    def status(self) -> ModelStatus:
        with self._guard:
            return ModelStatus(self._state, self.settings.model_id, self._error)

    def start_loading(self) -> bool:
        """Start loading unless it is under way or done; a failed load is retried. True if started."""
        with self._guard:
            if self._state in (ModelState.LOADING, ModelState.READY):
                return False
            self._state = ModelState.LOADING
            self._error = None
        threading.Thread(target=self._load, name="model-loader", daemon=True).start()
        return True

    def _load(self) -> None:
        try:
            loaded = self._loader(self.settings.model_id, self.settings.num_threads)
        except ModelError as exc:
            self._fail(str(exc))
            return
        except Exception as exc:  # a loader bug must still surface on /healthz, not kill silently
            self._fail(f"{type(exc).__name__}: {exc}")
            return
        with self._guard:
            self._loaded = loaded
            self._state = ModelState.READY
        self._ready.set()

    def _fail(self, error: str) -> None:
        with self._guard:
            self._state = ModelState.ERROR
            self._error = error

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def model(self, wait: float | None = None) -> LoadedModel:
        """The loaded model, waiting up to `wait` seconds (the setting by default) while it loads."""
        if self.status().state == ModelState.IDLE:
            self.start_loading()
        self.wait_ready(self.settings.ready_wait_seconds if wait is None else wait)
        with self._guard:
            if self._loaded is None:
                raise ModelNotReady(self._error or self._state.value)
            return self._loaded

    def classify(
        self,
        text: object,
        labels: Iterable[object],
        hypothesis_template: str | None = None,
        multi_label: bool = False,
        wait: float | None = None,
    ) -> ClassificationResult:
        """Validate first, so bad input is refused even while the model loads; then score."""
        request = build_request(text, labels, self.settings, hypothesis_template, multi_label)
        loaded = self.model(wait)
        with self._forward_lock:
            return scoring.classify(loaded, request)

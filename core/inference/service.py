"""One model per process: loaded in the background, shared by the API and every browser session."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from typing import TypeVar

from core.config import Settings
from core.errors import InputError, ModelError, ModelNotReady
from core.inference import scoring
from core.inference.adapters import ADAPTER_KEY, AdapterRef, is_loaded, load_adapter
from core.inference.explain import Explanation, explain
from core.inference.microbatch import Cancellation, MicroBatcher
from core.inference.model_loading import LoadedModel, load_from_settings
from core.inference.pair_cache import PairCache, PairKey, PairLogits
from core.inference.request import ClassificationRequest, build_request, build_requests
from core.inference.result import ClassificationResult

T = TypeVar("T")
# 5 s doubled 16 times is days: past that the maximum wait applies anyway (and floats overflow).
MAX_RETRY_DOUBLINGS = 16


class ModelState(StrEnum):
    IDLE = "idle"
    LOADING = "loading"
    READY = "ready"
    ERROR = "error"


@dataclass(frozen=True)
class ModelStatus:
    state: ModelState
    model_id: str
    error: str | None = None
    failed_loads: int = 0  # in a row; back to 0 once a load succeeds
    # False once the model has failed so often that an orchestrator should replace the process.
    healthy: bool = True


class ClassifierService:
    """Loads the model once on a background thread and scores requests against it."""

    def __init__(
        self, settings: Settings, loader: Callable[[Settings], LoadedModel] = load_from_settings
    ) -> None:
        self.settings = settings
        self._loader = loader
        self._guard = threading.Lock()
        self._batcher: MicroBatcher | None = None
        # Set once a load settles either way, so waiters wake on failure too, not only on success.
        self._settled = threading.Event()
        self._state = ModelState.IDLE
        self._error: str | None = None
        self._loaded: LoadedModel | None = None
        self._failed_loads = 0
        self._retry: threading.Timer | None = None
        # Bumped by shutdown: a retry scheduled before it must not bring the model back after.
        self._generation = 0
        self.pairs = PairCache(settings.batching.pair_cache_mb * 1024 * 1024)

    def status(self) -> ModelStatus:
        model = self.settings.model
        with self._guard:
            return ModelStatus(
                self._state,
                model.model_id,
                self._error,
                self._failed_loads,
                healthy=self._failed_loads < model.unhealthy_after_failures,
            )

    def start_loading(self) -> bool:
        """Start loading unless under way or done; a failed load is retried. True if started."""
        with self._guard:
            if self._state in (ModelState.LOADING, ModelState.READY):
                return False
            self._state = ModelState.LOADING
            self._error = None
            self._settled.clear()
            generation = self._generation
        threading.Thread(
            target=self._load, args=(generation,), name="model-loader", daemon=True
        ).start()
        return True

    def _load(self, generation: int) -> None:
        try:
            loaded = self._loader(self.settings)
            # One worker runs every forward pass: two at once would only fight over torch's threads.
            batcher = MicroBatcher(
                partial(scoring.forward, loaded),
                max_wait_seconds=self.settings.batching.batch_wait_ms / 1000,
                max_pairs=self.settings.batching.max_batch_pairs,
                max_queued_pairs=self.settings.batching.max_queue_pairs,
                max_tokens=self.settings.batching.max_batch_tokens,
            )
        except ModelError as exc:
            self._fail(str(exc), generation)
            return
        except Exception as exc:  # a loader bug must still surface on /healthz, not kill silently
            self._fail(f"{type(exc).__name__}: {exc}", generation)
            return
        with self._guard:
            if generation != self._generation:  # shut down while loading: let this load go
                batcher.shutdown()
                return
            self._loaded = loaded
            self._batcher = batcher
            self._state = ModelState.READY
            self._failed_loads = 0
        self._settled.set()

    def _fail(self, error: str, generation: int) -> None:
        """Record a failed load and try again later by itself: files fixed on disk are picked up."""
        model = self.settings.model
        with self._guard:
            if generation != self._generation:
                return
            self._state = ModelState.ERROR
            self._error = error
            self._failed_loads += 1
            doublings = min(self._failed_loads - 1, MAX_RETRY_DOUBLINGS)
            delay = min(model.load_retry_seconds * 2**doublings, model.load_retry_max_seconds)
            self._retry = threading.Timer(delay, self._retry_load, args=(self._generation,))
            self._retry.daemon = True
            self._retry.start()
        self._settled.set()

    def _retry_load(self, generation: int) -> None:
        with self._guard:
            if generation != self._generation:
                return
        self.start_loading()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the load settles or `timeout` passes; True if the model is ready."""
        self._settled.wait(timeout)
        return self.status().state == ModelState.READY

    def model(self, wait: float | None = None) -> LoadedModel:
        """The loaded model, waiting up to `wait` seconds (default: the setting) while it loads.

        A model that failed is tried again at once: any caller (API, plain page, a page) may
        find that its files have been fixed, without waiting for the next scheduled retry.
        """
        if self.status().state in (ModelState.IDLE, ModelState.ERROR):
            self.start_loading()
        self.wait_ready(self.settings.model.ready_wait_seconds if wait is None else wait)
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
        adapter: AdapterRef | None = None,
        client: object = None,
        cancel: Cancellation | None = None,
    ) -> ClassificationResult:
        """Validate first, so bad input is refused even while the model loads; then score
        (through a tuned set's `adapter` when given).

        Only the pairs not seen before run the model; the result says how many did, and its
        `elapsed_ms` is this request's own time. `client` and `cancel`: see `score`.
        """
        started = time.perf_counter()
        request = build_request(text, labels, self.settings, hypothesis_template, multi_label)
        return self.score([request], wait, started, adapter=adapter, client=client, cancel=cancel)[
            0
        ]

    def classify_many(
        self,
        texts: Sequence[object],
        labels: Iterable[object],
        hypothesis_template: str | None = None,
        multi_label: bool = False,
        client: object = None,
        cancel: Cancellation | None = None,
    ) -> list[ClassificationResult]:
        """Several texts against one label set, in order; all their new pairs go to the model
        together. A bad text raises InputError naming its position (`index`, from 0)."""
        started = time.perf_counter()
        limit = self.settings.limits.max_texts
        if not texts:
            raise InputError("error.empty_text")
        if len(texts) > limit:
            raise InputError("error.too_many_texts", count=len(texts), limit=limit)
        items = [(text, hypothesis_template) for text in texts]
        requests = build_requests(items, labels, self.settings, multi_label)
        return self.score(requests, started=started, client=client, cancel=cancel)

    def explain(
        self,
        text: object,
        labels: Iterable[object],
        hypothesis_template: str | None = None,
        multi_label: bool = False,
        label: str | None = None,
        wait: float | None = None,
        adapter: AdapterRef | None = None,
        client: object = None,
        cancel: Cancellation | None = None,
    ) -> Explanation:
        """Word-level evidence for `label` (default: the top one); see core.inference.explain.

        Its cost is every pair it runs: the text's, then each occluded text's (with every label,
        or the explained one alone in multi-label mode). It explains as many of the first
        `explain_max_words` words as `max_request_tokens` allows, and says so (`capped`); a text
        whose plain classification and one occluded text already exceed it is InputError
        `error.too_much_work`, before anything runs."""
        request = build_request(text, labels, self.settings, hypothesis_template, multi_label)
        loaded = self.model(wait)
        keys = [self._pair_key(request.text, h) for h in scoring.hypotheses(request)]
        pairs = self._encode(loaded, keys)
        whole = sum(len(pair.features["input_ids"]) for pair in pairs)
        # An occluded text is shorter than the whole one: its pairs cost at most the whole's.
        per_word = max(len(p.features["input_ids"]) for p in pairs) if multi_label else whole
        limit = self.settings.limits.max_request_tokens
        fit = (limit - whole) // per_word
        if fit < 1:
            raise InputError(
                "error.too_much_work",
                pairs=2 * len(pairs),
                tokens=whole + per_word,
                limit=limit,
            )
        max_words = min(self.settings.limits.explain_max_words, fit)
        return explain(
            request,
            lambda requests: self.score(
                requests, wait, adapter=adapter, client=client, cancel=cancel
            ),
            label,
            max_words,
        )

    def _pair_key(self, text: str, hypothesis: str, adapter: str = "") -> PairKey:
        model = self.settings.model
        return (model.model_id, model.quantize, adapter, text, hypothesis)

    def run_on_model(self, work: Callable[[], T], bulk: bool = True, client: object = None) -> T:
        """Run `work` between forward passes, never beside one (a training step, which must
        not starve people classifying: `bulk` waits behind their requests, and takes turns
        with other bulk clients as `client`, each call charged one full pass)."""
        batcher = self._batcher
        return work() if batcher is None else batcher.call(work, bulk=bulk, client=client)

    def _adapter_name(self, loaded: LoadedModel, adapter: AdapterRef) -> str:
        """The loaded adapter's name, loading it first (its zip read once per process)."""

        def touch() -> str | None:
            loaded_now = is_loaded(loaded, adapter.digest)
            return load_adapter(loaded, adapter.digest, b"") if loaded_now else None

        name = self.run_on_model(touch, False)
        if name is not None:
            return name
        data = adapter.fetch()
        return self.run_on_model(lambda: load_adapter(loaded, adapter.digest, data), False)

    def score(
        self,
        requests: Sequence[ClassificationRequest],
        wait: float | None = None,
        started: float | None = None,
        bulk: bool = False,
        adapter: AdapterRef | None = None,
        client: object = None,
        cancel: Cancellation | None = None,
        max_tokens: int | None = None,
    ) -> list[ClassificationResult]:
        """Results for validated requests: cached pairs looked up, the others (from every
        request, each once) handed to the micro-batcher in one go, then each request scored
        from its pairs' logits exactly as the pipeline would. `bulk` work (many texts for a
        page) waits behind interactive requests, one forward pass at a time. With a tuned
        set's `adapter`, its pairs run through it (and are cached as its own).

        The new pairs' tokens are bounded (`max_request_tokens`, bulk: `max_job_tokens`):
        more is InputError `error.too_much_work` before anything runs. `client` (a session id,
        a client address) shares the model fairly with other clients; `cancel` set while the
        pairs wait drops them (Cancelled). `max_tokens`: a tighter bound than the priority's own
        (bulk work an HTTP request asks for: MAX_REQUEST_TOKENS)."""
        import torch

        started = time.perf_counter() if started is None else started
        digest = adapter.digest if adapter is not None else ""
        keys = [
            [self._pair_key(r.text, h, digest) for h in scoring.hypotheses(r)] for r in requests
        ]
        found = {key: self.pairs.get(key) for row in keys for key in row}
        missing = [key for key, value in found.items() if value is None]
        loaded = self.model(wait)
        if missing:
            name = self._adapter_name(loaded, adapter) if adapter is not None else None
            values = self._run_pairs(loaded, missing, bulk, name, client, cancel, max_tokens)
            for key, value in zip(missing, values, strict=True):
                self.pairs.put(key, value)
                found[key] = value
        new = set(missing)
        results = []
        for request, row_keys in zip(requests, keys, strict=True):
            values = [found[key] for key in row_keys]
            logits = torch.tensor([value.row for value in values], dtype=torch.float32)
            multi_label = scoring.effective_multi_label(request)
            scores = scoring.postprocess(loaded, logits, multi_label)
            truncated = any(value.truncated for value in values)
            result = scoring.rank(loaded, request, scores, multi_label, truncated, started)
            computed = sum(key in new for key in row_keys)
            results.append(
                replace(
                    result,
                    computed_pairs=computed,
                    cached_pairs=len(row_keys) - computed,
                    from_cache=computed == 0,
                )
            )
        return results

    def _encode(self, loaded: LoadedModel, keys: list[PairKey]) -> list[scoring.EncodedPair]:
        """The pairs of `keys`, each text tokenized once."""
        by_text: dict[str, list[str]] = {}
        for *_, text, hypothesis in keys:
            by_text.setdefault(text, []).append(hypothesis)
        encoded = {
            text: dict(zip(hyps, scoring.encode_pairs(loaded, text, hyps), strict=True))
            for text, hyps in by_text.items()
        }
        return [encoded[text][hypothesis] for *_, text, hypothesis in keys]

    def _check_tokens(
        self, pairs: Sequence[scoring.EncodedPair], bulk: bool, max_tokens: int | None = None
    ) -> None:
        limits = self.settings.limits
        limit = limits.max_job_tokens if bulk else limits.max_request_tokens
        if max_tokens is not None:
            limit = min(limit, max_tokens)
        tokens = sum(len(pair.features["input_ids"]) for pair in pairs)
        if tokens > limit:
            raise InputError("error.too_much_work", pairs=len(pairs), tokens=tokens, limit=limit)

    def _run_pairs(
        self,
        loaded: LoadedModel,
        keys: list[PairKey],
        bulk: bool = False,
        adapter_name: str | None = None,
        client: object = None,
        cancel: Cancellation | None = None,
        max_tokens: int | None = None,
    ) -> list[PairLogits]:
        """Logits of new pairs: each text tokenized once, all pairs in one hand-over."""
        pairs = self._encode(loaded, keys)
        self._check_tokens(pairs, bulk, max_tokens)
        features = [pair.features for pair in pairs]
        if adapter_name is not None:
            features = [{**f, ADAPTER_KEY: adapter_name} for f in features]
        batcher = self._batcher
        rows = (
            batcher.rows(features, bulk=bulk, client=client, cancel=cancel)
            if batcher is not None
            else scoring.forward(loaded, features)
        )
        return [
            PairLogits(tuple(row.tolist()), pair.truncated)
            for row, pair in zip(rows, pairs, strict=True)
        ]

    def shutdown(self) -> None:
        """Stop the micro-batcher's thread and let the model go; the service can load again."""
        with self._guard:
            batcher, self._batcher = self._batcher, None
            retry, self._retry = self._retry, None
            self._generation += 1
            self._failed_loads = 0
            self._loaded = None
            self._state = ModelState.IDLE
            self._settled.clear()
        if retry is not None:
            retry.cancel()
        if batcher is not None:
            batcher.shutdown()
        self.pairs.clear()

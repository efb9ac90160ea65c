"""Process-wide resources: the settings, the model service and the saved-set store.

Owned here, in plain module state, not in Streamlit's caches: a browser's `clear_cache` message
clears those, and a cached service would then be built again beside the old one, with a second
model in memory. The settings are read from the environment once, on first use, and passed on
from here to routes, access control, login and the plain page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from core.config import Settings
from core.errors import InputError
from core.exploration import experiments
from core.inference.explain import Explanation
from core.inference.request import build_request, check_template, clean_labels
from core.inference.result import ClassificationResult
from core.inference.service import ClassifierService
from core.labels.store import LabelSetStore
from core.workspaces.store import WorkspaceStore

_lock = threading.RLock()
_settings: Settings | None = None
_service: ClassifierService | None = None
_store: LabelSetStore | None = None
_workspaces: WorkspaceStore | None = None


def get_settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    global _settings
    with _lock:
        if _settings is None:
            _settings = Settings.from_env()
        return _settings


def get_service() -> ClassifierService:
    """The one model service of this process, shared by the API and every browser session."""
    global _service
    with _lock:
        if _service is None:
            _service = ClassifierService(get_settings())
        return _service


def get_store() -> LabelSetStore:
    """The saved-set store of this process; a failed connection is not kept, so it is retried."""
    global _store
    with _lock:
        if _store is None:
            settings = get_settings()
            _store = LabelSetStore(settings.store.url, settings)
        return _store


def get_workspaces() -> WorkspaceStore:
    """The workspace store of this process (the same database as saved sets); retried on failure."""
    global _workspaces
    with _lock:
        if _workspaces is None:
            _workspaces = WorkspaceStore(get_settings().store.url)
        return _workspaces


def classify(
    text: str, labels: Sequence[str], template: str | None, multi_label: bool
) -> ClassificationResult:
    """Classify with the shared service (pairs seen before come from its pair cache)."""
    return get_service().classify(text, labels, template, multi_label)


def explain(result: ClassificationResult, label: str | None) -> Explanation:
    """Word-level evidence for `label` in a result: its own text, labels, template and mode."""
    return get_service().explain(
        result.text, result.labels, result.hypothesis_template, result.multi_label, label
    )


def classify_together(
    items: Sequence[tuple[str, str | None]], labels: Sequence[str], multi_label: bool
) -> list[ClassificationResult]:
    """(text, template) items against one label set, in order; all their new pairs go to the
    model in one hand-over, as bulk work. A bad item raises InputError naming its position."""
    settings = get_settings()
    requests = []
    for index, (text, template) in enumerate(items):
        try:
            requests.append(build_request(text, labels, settings, template, multi_label))
        except InputError as error:
            raise error.at(index) from None
    # Pages' many-text work: it waits behind people classifying one text.
    return get_service().score(requests, bulk=True)


def labels_and_wordings(entries: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Label names, and the wordings of those written `旅行=旅行|観光` (as experiments save)."""
    if not any(experiments.NAME_SEPARATOR in entry for entry in entries):
        return list(entries), {}
    parsed = experiments.parse_wordings(entries)
    wordings = {e.label: list(e.wordings) for e in parsed if e.wordings != (e.label,)}
    return [e.label for e in parsed], wordings


def classify_inputs(inputs) -> ClassificationResult:
    """Classify's inputs (web.ui.classify_form.ClassifyInputs): plain, or with the wordings and
    calibration chosen from an experiment."""
    if not inputs.has_options:
        return classify(inputs.text, inputs.labels, inputs.template, inputs.multi_label)
    _, wordings = labels_and_wordings(
        [line for line in inputs.wordings.splitlines() if line.strip()]
    )
    return classify_with_options(
        [inputs.text],
        inputs.labels,
        inputs.template,
        inputs.multi_label,
        wordings,
        inputs.calibration,
    )[0]


def classify_with_options(
    texts: Sequence[str],
    labels: Sequence[str],
    template: str | None,
    multi_label: bool,
    wordings: Mapping[str, Sequence[str]],
    calibration: str,
    bulk: bool = False,
) -> list[ClassificationResult]:
    """Classify with an experiment's options (wordings per label, a calibration); each text is
    checked as for plain classification, a bad one named by its position."""
    settings = get_settings()
    if not texts:
        raise InputError("error.empty_text")
    names, _ = clean_labels(labels, settings)
    if not names:
        raise InputError("error.no_labels")
    template = check_template(
        settings.model.hypothesis_template if template is None else template, settings
    )

    def classify(batch, batch_template, hypotheses, batch_multi):
        requests = []
        for index, text in enumerate(batch):
            try:
                requests.append(
                    build_request(text, hypotheses, settings, batch_template, batch_multi)
                )
            except InputError as error:
                raise error.at(index) from None
        return get_service().score(requests, bulk=bulk)

    return experiments.classify_with_options(
        texts, names, template, multi_label, wordings, calibration, classify
    )


@contextmanager
def using(settings: Settings, service: ClassifierService | None = None) -> Iterator[None]:
    """Use these settings (and this service) for a while, then put back what was there.

    For tests and tools that run the app's code with other settings in the same process.
    """
    global _settings, _service, _store, _workspaces
    with _lock:
        previous = (_settings, _service, _store, _workspaces)
        _settings, _service, _store, _workspaces = settings, service, None, None
    try:
        yield
    finally:
        with _lock:
            ours = (_store, _workspaces)
            _settings, _service, _store, _workspaces = previous
        for store in ours:
            if store is not None:
                store.dispose()


def reset() -> None:
    """Shut down and forget everything: the next use reads the environment and builds anew."""
    global _settings, _service, _store, _workspaces
    with _lock:
        service, stores = _service, (_store, _workspaces)
        _settings, _service, _store, _workspaces = None, None, None, None
    if service is not None:
        service.shutdown()
    for store in stores:
        if store is not None:
            store.dispose()

"""Process-wide resources: the settings, the model service, the database and its stores.

Owned here, in plain module state, not in Streamlit's caches: a browser's `clear_cache` message
clears those, and a cached service would then be built again beside the old one, with a second
model in memory. The settings are read from the environment once, on first use, and passed on
from here to routes, access control, login and the plain page.
"""

from __future__ import annotations

import gc
import importlib
import os
import pkgutil
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from core.config import Settings
from core.errors import InputError, StoreUnavailable
from core.exploration import batch_jobs, experiments, tuning_jobs
from core.exploration.batch_jobs import JobStore
from core.exploration.thresholds import NONE_LABEL, Decision, Thresholds, decide
from core.exploration.tuning_jobs import TuningJob, TuningJobStore, TuningSpec
from core.inference.explain import Explanation
from core.inference.microbatch import Cancellation
from core.inference.model_loading import LoadedModel, load_from_settings, load_model
from core.inference.request import build_requests, check_template, clean_labels
from core.inference.result import ClassificationResult
from core.inference.service import ClassifierService
from core.labels import serving, tuned_sets, written
from core.labels.measurements import MeasurementStore
from core.labels.store import LabelSetStore
from core.storage import Database
from core.workspaces.store import WorkspaceStore
from web.session_work import session_share, stopping_when_cancelled

_lock = threading.RLock()
_settings: Settings | None = None
_service: ClassifierService | None = None
_database: Database | None = None
_local_job_store: JobStore | None = None


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
            _service = ClassifierService(get_settings(), loader=_load_then_freeze)
        return _service


def _load_then_freeze(settings: Settings) -> LoadedModel:
    loaded = load_from_settings(settings)
    freeze_long_lived_heap()
    return loaded


def freeze_long_lived_heap() -> None:
    """Take what lives as long as the process (imports, the model) out of the collector's walks.

    Streamlit runs a full collection after every script run (`runner.postScriptGC`), and Python
    runs one whenever the heap has grown by a quarter: with torch, transformers and the model that
    is about 580,000 objects and 0.1-1 s on our 2 vCPUs, over 80 % of a click's time
    (bench/clicks.py, docs/benchmarks.md). `gc.freeze()` moves every object alive now into a
    permanent generation that collections skip; refcounting still frees them. The page code's
    imports (pandas, altair, web.ui) are made first, so the first page run does not add them to
    the walked heap. Called once per loaded model, from the loader thread; tests that build their
    own service never call it.
    """
    import web.ui

    for module in pkgutil.iter_modules(web.ui.__path__, "web.ui."):
        importlib.import_module(module.name)
    gc.collect()
    gc.freeze()


def get_database() -> Database:
    """The one database of this process (one engine and pool), migrated when first opened,
    shared by every store. A failed open raises StoreUnavailable and is not kept: the next
    call tries again."""
    global _database
    with _lock:
        if _database is None:
            _database = Database(get_settings().store.url)
        return _database


def get_store() -> LabelSetStore:
    """Saved label sets, in the process's database."""
    return LabelSetStore(get_database(), get_settings())


def get_measurements() -> MeasurementStore:
    """What was measured about saved set versions, and their adapters (the same database)."""
    return MeasurementStore(get_database())


def get_tuning_jobs() -> TuningJobStore:
    """The tuning-job store (the same database as saved sets)."""
    return TuningJobStore(get_database())


def _training_copy() -> LoadedModel:
    """The model as the service loads it, but fp32 and a copy of its own: training changes it."""
    model = get_settings().model
    return load_model(model.model_id, model.num_threads, "")


# The model's client for training steps: steps take turns with batch jobs' passes.
_TRAINING_CLIENT = object()


def _train(spec: TuningSpec, report, should_stop):
    # Each step runs between forward passes, behind people classifying (bulk priority).
    run_step = partial(get_service().run_on_model, client=_TRAINING_CLIENT)
    return tuned_sets.train_spec(spec, _training_copy, run_step, report, should_stop)


def _attach(spec: TuningSpec, report: dict, adapter: bytes, digest: str) -> bool:
    try:
        measurements = get_measurements()
        tuned_sets.attach(
            measurements, spec.set_name, spec.set_version, spec, report, adapter, digest
        )
    except InputError as error:
        if error.key == "tuning.not_better":
            return False
        raise
    return True


def start_tuning(spec: TuningSpec) -> str:
    """Start training an adapter for a set on a worker thread; the job's id. InputError
    `tuning.running` while another is training in this process."""
    if tuning_jobs.running_here() is not None:
        raise InputError("tuning.running")
    store = get_tuning_jobs()
    job_id = store.create(spec)
    tuning_jobs.start(store, job_id, _train, _attach)
    return job_id


def find_tuning(job_id: str, light: bool = True) -> TuningJob | None:
    return get_tuning_jobs().get(job_id, light)


def stop_tuning(job_id: str) -> None:
    get_tuning_jobs().request_stop(job_id)


def use_tuned(job_id: str, name: str, version: int):
    """Keep a finished job's adapter (and its measurement) as set `name` version `version`'s
    model; InputError `tuning.not_better` when it did not beat zero-shot."""
    job = get_tuning_jobs().get(job_id)
    if job is None or job.report is None or job.adapter is None or job.adapter_digest is None:
        raise InputError("tuning.adapter_missing", name=name)
    return tuned_sets.attach(
        get_measurements(), name, version, job.spec, job.report, job.adapter, job.adapter_digest
    )


def saved_set_decision(result: ClassificationResult, name: str, version: int) -> Decision | None:
    """What the saved set `name` (as read at `version`) makes of a result on the pages: its
    fitted thresholds applied when the result is of its labels and mode; else None."""
    return _decision(result, _saved_thresholds(name, version))


def _saved_thresholds(name: str, version: int) -> Thresholds | None:
    """The fitted thresholds of saved set `name` at `version` (None: no version, none fitted)."""
    if not version:
        return None
    measured = get_measurements().get(name, version)
    return measured.thresholds if measured is not None else None


def _decision(result: ClassificationResult, thresholds: Thresholds | None) -> Decision | None:
    """`thresholds` applied to `result` when it is of their labels and mode; else None."""
    if thresholds is None:
        return None
    labels = {item.label for item in thresholds.per_label}
    if thresholds.multi_label != result.multi_label or set(result.labels) != labels:
        return None
    return decide(result.labels, result.scores, thresholds)


def tuned_set_use(
    name: str, version: int, labels: Sequence[str], template: str | None, multi_label: bool
) -> serving.LabelSetUse | None:
    """The saved set `name` as it is served, when its version `version` (the one the page
    loaded) carries a tuned adapter and the page still has that version's labels, template and
    mode; else None (the page's own inputs are classified zero-shot; so too on an int8 model,
    which cannot carry an adapter). StoreUnavailable when the store is away."""
    if not version or get_settings().model.quantize == "int8":
        return None
    try:
        use = resolve_label_set(name)
    except serving.UnknownLabelSet:
        return None
    names, _ = written.names_and_wordings(labels)
    unchanged = (
        use.saved.version == version
        and set(names) == set(use.labels)
        and (template or get_settings().model.hypothesis_template) == use.template
        and multi_label == use.multi_label
    )
    return use if use.adapter is not None and unchanged else None


def classify_with_tuned_set(use: serving.LabelSetUse, text: str) -> ClassificationResult:
    """One text classified as the tuned set `use` is served (its adapter, wordings and
    calibration); its thresholds are drawn by the page (saved_set_decision)."""
    with stopping_when_cancelled():
        return serving.classify_with_set(get_service(), use, [text]).results[0]


def resolve_label_set(name: str, **given: object) -> serving.LabelSetUse:
    """A saved set by name as it is served now (see core.labels.serving.resolve)."""
    return serving.resolve(get_store(), get_measurements(), name, **given)  # type: ignore[arg-type]


def get_workspaces() -> WorkspaceStore:
    """Workspaces, in the process's database."""
    return WorkspaceStore(get_database())


def _local_jobs() -> JobStore:
    global _local_job_store
    with _lock:
        if _local_job_store is None:
            local = Path(tempfile.gettempdir()) / f"zeroshot-jobs-{os.getpid()}.sqlite"
            _local_job_store = JobStore(Database(f"sqlite:///{local}"))
        return _local_job_store


def get_jobs() -> tuple[JobStore, bool]:
    """The batch-job store and whether it is the app's database. While that is unreachable,
    a file of this process's own: jobs then survive leaving the page, not a move to another
    task. The database is tried again next time."""
    try:
        return JobStore(get_database()), True
    except StoreUnavailable:
        return _local_jobs(), False


def _job_and_store(job_id: str, light: bool = False) -> tuple[batch_jobs.BatchJob | None, JobStore]:
    jobs, _ = get_jobs()
    for store in (jobs, _local_job_store):
        if store is None:
            continue
        try:
            job = store.get(job_id, light)
        except StoreUnavailable:  # the database is away: this process's own file may have it
            continue
        if job is not None:
            return job, store
    return None, jobs


def find_job(job_id: str, light: bool = False) -> batch_jobs.BatchJob | None:
    """A batch job by id, from the database or this process's own file; `light`: its status
    and progress only (see JobStore.get)."""
    return _job_and_store(job_id, light)[0]


def _score_rows(
    texts: Sequence[str],
    cancel: Cancellation,
    client: str,
    labels: Sequence[str],
    template: str,
    multi_label: bool,
    set_name: str = "",
    set_version: int = 0,
) -> list[batch_jobs.ScoredRow | None]:
    """One chunk of a batch job: empty rows stay empty, the others scored together (by a saved
    set's tuned model when the job's labels are still its version's); with a saved set's
    thresholds, a row no label reaches has 該当なし as its top label."""
    items = [(text, template) for text in texts]
    tuned = tuned_set_use(set_name, set_version, labels, template, multi_label)
    results = classify_skipping_blanks(items, labels, multi_label, client, cancel, tuned)
    # Read once for the chunk, not once per row.
    thresholds = _saved_thresholds(set_name, set_version)
    rows: list[batch_jobs.ScoredRow | None] = []
    for result in results:
        if result is None:
            rows.append(None)
            continue
        decision = _decision(result, thresholds)
        top = NONE_LABEL if decision is not None and decision.abstained else result.top_label
        rows.append(batch_jobs.ScoredRow(top, dict(zip(result.labels, result.scores, strict=True))))
    return rows


def _job_scorer(spec: batch_jobs.JobSpec) -> batch_jobs.Score:
    return partial(
        _score_rows,
        labels=spec.labels,
        template=spec.template,
        multi_label=spec.multi_label,
        set_name=spec.set_name,
        set_version=spec.set_version,
    )


def start_batch_job(spec: batch_jobs.JobSpec, table) -> str:
    """Start classifying a file's rows on a worker thread; the job's id."""
    try:
        jobs, _ = get_jobs()
        job = jobs.create(spec, table)
    except StoreUnavailable:  # the database went away since it was opened
        jobs = _local_jobs()
        job = jobs.create(spec, table)
    batch_jobs.start(jobs, job.id, _job_scorer(spec))
    return job.id


def stop_batch_job(job_id: str) -> None:
    _job_and_store(job_id, light=True)[1].request_stop(job_id)
    batch_jobs.cancel_here(job_id)


def go_on_with_batch_job(job: batch_jobs.BatchJob) -> None:
    """Run a stopped, failed or interrupted job again from the rows it had done."""
    jobs = _job_and_store(job.id, light=True)[1]
    jobs.claim(job.id)
    batch_jobs.start(jobs, job.id, _job_scorer(job.spec))


def _share(client: object, cancel: Cancellation | None) -> dict:
    """The caller's client and cancellation: as given, or, in a page, its browser session's."""
    if client is None and cancel is None:
        client, cancel = session_share()
    return {"client": client, "cancel": cancel}


def classify(
    text: str,
    labels: Sequence[str],
    template: str | None,
    multi_label: bool,
    wordings: Mapping[str, Sequence[str]] | None = None,
    calibration: str = "none",
    client: object = None,
    cancel: Cancellation | None = None,
) -> ClassificationResult:
    """One text's ranked result on the shared service (pairs seen before come from its pair
    cache). Labels are written as people write them (core.labels.written): `旅行=旅行|観光`
    scores 旅行 as the best of its wordings; `wordings` given here win over written ones, and
    with them or a `calibration` the text is classified with those options
    (classify_with_options). `client` and `cancel`: see ClassifierService.score; in a page,
    its browser session's."""
    names, written_wordings = written.names_and_wordings(labels)
    wordings = written_wordings | dict(wordings or {})
    if wordings or calibration != "none":
        return classify_with_options(
            [text], names, template, multi_label, wordings, calibration, False, client, cancel
        )[0]
    with stopping_when_cancelled():
        return get_service().classify(text, names, template, multi_label, **_share(client, cancel))


def explain(result: ClassificationResult, label: str | None) -> Explanation:
    """Word-level evidence for `label` in a result: its own text, labels, template and mode."""
    with stopping_when_cancelled():
        return get_service().explain(
            result.text,
            result.labels,
            result.hypothesis_template,
            result.multi_label,
            label,
            **_share(None, None),
        )


def classify_many(
    items: Sequence[tuple[str, str | None]],
    labels: Sequence[str],
    multi_label: bool,
    client: object = None,
    cancel: Cancellation | None = None,
) -> list[ClassificationResult]:
    """(text, template) items against one label set, in order; all their new pairs go to the
    model in one hand-over, as bulk work. A bad item raises InputError naming its position.
    Labels may carry wordings (core.labels.written). `client` and `cancel`: see
    ClassifierService.score."""
    names, wordings = written.names_and_wordings(labels)
    requests = build_requests(items, names, get_settings(), multi_label)
    if wordings:
        return _with_wordings(items, names, multi_label, wordings, client, cancel)
    # Pages' many-text work: it waits behind people classifying one text.
    with stopping_when_cancelled():
        return get_service().score(requests, bulk=True, **_share(client, cancel))


def _with_wordings(
    items: Sequence[tuple[str, str | None]],
    names: Sequence[str],
    multi_label: bool,
    wordings: Mapping[str, Sequence[str]],
    client: object,
    cancel: Cancellation | None,
) -> list[ClassificationResult]:
    """classify_many for labels with wordings: the texts of each template together."""
    results: list[ClassificationResult | None] = [None] * len(items)
    by_template: dict[str | None, list[int]] = {}
    for index, (_, template) in enumerate(items):
        by_template.setdefault(template, []).append(index)
    for template, indexes in by_template.items():
        texts = [items[i][0] for i in indexes]
        scored = classify_with_options(
            texts, names, template, multi_label, wordings, "none", True, client, cancel
        )
        for i, result in zip(indexes, scored, strict=True):
            results[i] = result
    return results


def classify_skipping_blanks(
    items: Sequence[tuple[str, str | None]],
    labels: Sequence[str],
    multi_label: bool,
    client: object = None,
    cancel: Cancellation | None = None,
    tuned: serving.LabelSetUse | None = None,
) -> list[ClassificationResult | None]:
    """As classify_many, but a blank text gives None (an empty row stays empty instead of
    failing the whole run); a bad item raises InputError naming its position in `items`. With
    `tuned` (a saved set's use, tuned_set_use), the texts are scored as that set is served."""
    wanted = [i for i, (text, _) in enumerate(items) if text.strip()]
    results: list[ClassificationResult | None] = [None] * len(items)
    if not wanted:
        return results
    try:
        present = [items[i] for i in wanted]
        if tuned is None:
            scored = classify_many(present, labels, multi_label, client, cancel)
        else:
            with stopping_when_cancelled():
                texts = [text for text, _ in present]
                service = get_service()
                answer = serving.classify_with_set(service, tuned, texts, True, client, cancel)
            scored = answer.results
    except InputError as error:
        raise error.at(wanted[error.index or 0]) from None
    for i, result in zip(wanted, scored, strict=True):
        results[i] = result
    return results


def classify_with_options(
    texts: Sequence[str],
    labels: Sequence[str],
    template: str | None,
    multi_label: bool,
    wordings: Mapping[str, Sequence[str]],
    calibration: str,
    bulk: bool = False,
    client: object = None,
    cancel: Cancellation | None = None,
) -> list[ClassificationResult]:
    """Texts classified with an experiment's options (wordings per label, a calibration; see
    core.exploration.experiments.classify_with_options); each text is checked as for plain
    classification, a bad one named by its position. `client` and `cancel`: see
    ClassifierService.score."""
    settings = get_settings()
    if not texts:
        raise InputError("error.empty_text")
    names, _ = clean_labels(labels, settings)
    if not names:
        raise InputError("error.no_labels")
    template = check_template(
        settings.model.hypothesis_template if template is None else template, settings
    )

    def classify_many_on_service(batch, batch_template, hypotheses, batch_multi):
        items = [(text, batch_template) for text in batch]
        requests = build_requests(items, hypotheses, settings, batch_multi)
        with stopping_when_cancelled():
            return get_service().score(requests, bulk=bulk, **_share(client, cancel))

    return experiments.classify_with_options(
        texts, names, template, multi_label, wordings, calibration, classify_many_on_service
    )


@contextmanager
def using(settings: Settings, service: ClassifierService | None = None) -> Iterator[None]:
    """Use these settings (and this service) for a while, then put back what was there.

    For tests and tools that run the app's code with other settings in the same process.
    """
    global _settings, _service, _database
    with _lock:
        previous = (_settings, _service, _database)
        _settings, _service, _database = settings, service, None
    try:
        yield
    finally:
        with _lock:
            ours = _database
            _settings, _service, _database = previous
        if ours is not None:
            ours.dispose()


def reset() -> None:
    """Shut down and forget everything: the next use reads the environment and builds anew."""
    global _settings, _service, _database
    with _lock:
        service, database = _service, _database
        _settings, _service, _database = None, None, None
    if service is not None:
        service.shutdown()
    if database is not None:
        database.dispose()

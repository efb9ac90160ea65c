"""Experiments' "learn from these rows": fit a saved set's thresholds, or tune its model as a
job on the server (progress, stop), then zero-shot against tuned side by side and "use this"."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.errors import InputError, StoreUnavailable
from core.exploration.batch_jobs import JobStatus
from core.exploration.evaluation import parse_expected
from core.exploration.tuning import TuningSettings
from core.exploration.tuning_jobs import TuningJob
from core.labels.tuned_sets import tuning_spec
from web import resources
from web.ui import state
from web.ui.components import explained_refusals, require_model
from web.ui.i18n import error_text, t

PROGRESS_POLL_SECONDS = 1.0
# Where the panel's own messages are shown (state.flash): under its "use" button.
FLASH_HERE = "tuning"


def _rows(rows: Sequence[dict[str, str]]) -> tuple[list[str], list[frozenset[str]]]:
    return [r["text"] for r in rows], [parse_expected(r["expected"]) for r in rows]


def _fit(name: str, multi_label: bool, rows: Sequence[dict[str, str]]) -> None:
    use = resources.resolve_label_set(name, multi_label=multi_label)
    texts, expected = _rows(rows)
    from core.labels import serving

    measured = serving.measure(resources.get_service(), use, texts, expected)
    resources.get_measurements().put(name, use.saved.version, measured)
    state.remember_saved_version(name, use.saved.version)
    metrics = measured.metrics
    st.success(
        t(
            "tune.fitted",
            name=name,
            version=use.saved.version,
            accuracy=f"{metrics['accuracy']:.1%}",
            macro=f"{metrics['macro_f1']:.3f}",
            abstain=f"{metrics['abstain_rate']:.1%}",
        )
    )
    thresholds = measured.thresholds
    if thresholds is not None and not thresholds.multi_label:
        st.caption(t("tune.min_top", value=f"{thresholds.min_top_score:.3f}"))
    table = pd.DataFrame(metrics["per_label"])
    if thresholds is not None and thresholds.multi_label:
        table["cut"] = [thresholds.cut_of(label) for label in table["label"]]
    st.dataframe(table, hide_index=True, key="tune_fit_table")


def _start(name: str, multi_label: bool, epochs: int, rows: Sequence[dict[str, str]]) -> None:
    use = resources.resolve_label_set(name, multi_label=multi_label)
    texts, expected = _rows(rows)
    spec = tuning_spec(use, texts, expected, TuningSettings(epochs=epochs))
    state.set_tuning_job(resources.start_tuning(spec))


@st.fragment(run_every=PROGRESS_POLL_SECONDS)
def _progress(job_id: str) -> None:
    try:
        job = resources.find_tuning(job_id)
    except StoreUnavailable as error:  # asked again at the next poll
        st.warning(error_text(error))
        return
    if job is None or job.status != JobStatus.RUNNING:
        st.rerun()
        return
    # Until the rows are split and the steps counted, there is no total to show yet.
    if job.total:
        text = t("tune.progress", done=job.done, total=max(job.total, job.done))
    else:
        text = t("tune.preparing")
    left = job.seconds_left()
    if left is not None:
        text += " · " + t("run.time_left", seconds=math.ceil(left))
    st.progress(job.done / max(1, job.total), text=text)
    if st.button(t("tune.stop"), key="tune_stop"):
        with explained_refusals():
            resources.stop_tuning(job_id)
            st.rerun(scope="fragment")


def _use(job: TuningJob) -> None:
    name = job.spec.set_name
    try:
        current = resources.get_store().get(name)
        if current is None:
            raise InputError("error.unknown_label_set", name=name)
        resources.use_tuned(job.id, name, current.version)
    except (InputError, StoreUnavailable) as error:
        state.flash(error_text(error), where=FLASH_HERE)
        return
    state.remember_saved_version(name, current.version)
    state.flash(t("tune.used", name=name, version=current.version), "success", FLASH_HERE)


def _board(job: TuningJob) -> None:
    report = job.report or {}
    st.caption(t("tune.board", rows=report.get("held_out_rows", 0), method=report.get("method")))
    zero, tuned = report["zero_shot"], report["tuned"]
    rows = [
        ("macro-F1", zero["macro_f1"], tuned["macro_f1"]),
        (t("eval.accuracy"), zero["accuracy"], tuned["accuracy"]),
    ]
    rows += [
        (f"F1 {a['label']}", a["f1"], b["f1"])
        for a, b in zip(zero["per_label"], tuned["per_label"], strict=True)
    ]
    board = pd.DataFrame(rows, columns=["", t("tune.zero_shot"), t("tune.tuned")])
    st.dataframe(board, hide_index=True, key="tune_board")
    if report.get("beats_zero_shot"):
        st.success(t("tune.beats"))
        st.button(t("tune.use"), key="tune_use", on_click=_use, args=(job,), type="primary")
        state.show_flash(FLASH_HERE)  # what "use" just did, under its button
    else:
        st.warning(error_text(InputError("tuning.not_better")))


def tuning_panel(rows: Sequence[dict[str, str]]) -> None:
    """The panel; `rows` are Evaluate's rows with a text ({"text", "expected"})."""
    st.subheader(t("tune.header"))
    st.caption(t("tune.caption", count=len(rows)))
    try:
        saved = [s.name for s in resources.get_store().list()]
    except StoreUnavailable as error:
        st.warning(error_text(error))
        return
    if not saved:
        st.info(t("tune.no_sets"))
        return
    name = st.selectbox(t("tune.set"), saved, key="tune_set")
    multi_label = st.checkbox(t("tune.multi"), key="tune_multi")
    epochs = st.number_input(t("tune.epochs"), 1, 50, 10, key="tune_epochs")
    fit_col, tune_col = st.columns(2)
    if fit_col.button(t("tune.fit"), key="tune_fit"):
        with explained_refusals():
            require_model()
            _fit(name, multi_label, rows)
    if tune_col.button(t("tune.start"), key="tune_start", type="primary"):
        with explained_refusals():
            require_model()
            _start(name, multi_label, int(epochs), rows)
    job_id = state.tuning_job()
    if not job_id:
        return
    try:
        job = resources.find_tuning(job_id)
    except StoreUnavailable as error:
        st.warning(error_text(error))
        return
    if job is None:
        return
    if job.status == JobStatus.RUNNING:
        _progress(job_id)
        return
    status = job.status.value
    st.caption(t("tune.status", status=t(f"tune.status_{status}")))
    if job.error is not None:
        st.error(error_text(InputError(job.error[0], **job.error[1])))
    if job.status == JobStatus.DONE and job.report is not None:
        _board(job)

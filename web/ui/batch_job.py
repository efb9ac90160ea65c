"""A batch job on screen: its progress while it runs (polled), then its results and downloads.

The job runs on the server and lives in the store, so this panel shows the same thing after
leaving the page, a reload, or on another task: it only reads the job by id.
"""

from __future__ import annotations

import math

import streamlit as st

from core.bulk.command import command_line
from core.errors import InputError, StoreUnavailable
from core.exploration import batch_files as batch
from core.exploration.batch_jobs import BatchJob, JobSpec, JobStatus
from core.labels.written import label_names
from web import resources
from web.text import message
from web.ui import state
from web.ui.i18n import error_text, joined, lang, t

# The results as each download button serves them: key, text, writer, file name, media type.
DOWNLOADS = (
    ("batch_download", "batch.download", batch.to_csv, "zeroshot-results.csv", "text/csv"),
    (
        "batch_download_xlsx",
        "batch.download_xlsx",
        batch.to_xlsx,
        "zeroshot-results.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
)
# How often a running job's progress is read again: quick enough to see it move, light on the
# store (one small read per open page per poll).
PROGRESS_POLL_SECONDS = 1.0


def _reason(job: BatchJob) -> str:
    key, params = job.error or ("batch.job_failed", {"detail": "?"})
    params = dict(params)
    row = params.pop("row", None)
    text = error_text(InputError(key, **params))
    return text if row is None else message("batch.row_failed", lang(), row=row, detail=text)


def _describe(spec: JobSpec) -> None:
    st.caption(
        t(
            "batch.job_of",
            file=spec.file_name,
            column=spec.column,
            labels=joined(spec.labels),
            template=spec.template,
            mode=t("run.mode_multi") if spec.multi_label else t("run.mode_single"),
        )
    )
    if spec.set_version:
        # Rows no label reaches come back as 該当なし: say which set's thresholds decided.
        st.caption(t("batch.set_used", name=spec.set_name, version=spec.set_version))


@st.fragment(run_every=PROGRESS_POLL_SECONDS)
def _progress(job_id: str) -> None:
    job = resources.find_job(job_id, light=True)
    if job is None or job.status != JobStatus.RUNNING:
        st.rerun()  # the whole page: results, downloads and the run button take its place
        return
    text = t("batch.progress", done=job.done, total=job.total)
    left = job.seconds_left()
    if left is not None:
        text += " · " + t("run.time_left", seconds=math.ceil(left))
    st.progress(job.done / max(1, job.total), text=text)
    if job.stop_requested:
        st.caption(t("batch.stopping"))
    elif st.button(t("batch.stop"), key="batch_stop"):
        resources.stop_batch_job(job_id)
        st.rerun(scope="fragment")


def _results(job: BatchJob) -> None:
    """The rows classified, as a table and as files: all of them for a finished job, the first
    `done` (the rows a stopped, interrupted or failed job got to) otherwise, never rows
    without scores posing as results."""
    done = job.total if job.status == JobStatus.DONE else job.done
    table = batch.results_table(
        job.table.iloc[:done],
        job.rows[:done],
        label_names(job.spec.labels),
        t("batch.top_label"),
        f" ({t('result.score')})",
    )
    st.dataframe(table, hide_index=True, key="batch_results")
    # Made when clicked, through this session's own socket: no results file waits in the media
    # store at an address someone else could fetch. A click does not rerun the page: each run
    # gives every deferred download a new address and drops the old ones, so the CSV button's
    # rerun left the Excel button pointing at a file that was gone ("Deferred file … not found").
    for key, label, write, name, mime in DOWNLOADS:
        st.download_button(
            t(label),
            data=lambda write=write: write(table),
            file_name=name,
            mime=mime,
            key=key,
            on_click="ignore",
        )


def show_job(job_id: str, current: JobSpec | None) -> None:
    """The job's panel; a finished job made for another file, column, labels, template or mode
    than the one on screen (`current`) is not shown, so old results never sit beside new input."""
    try:
        job = resources.find_job(job_id, light=True)
    except StoreUnavailable as error:
        st.warning(error_text(error))
        return
    if job is None:
        st.caption(t("batch.job_gone"))
        return
    if current is not None and job.spec != current and job.status != JobStatus.RUNNING:
        return
    _describe(job.spec)
    if not resources.get_jobs()[1]:
        st.caption(t("batch.job_local"))
    if job.status == JobStatus.RUNNING:
        st.info(t("batch.running"))
        _progress(job.id)
        return
    if job.status == JobStatus.DONE:
        st.success(t("batch.done", count=job.total))
    else:
        note = {
            JobStatus.STOPPED: lambda: t("batch.stopped", done=job.done, total=job.total),
            JobStatus.INTERRUPTED: lambda: t("batch.interrupted", done=job.done, total=job.total),
            # The reason is escaped already (error_text): not through t() a second time.
            JobStatus.FAILED: lambda: message(
                "batch.failed", lang(), done=job.done, total=job.total, reason=_reason(job)
            ),
        }[job.status]()
        st.warning(note)
        if st.button(t("batch.go_on"), key="batch_go_on", type="primary"):
            resources.go_on_with_batch_job(job)
            st.rerun()
    if job.done:
        _results(resources.find_job(job_id) or job)


def _saved_set_on_screen(labels: list[str], template: str) -> str | None:
    """The current set's name when it is a saved team set exactly as on screen (so the command
    reads it, wordings and all, from the store); None when edited since, unsaved, or the store
    is away."""
    name = state.current_set_name()
    if not state.saved_version(name):
        return None
    try:
        saved = resources.get_store().get(name)
    except (InputError, StoreUnavailable):
        return None
    if saved is None or list(saved.labels) != labels or saved.template != template:
        return None
    return name


def bulk_command(file_name: str | None, column: str | None, multi_label: bool) -> None:
    """Where the page's row limit ends: the command that classifies a file of any size with
    the label set on screen (docs/bulk.md)."""
    labels, template = state.current_labels(), state.template()
    command = command_line(
        labels,
        template,
        multi_label,
        label_set=_saved_set_on_screen(labels, template),
        column=column,
        input_path=file_name,
    )
    with st.expander(t("batch.bulk_title", rows=batch.MAX_ROWS), key="batch_bulk"):
        st.caption(t("batch.bulk_hint", rows=batch.MAX_ROWS))
        st.code(command, language="bash")

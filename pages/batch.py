"""Batch files: classify every row of a CSV or Excel file on the server, then download it all."""

import hashlib

import streamlit as st

from core.errors import InputError
from core.exploration import batch_files as batch
from core.exploration.batch_jobs import JobSpec, JobStatus
from web import resources
from web.ui import state
from web.ui.batch_job import bulk_command, show_job
from web.ui.components import (
    explained_refusals,
    model_status_banner,
    multi_label_toggle,
    require_model,
    run_caption,
)
from web.ui.i18n import error_text, t

st.title(t("batch.header"))
model_status_banner()
st.caption(t("batch.caption", rows=batch.MAX_ROWS))

labels = state.current_labels()
multi_label = multi_label_toggle("batch_multi")
run_caption(labels)
upload = st.file_uploader(
    t("batch.upload"), type=["csv", "tsv", "txt", "xlsx", "xlsm"], key="batch_file"
)
frame = None
if upload is not None:
    try:
        frame = batch.read_table(upload.name, upload.getvalue())
        columns = batch.text_columns(frame)
    except InputError as error:
        st.error(error_text(error))
        frame = None

# What a job would be made for now: a job made for anything else is not shown beside it.
current = None
if frame is not None:
    guessed = batch.guess_text_column(frame, columns)
    if st.session_state.get("batch_column") not in columns:
        st.session_state["batch_column"] = guessed
    column = st.selectbox(t("batch.column"), columns, key="batch_column")
    st.caption(t("batch.preview"))
    st.dataframe(frame.head(10), hide_index=True, key="batch_preview")
    current = JobSpec(
        upload.name,
        hashlib.sha256(upload.getvalue()).hexdigest(),
        column,
        tuple(labels),
        state.template(),
        multi_label,
        state.current_set_name(),
        state.saved_version(state.current_set_name()),
    )
    if st.button(t("batch.run"), type="primary", key="batch_run"):
        with explained_refusals():
            batch.texts_of(frame, column)  # a column with no text is refused before it starts
            require_model()
            previous = resources.find_job(state.batch_job(), light=True)
            if previous is not None and previous.status == JobStatus.RUNNING:
                resources.stop_batch_job(previous.id)  # one job per workspace at a time
            state.set_batch_job(resources.start_batch_job(current, frame))

# Past the row limit: the same label set over a file of any size, as one command.
bulk_command(
    upload.name if upload is not None else None,
    current.column if current is not None else None,
    multi_label,
)

if state.batch_job():
    show_job(state.batch_job(), current)

"""Batch files: classify every row of a CSV or Excel file, preview, and download the results."""

import streamlit as st

from core.errors import InputError
from core.exploration import batch_files as batch
from web.ui import state
from web.ui.components import (
    classify_all,
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

# Results belong to the file, column, labels, template and mode that made them: any change hides
# them, so a table from an earlier file is never shown beside a new one.
made_for = None
if frame is not None:
    guessed = batch.guess_text_column(frame, columns)
    if st.session_state.get("batch_column") not in columns:
        st.session_state["batch_column"] = guessed
    column = st.selectbox(t("batch.column"), columns, key="batch_column")
    st.caption(t("batch.preview"))
    st.dataframe(frame.head(10), hide_index=True, key="batch_preview")
    made_for = (upload.file_id, column, tuple(labels), state.template(), multi_label)
    if st.button(t("batch.run"), type="primary", key="batch_run"):
        with explained_refusals():
            texts = batch.texts_of(frame, column)
            require_model()
            results = classify_all(texts, labels, multi_label, "batch.progress")
            table = batch.results_table(
                frame, results, labels, t("batch.top_label"), f" ({t('result.score')})"
            )
            state.set_batch_output((made_for, table))

kept = state.batch_output()
output = kept[1] if kept is not None and kept[0] == made_for else None
if output is not None:
    st.success(t("batch.done", count=len(output)))
    st.dataframe(output, hide_index=True, key="batch_results")
    st.download_button(
        t("batch.download"),
        # Made when clicked, through this session's own socket: no results file waits in the
        # media store at an address someone else could fetch.
        data=lambda table=output: batch.to_csv(table),
        file_name="zeroshot-results.csv",
        mime="text/csv",
        key="batch_download",
    )
    st.download_button(
        t("batch.download_xlsx"),
        data=lambda table=output: batch.to_xlsx(table),
        file_name="zeroshot-results.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="batch_download_xlsx",
    )

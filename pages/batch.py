"""Batch files: classify every row of a CSV or Excel file, preview, and download the results."""

import streamlit as st

from core import batch
from core.errors import InputError
from web import state
from web.components import explained_refusals, model_status_banner, require_model
from web.i18n import error_text, plain, t
from web.resources import classify, get_service

st.title(t("batch.header"))
model_status_banner()
st.caption(t("batch.caption", rows=batch.MAX_ROWS))

labels = state.current_labels()
template = state.classify_template(get_service().settings.hypothesis_template)
st.caption(f"{t('classify.labels')}: {plain('、'.join(labels))} · {plain(template)}")
upload = st.file_uploader(
    t("batch.upload"), type=["csv", "tsv", "txt", "xlsx", "xlsm"], key="batch_file"
)
frame = None
if upload is not None:
    try:
        frame = batch.read_table(upload.name, upload.getvalue())
        columns = batch.text_columns(frame)
        if not columns:
            raise InputError("batch.no_text_columns")
    except InputError as error:
        st.error(error_text(error))
        frame = None

if frame is not None:
    column = st.selectbox(t("batch.column"), columns, key="batch_column")
    multi_label = st.toggle(t("classify.multi_label"), key="batch_multi")
    st.caption(t("batch.preview"))
    st.dataframe(frame.head(10), hide_index=True, key="batch_preview")
    if st.button(t("batch.run"), type="primary", key="batch_run"):
        with explained_refusals():
            texts = batch.texts_of(frame, column)
            require_model()
            progress = st.progress(0.0, text=t("batch.progress", done=0, total=len(texts)))
            results = []
            for done, text in enumerate(texts, start=1):
                # An empty cell stays an empty row in the output instead of failing the file.
                results.append(
                    classify(text, labels, template, multi_label) if text.strip() else None
                )
                progress.progress(
                    done / len(texts), text=t("batch.progress", done=done, total=len(texts))
                )
            state.set_batch_output(batch.results_table(frame, column, results, labels))

output = state.batch_output()
if output is not None:
    st.success(t("batch.done", count=len(output)))
    st.dataframe(output, hide_index=True, key="batch_results")
    st.download_button(
        t("batch.download"),
        data=batch.to_csv(output),
        file_name="zeroshot-results.csv",
        mime="text/csv",
        key="batch_download",
    )

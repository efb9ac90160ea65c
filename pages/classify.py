"""Classify: one text against the current label set."""

import streamlit as st

from core.errors import InputError, ModelNotReady
from web.resources import classify
from web.ui import state
from web.ui.classify_form import classify_form
from web.ui.components import model_status_banner, ranked_result, require_model
from web.ui.explanation import explain_toggle, explanation_view
from web.ui.i18n import error_text, t
from web.ui.sharing import restore_from_link, share_box

st.title(t("app.title"))
st.subheader(t("classify.header"))
model_status_banner()
restore_from_link()

inputs = classify_form()
if inputs is not None:
    try:
        require_model()
        state.set_last_result(
            classify(inputs.text, inputs.labels, inputs.template, inputs.multi_label)
        )
    except InputError as error:
        state.set_last_result(None)
        st.error(error_text(error))
    except ModelNotReady:
        st.error(t("model.not_ready"))

result = state.last_result()
if result is not None:
    st.subheader(t("classify.results"))
    ranked_result(result)
    if explain_toggle():
        explanation_view(result)

share_box()

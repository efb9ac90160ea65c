"""Classify: one text against the current label set."""

import streamlit as st

from core.errors import InputError, ModelNotReady
from web import state
from web.components import model_status_banner, ranked_result, require_model
from web.i18n import error_text, plain, t
from web.resources import classify, get_service
from web.sharing import restore_from_link, share_box

st.title(t("app.title"))
st.subheader(t("classify.header"))
model_status_banner()
default_template = get_service().settings.hypothesis_template
restore_from_link(default_template)
state.classify_template(default_template)

pending = state.take_pending_text()
if pending is not None:
    st.session_state[state.CLASSIFY_TEXT] = pending

labels = state.current_labels()
with st.form("classify_form"):
    text = st.text_area(
        t("classify.text"), key=state.CLASSIFY_TEXT, placeholder=t("classify.text_placeholder")
    )
    st.caption(f"{t('classify.labels')} — {plain(state.current_set_name())}")
    chosen = [
        label
        for i, label in enumerate(labels)
        if st.checkbox(plain(label), value=True, key=f"classify_label_{i}_{label}")
    ]
    custom = st.text_input(
        t("classify.custom_label"), key="classify_custom", help=t("classify.custom_label_help")
    )
    multi_label = st.toggle(t("classify.multi_label"), key=state.CLASSIFY_MULTI)
    template = st.text_input(
        t("classify.template"), key=state.CLASSIFY_TEMPLATE, help=t("classify.template_help")
    )
    submitted = st.form_submit_button(t("classify.submit"), type="primary", key="classify_submit")

if submitted:
    candidates = chosen + [part for part in custom.split(",") if part.strip()]
    try:
        require_model()
        state.set_last_result(classify(text, candidates, template, multi_label))
    except InputError as error:
        state.set_last_result(None)
        st.error(error_text(error))
    except ModelNotReady:
        st.error(t("model.not_ready"))

result = state.last_result()
if result is not None:
    st.subheader(t("classify.results"))
    ranked_result(result)

share_box(default_template)

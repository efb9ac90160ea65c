"""Compare templates: the same texts under 2 to 4 hypothesis templates, side by side."""

import pandas as pd
import streamlit as st

from core.analysis import clean_templates, compare_templates
from web import state
from web.components import explained_refusals, model_status_banner, require_model, score_table
from web.i18n import plain, t
from web.resources import classify, get_service

st.title(t("compare.header"))
model_status_banner()

default_template = state.classify_template(get_service().settings.hypothesis_template)
st.session_state.setdefault("compare_templates", f"{default_template}\nこれは{{}}の話です。")
labels = state.current_labels()
st.caption(f"{t('classify.labels')}: {plain('、'.join(labels))}")
with st.form("compare_form"):
    raw_templates = st.text_area(t("compare.templates"), key="compare_templates", height=120)
    scope = st.radio(
        t("compare.scope"),
        ["text", "examples"],
        format_func=lambda s: t(f"compare.scope_{s}"),
        horizontal=True,
        key="compare_scope",
    )
    text = st.text_input(t("compare.text"), key="compare_text")
    multi_label = st.toggle(t("classify.multi_label"), key="compare_multi")
    run = st.form_submit_button(t("compare.run"), type="primary", key="compare_run")

if run:
    texts = [text] if scope == "text" else state.examples()
    with explained_refusals():
        templates = clean_templates(raw_templates.splitlines())
        require_model()
        results = [
            classify(item, labels, template, multi_label)
            for item in texts
            for template in templates
        ]
        comparison = compare_templates(results, labels)
        differing = comparison.differing_texts()
        if differing:
            st.warning(t("compare.differs", count=len(differing)))
        else:
            st.success(t("compare.same"))
        frame = pd.DataFrame([row.scores for row in comparison.rows], columns=list(labels))
        frame.insert(0, t("compare.template"), [row.template for row in comparison.rows])
        frame.insert(0, t("compare.text"), [row.text for row in comparison.rows])
        frame[t("examples.top")] = [
            ("⚠ " if row.text in differing else "") + row.top_label for row in comparison.rows
        ]
        st.dataframe(score_table(frame, list(labels)), hide_index=True, key="compare_table")

"""The multipage navigation: Classify, Labels, Examples."""

from __future__ import annotations

import streamlit as st

from web.i18n import language_picker, t

CLASSIFY_PAGE = "pages/classify.py"
LABELS_PAGE = "pages/labels.py"
EXAMPLES_PAGE = "pages/examples.py"


def run_navigation() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=":material/label:", layout="wide")
    language_picker()
    pages = [
        st.Page(CLASSIFY_PAGE, title=t("nav.classify"), icon=":material/search:"),
        st.Page(LABELS_PAGE, title=t("nav.labels"), icon=":material/label:"),
        st.Page(EXAMPLES_PAGE, title=t("nav.examples"), icon=":material/library_books:"),
    ]
    st.navigation(pages).run()

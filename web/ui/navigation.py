"""The multipage navigation: Classify, Labels, Examples."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from web.ui import login
from web.ui.drafts import keep_drafts
from web.ui.i18n import language_picker, t
from web.ui.style import apply_style
from web.ui.workspace import (
    missing_workspace,
    open_workspace,
    save_workspace,
    workspace_box,
    workspace_notice,
)

CLASSIFY_PAGE = "pages/classify.py"
LABELS_PAGE = "pages/labels.py"
EXAMPLES_PAGE = "pages/examples.py"
COMPARE_PAGE = "pages/compare.py"
BATCH_PAGE = "pages/batch.py"
EVALUATE_PAGE = "pages/evaluate.py"
EXPERIMENTS_PAGE = "pages/experiments.py"


# The private switch Streamlit reads to decide whether `pages/` is a v1 multipage app.
PAGES_DIRECTORY_SWITCH = "uses_pages_directory"


class NavigationGateMissing(RuntimeError):
    """Streamlit no longer has the switch the login gate relies on: refuse to start open."""


def use_explicit_navigation() -> None:
    """Make every script run start at app.py, never straight at a file in pages/.

    Streamlit treats a `pages/` folder beside the main script as a v1 multipage app until the
    first st.navigation call: before it, the first run in the process would run /labels's file
    alone, past the login gate. Call this when the server imports app.py, before any session.
    The switch is private: if a Streamlit release renames it, setting it would silently do
    nothing and the gate would fail open, so the server refuses to start instead.
    """
    if not hasattr(PagesManager, PAGES_DIRECTORY_SWITCH):
        raise NavigationGateMissing(
            f"streamlit {st.__version__} has no PagesManager.{PAGES_DIRECTORY_SWITCH}: deep links "
            "could run a page past the login gate. Pin the tested streamlit version "
            "(pyproject.toml) or update web/ui/navigation.py."
        )
    setattr(PagesManager, PAGES_DIRECTORY_SWITCH, False)


def run_navigation() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=":material/label:", layout="wide")
    apply_style()
    language_picker()
    pages = [
        st.Page(CLASSIFY_PAGE, title=t("nav.classify"), icon=":material/search:"),
        st.Page(LABELS_PAGE, title=t("nav.labels"), icon=":material/label:"),
        st.Page(EXAMPLES_PAGE, title=t("nav.examples"), icon=":material/library_books:"),
        st.Page(COMPARE_PAGE, title=t("nav.compare"), icon=":material/compare:"),
        st.Page(BATCH_PAGE, title=t("nav.batch"), icon=":material/table:"),
        st.Page(EVALUATE_PAGE, title=t("nav.evaluate"), icon=":material/rule:"),
        st.Page(EXPERIMENTS_PAGE, title=t("nav.experiments"), icon=":material/leaderboard:"),
    ]
    if not login.signed_in():
        # The same pages stay registered (so a deep link resolves), but none of them runs: whatever
        # page the URL names, the session sees only the login form until it signs in.
        st.navigation(pages, position="hidden")
        login.login_page()
        return
    login.account_box()
    open_workspace()
    keep_drafts()
    workspace_box()
    if missing_workspace():
        st.navigation(pages)  # the menu stays; the page waits for the user's choice
        return
    workspace_notice()
    st.navigation(pages).run()
    save_workspace()

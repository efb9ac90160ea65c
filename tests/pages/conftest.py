"""AppTest fixtures: the real app script, its process-wide service pointed at the tiny model."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP_SCRIPT = str(ROOT / "app.py")
# First runs import torch and transformers; later runs take well under a second.
RUN_TIMEOUT_SECONDS = 60


def new_session(**query_params: str) -> AppTest:
    """A fresh browser session, opened (with these URL query parameters) and run once."""
    at = AppTest.from_file(APP_SCRIPT, default_timeout=RUN_TIMEOUT_SECONDS)
    at.query_params.update(query_params)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def app(ready_service) -> AppTest:
    """A fresh browser session on the app's default page (Classify)."""
    return new_session()


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at


@pytest.fixture(autouse=True)
def run_app_py_first(monkeypatch):
    """Run app.py on every AppTest run, as the server does once app.py has been imported.

    AppTest forgets, before each run, that the app navigates explicitly, and falls back to
    Streamlit's v1 `pages/` folder mode, which runs a page file alone (no login, no sidebar).
    """
    from streamlit.runtime.scriptrunner import script_runner

    def exec_main_script(main_script_path: str) -> None:
        module = sys.modules["__main__"]
        code = compile(Path(main_script_path).read_text(encoding="utf-8"), main_script_path, "exec")
        exec(code, module.__dict__)

    monkeypatch.setattr(script_runner, "_mpa_v1", exec_main_script)


def as_shown(markdown: str) -> str:
    """The text a person sees for Markdown that the app escaped with web.ui.i18n.plain."""
    return re.sub(r"\\(.)", r"\1", markdown)

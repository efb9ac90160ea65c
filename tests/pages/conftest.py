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


def workspace_id(at: AppTest) -> str:
    """The workspace a session's URL names (`?w=`)."""
    value = at.query_params["w"]
    return value[0] if isinstance(value, list) else value


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


def run_batch_job(at: AppTest) -> str:
    """Press run, wait for the server-side job to end, and draw the page again."""
    from core.exploration import batch_jobs

    at.button(key="batch_run").click().run()
    assert not at.exception
    job_id = at.session_state["workspace"].batch_job
    assert batch_jobs.wait(job_id, timeout=60)
    at.run()
    assert not at.exception
    return job_id


def batch_table(job_id: str):
    """The results table of a batch job, as its download buttons serve it."""
    from core.exploration import batch_files as batch
    from web import resources

    job = resources.find_job(job_id)
    return batch.results_table(job.table, job.rows, job.spec.labels, "最上位ラベル", " (スコア)")

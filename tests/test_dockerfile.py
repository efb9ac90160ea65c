"""What the image promises: CPU-only torch, non-root, hub offline, the model baked in."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT
from tests.dockerfile import read_dockerfile


def test_torch_comes_from_the_cpu_only_index():
    text = read_dockerfile().text
    assert "--index-url https://download.pytorch.org/whl/cpu torch==2.13.0" in text


def test_runs_as_a_non_root_user():
    assert read_dockerfile().user not in ("", "root", "0")


def test_running_container_never_reaches_the_hub():
    assert read_dockerfile().env["HF_HUB_OFFLINE"] == "1"


def test_model_is_fetched_at_build_time_from_a_build_arg():
    text = read_dockerfile().text
    assert "ARG MODEL_ID=Formzu/bert-base-japanese-jsnli" in text
    assert 'RUN python /app/deploy/fetch_model.py "${MODEL_ID}"' in text
    assert read_dockerfile().env["MODEL_ID"] == "${MODEL_ID}"


def test_dependencies_are_installed_before_the_code_is_copied():
    text = read_dockerfile().text
    assert text.index("pip install -r requirements.txt") < text.index("COPY --chown=app:app . /app")
    assert text.index('fetch_model.py "${MODEL_ID}"') < text.index("COPY --chown=app:app . /app")


def test_cmd_runs_streamlit_on_app_py():
    assert read_dockerfile().cmd == ["streamlit", "run", "app.py"]


def test_dockerignore_keeps_tests_and_git_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", "tests", "bench"} <= set(ignored)


def test_the_image_leaves_out_the_bulk_commands_dependencies():
    # Ray Data is for the bulk command (the `bulk` extra), run beside the app, not in it.
    text = read_dockerfile().text
    assert "[bulk]" not in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [dep for dep in project["dependencies"] if dep.lower().startswith("ray")]
    assert [dep for dep in project["optional-dependencies"]["bulk"] if dep.startswith("ray")]

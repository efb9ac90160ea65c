"""Port and health path agree everywhere the container's contract is written down, and README's
two commands are the ones CI runs."""

from __future__ import annotations

import tomllib

import pytest
import yaml

from core.config import Settings
from tests.conftest import ROOT
from tests.dockerfile import read_dockerfile
from web.http.application import build_api
from web.http.status import HEALTH_PATH

PORT = 8080
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
MANIFESTS = {
    "app_runner": ROOT / "copilot" / "zeroshot" / "manifest.yml",
    "load_balanced": ROOT / "copilot" / "zeroshot-full" / "manifest.yml",
}
CFN_TEMPLATE = ROOT / "deploy" / "ecs-express" / "template.yaml"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _yaml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_streamlit_listens_on_8080_on_all_interfaces():
    server = tomllib.loads(STREAMLIT_CONFIG.read_text())["server"]
    assert (server["port"], server["address"]) == (PORT, "0.0.0.0")


def test_app_serves_the_health_path():
    paths = build_api(Settings()).openapi()["paths"]
    assert HEALTH_PATH == "/healthz"
    assert HEALTH_PATH in paths


def test_dockerfile_exposes_the_port_and_checks_health():
    docker = read_dockerfile()
    assert docker.exposed == [PORT]
    assert f"127.0.0.1:{PORT}{HEALTH_PATH}" in docker.healthcheck


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_manifests_agree_on_port_and_health(name):
    manifest = _yaml(MANIFESTS[name])
    assert manifest["image"]["port"] == PORT
    assert manifest["image"]["build"] == "Dockerfile"
    assert manifest["http"]["healthcheck"]["path"] == HEALTH_PATH


def test_cloudformation_agrees_on_port_and_health():
    service = _yaml(CFN_TEMPLATE)["Resources"]["Service"]["Properties"]
    assert service["PrimaryContainer"]["ContainerPort"] == PORT
    assert service["HealthCheckPath"] == HEALTH_PATH


def test_the_shipped_server_watches_no_source_files():
    # With the polling watcher each script run walks every loaded module on the event loop;
    # while the model loader imports torch that held the first page's form for seconds.
    server = tomllib.loads(STREAMLIT_CONFIG.read_text())["server"]
    assert server["fileWatcherType"] == "none"


def _readme_command(heading: str) -> str:
    section = README.split(f"## {heading}\n", 1)[1]
    return section.split("```bash\n", 1)[1].split("\n```", 1)[0].strip()


def test_ci_runs_exactly_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == _readme_command("Run the tests")


def test_readmes_two_commands_set_the_machine_up_first():
    assert _readme_command("Run the app") == "bash .ci/setup && streamlit run app.py"
    assert _readme_command("Run the tests").startswith("bash .ci/setup --dev && ")


def test_every_dependency_is_declared_once_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = project["dependencies"] + [
        d for deps in project["optional-dependencies"].values() for d in deps
    ]
    names = [pin.split("==")[0].split("[")[0].lower() for pin in pins]
    assert len(names) == len(set(names))
    assert all("==" in pin for pin in pins)
    requirements = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert requirements == ["."]
    assert not list(ROOT.glob("requirements-*.txt"))

"""Port and health path agree everywhere the container's contract is written down."""

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

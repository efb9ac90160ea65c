"""The ECS Express Mode template lints clean and holds what the service needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

TEMPLATE = ROOT / "deploy" / "ecs-express" / "template.yaml"


def _resources() -> dict:
    return yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["Resources"]


def test_cfn_lint_passes():
    cfn_lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or "cfn-lint"
    result = subprocess.run([cfn_lint, str(TEMPLATE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_service_is_an_express_gateway_service_with_image_parameter():
    service = _resources()["Service"]
    assert service["Type"] == "AWS::ECS::ExpressGatewayService"
    assert service["Properties"]["PrimaryContainer"]["Image"] == {"Ref": "Image"}


def test_service_has_cpu_memory_and_scaling():
    properties = _resources()["Service"]["Properties"]
    assert properties["Cpu"] == {"Ref": "Cpu"} and properties["Memory"] == {"Ref": "Memory"}
    assert set(properties["ScalingTarget"]) >= {"MinTaskCount", "MaxTaskCount"}


def test_roles_carry_the_managed_policies_express_mode_needs():
    resources = _resources()
    assert resources["ExecutionRole"]["Properties"]["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    ]
    assert resources["InfrastructureRole"]["Properties"]["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices"
    ]

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


def cfn_lint(template: Path) -> str:
    """cfn-lint's findings on a template ("" when it lints clean)."""
    program = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or "cfn-lint"
    result = subprocess.run([program, str(template)], capture_output=True, text=True)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def test_cfn_lint_passes():
    assert cfn_lint(TEMPLATE) == ""


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


def test_the_store_is_an_aurora_postgresql_cluster_that_outlives_the_stack():
    resources = _resources()
    cluster = resources["Database"]
    assert cluster["Type"] == "AWS::RDS::DBCluster"
    assert cluster["Properties"]["Engine"] == "aurora-postgresql"
    assert "ServerlessV2ScalingConfiguration" in cluster["Properties"]
    assert resources["DatabaseWriter"]["Properties"]["DBInstanceClass"] == "db.serverless"
    assert cluster["DeletionPolicy"] == cluster["UpdateReplacePolicy"] == "Snapshot"
    assert cluster["Properties"]["DeletionProtection"] is True
    assert cluster["Properties"]["BackupRetentionPeriod"] >= 1


def test_the_password_is_kept_by_rds_never_in_the_template():
    properties = _resources()["Database"]["Properties"]
    assert properties["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in properties
    # Nor asked of whoever deploys it.
    parameters = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["Parameters"]
    assert not [name for name in parameters if "password" in name.lower()]


def test_the_container_gets_the_secret_and_where_the_database_is():
    from core.storage import SECRET_VARIABLE

    resources = _resources()
    container = resources["Service"]["Properties"]["PrimaryContainer"]
    secret_arn = {"Fn::GetAtt": ["Database", "MasterUserSecret.SecretArn"]}
    assert container["Secrets"] == [{"Name": SECRET_VARIABLE, "ValueFrom": secret_arn}]
    environment = {item["Name"]: item["Value"] for item in container["Environment"]}
    assert environment["DATABASE_HOST"] == {"Fn::GetAtt": ["Database", "Endpoint.Address"]}
    assert environment["DATABASE_PORT"] == {"Fn::GetAtt": ["Database", "Endpoint.Port"]}
    assert environment["DATABASE_NAME"] == resources["Database"]["Properties"]["DatabaseName"]
    assert "DATABASE_URL" not in environment
    # ECS may read that secret when it starts a task.
    [policy] = resources["ExecutionRole"]["Properties"]["Policies"]
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "secretsmanager:GetSecretValue"
    assert statement["Resource"] == secret_arn


def test_only_the_tasks_reach_the_database():
    resources = _resources()
    [ingress] = resources["DatabaseSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert ingress["SourceSecurityGroupId"] == {"Ref": "TaskSecurityGroup"}
    assert ingress["FromPort"] == ingress["ToPort"] == 5432
    network = resources["Service"]["Properties"]["NetworkConfiguration"]
    assert network["SecurityGroups"] == [{"Ref": "TaskSecurityGroup"}]


def test_the_full_ui_runs_on_one_task_because_express_mode_has_no_stickiness():
    template = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    for name in ("MinTasks", "MaxTasks"):
        parameter = template["Parameters"][name]
        assert parameter["Default"] == parameter["MaxValue"] == 1, name
    # The service itself has no stickiness setting to turn on instead.
    assert not any("stick" in key.lower() for key in _resources()["Service"]["Properties"])
    # The template and the docs say why, and where to go for more tasks.
    text = TEMPLATE.read_text(encoding="utf-8")
    assert "stickiness" in text and "copilot/zeroshot-full" in text
    deploy_doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "Express Mode has no stickiness setting" in deploy_doc
    assert "one task" in deploy_doc


def test_the_docs_name_the_database_its_cost_backups_and_removal():
    deploy_doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for words in ("Aurora PostgreSQL Serverless v2", "ACU", "snapshot", "--no-deletion-protection"):
        assert words in deploy_doc, words

"""The Copilot manifests parse and hold what each host needs."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT

COPILOT = ROOT / "copilot"
# App Runner accepts only these vCPU/memory pairs (CPU units, MiB).
APP_RUNNER_PAIRS = {
    (256, 512), (256, 1024), (512, 1024), (1024, 2048), (1024, 3072), (1024, 4096),
    (2048, 4096), (2048, 6144), (4096, 8192), (4096, 10240), (4096, 12288),
}  # fmt: skip
# App Runner's health-check bounds: interval and timeout 1-20 s, thresholds 1-20.
APP_RUNNER_HEALTH_RANGE = range(1, 21)


def _manifest(service: str) -> dict:
    return yaml.safe_load((COPILOT / service / "manifest.yml").read_text(encoding="utf-8"))


def test_workspace_names_the_application():
    assert yaml.safe_load((COPILOT / ".workspace").read_text())["application"] == "zeroshot"


def test_app_runner_service_is_request_driven():
    assert _manifest("zeroshot")["type"] == "Request-Driven Web Service"


def test_app_runner_cpu_memory_is_a_pair_it_accepts():
    manifest = _manifest("zeroshot")
    assert (manifest["cpu"], manifest["memory"]) in APP_RUNNER_PAIRS


def test_app_runner_health_check_is_within_its_bounds():
    check = _manifest("zeroshot")["http"]["healthcheck"]
    for key in ("healthy_threshold", "unhealthy_threshold", "interval", "timeout"):
        assert check[key] in APP_RUNNER_HEALTH_RANGE, key
    # Tolerates a slow start: several misses in a row before the instance is replaced.
    assert check["unhealthy_threshold"] * check["interval"] >= 30


def test_app_runner_serves_the_plain_http_page():
    assert _manifest("zeroshot")["variables"]["HTTP_ONLY"] == "1"


def test_app_runner_manifest_documents_private_access_and_scaling():
    text = (COPILOT / "zeroshot" / "manifest.yml").read_text()
    assert "# private: true" in text
    assert "# count:" in text


def test_load_balanced_service_has_sticky_sessions_and_scaling():
    manifest = _manifest("zeroshot-full")
    assert manifest["type"] == "Load Balanced Web Service"
    assert manifest["http"]["stickiness"] is True
    assert manifest["count"]["range"] == "1-4"
    assert "HTTP_ONLY" not in manifest.get("variables", {})
    # Fargate: 1 vCPU allows 2-8 GB.
    assert manifest["cpu"] == 1024 and 2048 <= manifest["memory"] <= 8192


DATABASE_ADDON = COPILOT / "zeroshot-full" / "addons" / "database.yml"


def _addon() -> dict:
    from cfnlint.decode import decode_str

    template, errors = decode_str(DATABASE_ADDON.read_text(encoding="utf-8"))
    assert not errors
    return template


def test_database_addon_lints_clean():
    from tests.deploy.test_ecs_express import cfn_lint

    assert cfn_lint(DATABASE_ADDON) == ""


def test_database_addon_is_an_aurora_postgresql_serverless_v2_cluster_that_keeps_its_data():
    resources = _addon()["Resources"]
    cluster = resources["DatabaseCluster"]
    assert cluster["Properties"]["Engine"] == "aurora-postgresql"
    assert set(cluster["Properties"]["ServerlessV2ScalingConfiguration"]) == {
        "MinCapacity",
        "MaxCapacity",
    }
    assert resources["DatabaseWriter"]["Properties"]["DBInstanceClass"] == "db.serverless"
    # `copilot svc delete` deletes the addon stack: a snapshot is kept, and it is refused at all
    # until deletion protection is turned off on purpose.
    assert cluster["DeletionPolicy"] == cluster["UpdateReplacePolicy"] == "Snapshot"
    assert cluster["Properties"]["DeletionProtection"] is True
    assert cluster["Properties"]["StorageEncrypted"] is True


def test_database_password_is_made_by_secrets_manager_never_written_down():
    resources = _addon()["Resources"]
    secret = resources["DatabaseSecret"]["Properties"]["GenerateSecretString"]
    assert secret["GenerateStringKey"] == "password"
    password = str(resources["DatabaseCluster"]["Properties"]["MasterUserPassword"])
    assert "resolve:secretsmanager" in password
    # The attachment adds host and port to the secret the app reads.
    attachment = resources["DatabaseSecretAttachment"]["Properties"]
    assert attachment["TargetType"] == "AWS::RDS::DBCluster"


def test_database_secret_reaches_the_container_as_the_variable_the_app_reads():
    from core.storage import SECRET_VARIABLE

    outputs = _addon()["Outputs"]
    # Copilot injects a secret output as an environment variable named in SCREAMING_SNAKE_CASE.
    assert "DatabaseSecret" in outputs and SECRET_VARIABLE == "DATABASE_SECRET"
    assert outputs["DatabaseSecret"]["Value"] == {"Ref": "DatabaseSecret"}
    # Its security group output is attached to the tasks: the only way into the database.
    assert outputs["DatabaseClientSecurityGroup"]["Value"] == {"Ref": "DatabaseClientSecurityGroup"}
    ingress = _addon()["Resources"]["DatabaseSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert ingress == [
        {
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "SourceSecurityGroupId": {"Ref": "DatabaseClientSecurityGroup"},
        }
    ]
    # The manifest sets no DATABASE_URL that would win over the secret.
    assert "DATABASE_URL" not in _manifest("zeroshot-full").get("variables", {})

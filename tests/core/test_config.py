from __future__ import annotations

import json
import os

import pytest

from core.config import DEFAULT_MODEL_ID, DEFAULT_TEMPLATE, Settings, available_cpus, cpu_quota


def test_defaults_match_the_seed_demo():
    settings = Settings.from_env({})
    assert settings.model.model_id == DEFAULT_MODEL_ID == "Formzu/bert-base-japanese-jsnli"
    assert settings.model.hypothesis_template == DEFAULT_TEMPLATE == "この例は{}です。"
    assert settings.http_only is False


def test_environment_overrides_defaults():
    settings = Settings.from_env(
        {"MODEL_ID": "/models/x", "NUM_THREADS": "3", "MAX_LABELS": "7", "HTTP_ONLY": "1"}
    )
    assert (settings.model.model_id, settings.model.num_threads, settings.limits.max_labels) == (
        "/models/x",
        3,
        7,
    )
    assert settings.http_only is True


@pytest.mark.parametrize("value", ["zero", "0", "-2"])
def test_bad_numbers_name_the_setting(value):
    with pytest.raises(ValueError, match="NUM_THREADS"):
        Settings.from_env({"NUM_THREADS": value})


def test_settings_are_read_from_the_environment_when_asked(monkeypatch):
    monkeypatch.setenv("MODEL_ID", "/late/model")
    assert Settings.from_env().model.model_id == "/late/model"


def test_cgroup_v2_quota_is_read(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("150000 100000\n")
    assert cpu_quota(cpu_max, tmp_path / "none", tmp_path / "none") == 1.5


def test_unlimited_cgroup_v2_has_no_quota(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("max 100000\n")
    assert cpu_quota(cpu_max, tmp_path / "none", tmp_path / "none") is None


def test_cgroup_v1_quota_is_read(tmp_path):
    (tmp_path / "q").write_text("200000")
    (tmp_path / "p").write_text("100000")
    assert cpu_quota(tmp_path / "none", tmp_path / "q", tmp_path / "p") == 2.0


def test_quota_caps_the_cpus_rounded_up():
    assert available_cpus(quota=0.5) == 1
    assert available_cpus(quota=1.5) == min(2, len(os.sched_getaffinity(0)))


def test_default_threads_follow_the_quota(monkeypatch):
    monkeypatch.setattr("core.config.cpu_quota", lambda: 1.0)
    assert Settings.from_env({}).model.num_threads == 1


def test_quantize_accepts_int8_and_off():
    assert Settings.from_env({"QUANTIZE": "int8"}).model.quantize == "int8"
    assert Settings.from_env({"QUANTIZE": ""}).model.quantize == ""


def test_unknown_quantize_names_the_setting():
    with pytest.raises(ValueError, match="QUANTIZE"):
        Settings.from_env({"QUANTIZE": "int4"})


def test_access_control_settings_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "APP_PASSWORD": "pw",
            "API_TOKEN": "tok",
            "ALLOWED_EMAILS": "a@x.com, b@y.com",
            "ALLOWED_DOMAINS": "corp.example",
            "LOGIN_MAX_FAILURES": "3",
            "LOGIN_LOCKOUT_SECONDS": "10",
        }
    )
    assert settings.auth.password_required
    assert settings.auth.allowed_emails == ("a@x.com", "b@y.com")
    assert settings.auth.allowed_domains == ("corp.example",)
    assert (settings.auth.login_max_failures, settings.auth.login_lockout_seconds) == (3, 10.0)


def test_access_control_is_off_by_default():
    assert not Settings.from_env({}).auth.password_required


def test_secrets_never_show_in_repr():
    settings = Settings.from_env(
        {
            "APP_PASSWORD": "hunter2",
            "APP_PASSWORD_HASH": "pbkdf2_sha256$1$c2FsdA==$aGFzaA==",
            "API_TOKEN": "tok-secret",
            "DATABASE_URL": "postgresql://u:db-secret@h/d",
        }
    )
    for secret in ("hunter2", "aGFzaA==", "tok-secret", "db-secret"):
        assert secret not in repr(settings)
        assert secret not in str(settings)
    assert "model_id" in repr(settings)


def test_batches_default_smaller_with_int8_unless_set():
    assert Settings.from_env({}).batching.max_batch_pairs == 64
    assert Settings.from_env({"QUANTIZE": "int8"}).batching.max_batch_pairs == 8
    assert (
        Settings.from_env({"QUANTIZE": "int8", "MAX_BATCH_PAIRS": "48"}).batching.max_batch_pairs
        == 48
    )


def test_a_platform_secret_gives_the_store_its_url_and_stays_out_of_repr():
    secret = {"username": "zs", "password": "db-secret", "host": "db.internal", "dbname": "zs"}
    settings = Settings.from_env({"DATABASE_SECRET": json.dumps(secret)})
    assert settings.store.url == "postgresql+psycopg://zs:db-secret@db.internal:5432/zs"
    assert "db-secret" not in repr(settings)

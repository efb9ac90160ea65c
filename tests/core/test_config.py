from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from core.config import (
    DEFAULT_MODEL_ID,
    DEFAULT_TEMPLATE,
    Settings,
    SettingsError,
    available_cpus,
    cpu_quota,
)


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


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MAX_TEXTS", "many"),  # a whole number
        ("LOGIN_MAX_FAILURES", "0"),  # at least 1
        ("MODEL_UNHEALTHY_AFTER_FAILURES", "2.5"),  # aliased, whole
        ("READY_WAIT_SECONDS", "soon"),  # a number
        ("BATCH_WAIT_MS", "-1"),  # not negative
        ("MODEL_RETRY_SECONDS", "x"),  # aliased, a number
        ("HTTP_ONLY", "perhaps"),  # a flag
        ("QUANTIZE", "int4"),  # one of the choices
        ("DATABASE_URL", "not a url"),  # a URL
    ],
)
def test_each_kind_of_bad_value_is_one_error_naming_its_variable(variable, value):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value, "MAX_LABELS": "7"})
    lines = str(raised.value).splitlines()[1:]
    assert len(lines) == 1 and lines[0].strip().startswith(f"{variable}:")


def test_every_bad_variable_is_named_at_once():
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"MAX_LABELS": "x", "PAIR_CACHE_MB": "y", "QUANTIZE": "z"})
    for variable in ("MAX_LABELS", "PAIR_CACHE_MB", "QUANTIZE"):
        assert variable in str(raised.value)


def test_a_bad_url_error_never_shows_the_password():
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"DATABASE_URL": "postgresql://u:db-secret@h:port/d"})
    assert "DATABASE_URL" in str(raised.value)
    assert "db-secret" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_blank_values_are_unset():
    settings = Settings.from_env({"MAX_LABELS": "", "MODEL_ID": "  ", "QUANTIZE": "off"})
    assert settings.limits.max_labels == Settings().limits.max_labels
    assert settings.model.model_id == DEFAULT_MODEL_ID
    assert settings.model.quantize == ""


def test_aliased_variables_keep_their_names():
    settings = Settings.from_env(
        {
            "MODEL_RETRY_SECONDS": "2",
            "MODEL_RETRY_MAX_SECONDS": "9",
            "MODEL_UNHEALTHY_AFTER_FAILURES": "4",
        }
    )
    model = settings.model
    assert (model.load_retry_seconds, model.load_retry_max_seconds) == (2.0, 9.0)
    assert model.unhealthy_after_failures == 4


def test_secrets_never_reach_logs(caplog):
    settings = Settings.from_env({"API_TOKEN": "tok-secret", "SESSION_SECRET": "s3cret-key"})
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings: %s %r", settings, settings.auth)
    assert "tok-secret" not in caplog.text and "s3cret-key" not in caplog.text
    assert settings.auth.api_token.get_secret_value() == "tok-secret"


def test_a_database_url_is_read_whole():
    url = "postgresql://u:pw@h/d"
    assert Settings.from_env({"DATABASE_URL": url}).store.url == url


def test_settings_built_by_hand_never_read_the_environment(monkeypatch):
    monkeypatch.setenv("MAX_LABELS", "3")
    assert Settings().limits.max_labels == 50
    assert Settings.from_env().limits.max_labels == 3


def test_every_variable_is_in_the_readme_settings_table():
    from core.config import _GROUPS

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for group in [Settings, *_GROUPS.values()]:
        for name, field in group.model_fields.items():
            if name in _GROUPS:
                continue
            alias = field.validation_alias
            variable = alias.choices[-1] if alias is not None else name.upper()
            assert f"| `{variable}` |" in readme, variable


def test_a_platform_secret_gives_the_store_its_url_and_stays_out_of_repr():
    secret = {"username": "zs", "password": "db-secret", "host": "db.internal", "dbname": "zs"}
    settings = Settings.from_env({"DATABASE_SECRET": json.dumps(secret)})
    assert settings.store.url == "postgresql+psycopg://zs:db-secret@db.internal:5432/zs"
    assert "db-secret" not in repr(settings)

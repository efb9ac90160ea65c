"""Settings, read from the environment when asked for, never at import.

One pydantic-settings model in small groups: each field is read from the environment variable of
its name in upper case (`max_labels` from MAX_LABELS; three model fields keep older names through
an alias), with its one default beside it. Built by hand (`Settings()`, `ModelSettings(...)`), a
group is its defaults and what it is given; `Settings.from_env()` adds the environment and names
every bad variable in one `SettingsError`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.auth import signing_key
from core.storage import database_url

DEFAULT_MODEL_ID = "Formzu/bert-base-japanese-jsnli"
DEFAULT_TEMPLATE = "この例は{}です。"
# With int8, passes of 8 pairs, grouped by length, gave 16 clients 1.09x one client's throughput
# against 1.00x for 16 (python -m bench.load --quantize int8; docs/benchmarks.md).
DEFAULT_MAX_BATCH_PAIRS_INT8 = 8
# Where a new user's saved label sets live with no setup: an SQLite file beside the app.
SQLITE_FILE = "zeroshot.db"
# QUANTIZE values that mean "no quantization".
_NO_QUANTIZATION = ("", "none", "fp32", "off")

CGROUP_V2_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
CGROUP_V1_QUOTA = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
CGROUP_V1_PERIOD = Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us")


def cpu_quota(
    cpu_max: Path = CGROUP_V2_CPU_MAX,
    v1_quota: Path = CGROUP_V1_QUOTA,
    v1_period: Path = CGROUP_V1_PERIOD,
) -> float | None:
    """CPUs granted by the container's cgroup quota, or None when unlimited."""
    try:
        quota, period = cpu_max.read_text().split()[:2]
        if quota != "max":
            return int(quota) / int(period)
        return None
    except (OSError, ValueError):
        pass
    try:
        quota_us = int(v1_quota.read_text())
        period_us = int(v1_period.read_text())
    except (OSError, ValueError):
        return None
    return quota_us / period_us if quota_us > 0 and period_us > 0 else None


def available_cpus(quota: float | None = None) -> int:
    """CPUs this process may use: its affinity, capped by the cgroup quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    if quota is None:
        quota = cpu_quota()
    if quota is not None:
        cpus = min(cpus, max(1, math.ceil(quota)))
    return max(1, cpus)


class SettingsError(ValueError):
    """One or more environment variables hold a value the app cannot use; the message names each
    variable and what it needs (never a secret's value)."""


def _alias(name: str) -> Any:
    """A field read from an environment variable whose name is not the field's (`name`)."""
    return AliasChoices(name.lower(), name)


CommaList = Annotated[tuple[str, ...], NoDecode]


class _Group(BaseSettings):
    """A group of settings. Only `Settings.from_env` reads the environment: a group built by hand
    holds its defaults and what it is given, so tests never see the machine's variables."""

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **_others):
        return (init_settings,)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        # A variable set to spaces is as good as unset, as an empty one is (env_ignore_empty).
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data


class ModelSettings(_Group):
    """Which model runs, how, and how long callers wait for it."""

    model_id: str = DEFAULT_MODEL_ID
    hypothesis_template: str = DEFAULT_TEMPLATE
    num_threads: PositiveInt = Field(default_factory=available_cpus)
    # int8: dynamic quantization of the Linear layers; "" is full precision.
    quantize: Literal["", "int8"] = ""
    # How long a request waits for a model that is still loading before it gets 503.
    ready_wait_seconds: NonNegativeFloat = 10.0
    # A failed model load is tried again after this, doubling each time up to the maximum: files
    # fixed on disk are picked up by themselves, without hammering a hub or a disk that is down.
    load_retry_seconds: NonNegativeFloat = Field(
        5.0, validation_alias=_alias("MODEL_RETRY_SECONDS")
    )
    load_retry_max_seconds: NonNegativeFloat = Field(
        300.0, validation_alias=_alias("MODEL_RETRY_MAX_SECONDS")
    )
    # Failed loads in a row before /healthz says unhealthy (5 tries ≈ 2.5 min of backoff), so an
    # orchestrator replaces a task whose model will not come, instead of keeping it forever.
    unhealthy_after_failures: PositiveInt = Field(
        5, validation_alias=_alias("MODEL_UNHEALTHY_AFTER_FAILURES")
    )

    @field_validator("model_id")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("quantize", mode="before")
    @classmethod
    def _no_quantization(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            return "" if value in _NO_QUANTIZATION else value
        return value


class LimitSettings(_Group):
    """How much one request may ask for."""

    # Ten labels cost ten forward rows; 50 keeps one request well under a second on one vCPU with
    # int8.
    max_labels: PositiveInt = 50
    # Longer than any sensible label; keeps every hypothesis far below the model's token limit.
    max_label_chars: PositiveInt = 50
    # About 10x what BERT's 512 tokens can read; beyond it the tokenizer's work is pure waste.
    max_text_chars: PositiveInt = 5000
    # A template is one short sentence; a long one only eats the text's token budget.
    max_template_chars: PositiveInt = 200
    # Texts in one API request: 64 short texts x 10 labels is one forward pass of 640 pairs.
    max_texts: PositiveInt = 64
    # Words an explanation occludes, one pass per (word, label): 64 words x 10 labels is ~20 s on
    # BERT-base and one vCPU, the most a person waits for on purpose.
    explain_max_words: PositiveInt = 64
    # Work one request or page action may ask for, in tokens over all its new pairs (pairs x
    # tokens, explain's occluded texts included): ~30 s of BERT-base fp32 on one vCPU, so anything
    # accepted ends within an ALB's 60 s idle timeout (App Runner: 120 s) even behind other work.
    max_request_tokens: PositiveInt = 12_288
    # Bulk page work (Evaluate, run all, Compare, Experiments) and each chunk of a batch job: it
    # waits behind people and yields after every pass, so it may be larger, but not unbounded.
    max_job_tokens: PositiveInt = 500_000
    # Requests one client address may have in work at once (the JSON API, the plain page, /api/hf
    # and MCP): the model's passes are shared fairly by the micro-batcher, but parsing,
    # tokenizing and refusing cost CPU too, and on one vCPU a client with many requests at once
    # would take most of it by that alone. More at once: 429 with Retry-After.
    max_client_requests: PositiveInt = 2
    # Sizes a workspace may reach, checked before anything is stored or drawn (issue 19: a
    # 20,000-example import drew 60,000 elements; a 50,000-label set, 50,000 checkboxes).
    # A label set holds at most max_labels labels: a set must be usable as one request.
    # Examples are drawn one row each and run all together; many texts are Batch files' work.
    max_examples: PositiveInt = 200
    # Evaluate's and Experiments' rows: 1,000 rows x 10 labels is ~2 min on BERT-base, int8.
    max_evaluation_rows: PositiveInt = 1000
    max_label_sets: PositiveInt = 50
    # A whole workspace (and an imported file) as saved JSON; text typed by a person, so 2 MB is
    # far more than any honest one once experiment runs name their rows instead of copying them.
    max_workspace_mb: PositiveFloat = 2.0

    @property
    def max_workspace_bytes(self) -> int:
        return int(self.max_workspace_mb * 1024 * 1024)


class BatchingSettings(_Group):
    """How concurrent requests share forward passes."""

    # Long enough to catch requests arriving together, short against a ~100 ms forward pass.
    batch_wait_ms: NonNegativeFloat = 2.0
    # Pairs per forward pass: bounds activation memory (64 x 512 tokens fits well within 2 GB);
    # DEFAULT_MAX_BATCH_PAIRS_INT8 when the model is quantized and this is not set.
    max_batch_pairs: PositiveInt = 64
    # Padded tokens per forward pass (pairs x the longest pair): a pass's time follows its tokens,
    # so bulk work ahead of a person costs at most one such pass. 1,024 tokens is ~2.5 s of
    # BERT-base fp32 on one vCPU (~1 s int8); 64 pairs of 512 tokens would be minutes.
    max_batch_tokens: PositiveInt = 1024
    # Pairs waiting for the model before new work is refused (503, "busy"): about a minute of
    # work for BERT-base on 2 vCPUs; beyond it a client is better told to come back.
    max_queue_pairs: PositiveInt = 4096
    # Pair logits kept (an estimate that errs high): about 500,000 short pairs, or 400 of the
    # largest requests, well inside a 2 GB task beside a BERT-base model.
    pair_cache_mb: PositiveInt = 200


class StoreSettings(_Group):
    """Where saved work lives."""

    data_dir: str = "data"
    # A URL may carry a password: a secret, so out of repr, logs and tracebacks.
    database_url: SecretStr | None = None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                make_url(value.get_secret_value())
            except (ArgumentError, ValueError):
                # Not SQLAlchemy's message: it quotes the URL, password and all.
                raise ValueError(
                    "not a database URL (e.g. postgresql://user:pass@host/db)"
                ) from None
        return value

    @property
    def url(self) -> str:
        """DATABASE_URL (or the URL built from DATABASE_SECRET), else an SQLite file under
        DATA_DIR."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{Path(self.data_dir).resolve() / SQLITE_FILE}"


class AuthSettings(_Group):
    """Who may use the app; secrets are SecretStr, never in repr() or logs."""

    app_password: SecretStr | None = None
    app_password_hash: SecretStr | None = None
    api_token: SecretStr | None = None
    allowed_emails: CommaList = ()
    allowed_domains: CommaList = ()
    # Failed password tries in a row before a wait: a person mistypes a few times, a script never
    # stops.
    login_max_failures: PositiveInt = 5
    login_lockout_seconds: NonNegativeFloat = 60.0
    # A password login is kept in the browser (a signed cookie) for a working day.
    login_session_hours: NonNegativeFloat = 12.0
    # Signs kept logins; unset, a key is derived from the password (docs/security.md).
    session_secret: SecretStr | None = None
    # With OIDC and no allow list, any account at the provider gets in only if this says so.
    allow_any_account: bool = False

    @field_validator("allowed_emails", "allowed_domains", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def password_required(self) -> bool:
        return bool(self.app_password or self.app_password_hash)

    @property
    def signing_key(self) -> bytes:
        return signing_key(self.app_password, self.app_password_hash, self.session_secret)


_GROUPS = {
    "model": ModelSettings,
    "limits": LimitSettings,
    "batching": BatchingSettings,
    "store": StoreSettings,
    "auth": AuthSettings,
}


class _Environment(EnvSettingsSource):
    """Variables from `environ` (os.environ or a test's mapping), flat: every group's fields are
    read by their own names (MODEL_ID, not MODEL__MODEL_ID), the names the app has always read."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        self.environ = environ
        super().__init__(settings_cls, case_sensitive=False, env_ignore_empty=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        # Case-insensitive and empty-is-unset, as pydantic-settings reads os.environ.
        return {key.lower(): value for key, value in self.environ.items() if value != ""}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in _GROUPS and self.settings_cls is Settings:
            return None, field_name, False
        return super().get_field_value(field, field_name)

    def __call__(self) -> dict[str, Any]:
        values = super().__call__()
        if self.settings_cls is Settings:
            for name, group in _GROUPS.items():
                values[name] = _Environment(group, self.environ)()
        return values


class Settings(_Group):
    """All settings, in small groups; build with `from_env`, or group by group in tests."""

    model: ModelSettings = Field(default_factory=ModelSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    batching: BatchingSettings = Field(default_factory=BatchingSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    # Serve the plain-HTTP page at / (hosts without WebSockets, e.g. App Runner).
    http_only: bool = False

    @model_validator(mode="after")
    def _int8_batches_by_default(self) -> Settings:
        batching = self.batching
        if self.model.quantize == "int8" and "max_batch_pairs" not in batching.model_fields_set:
            smaller = batching.model_copy(update={"max_batch_pairs": DEFAULT_MAX_BATCH_PAIRS_INT8})
            object.__setattr__(self, "batching", smaller)
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings from `env` (default: os.environ). Raises SettingsError naming every
        variable whose value is bad."""
        environ = os.environ if env is None else env
        try:
            # A platform's JSON secret (Copilot's Aurora addon, ECS) stands for DATABASE_URL.
            built = database_url(environ)
        except ValueError as exc:
            raise SettingsError(f"Bad settings in the environment:\n  {exc}") from None
        if built is not None and not environ.get("DATABASE_URL"):
            environ = {**environ, "DATABASE_URL": built}
        try:
            return cls(_build_sources=((_Environment(cls, environ),), {}))
        except ValidationError as exc:
            raise SettingsError(_describe(exc)) from None


def _variable(loc: tuple[int | str, ...]) -> tuple[str, bool]:
    """The environment variable an error's location names, and whether its value is secret."""
    group: type[BaseModel] = Settings
    if len(loc) > 1 and loc[0] in _GROUPS:
        group, loc = _GROUPS[str(loc[0])], loc[1:]
    name = str(loc[0])
    fields = group.model_fields
    field = fields.get(name) or next(
        (
            f
            for f in fields.values()
            if isinstance(f.validation_alias, AliasChoices) and name in f.validation_alias.choices
        ),
        None,
    )
    if field is None:
        return name.upper(), True
    alias = field.validation_alias
    env_name = str(alias.choices[-1]) if isinstance(alias, AliasChoices) else name.upper()
    secret = "SecretStr" in str(field.annotation)
    return env_name, secret


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_url=False):
        name, secret = _variable(error["loc"])
        got = "" if secret else f" (got {error['input']!r})"
        lines.append(f"{name}: {error['msg']}{got}")
    return "Bad settings in the environment:\n  " + "\n  ".join(lines)

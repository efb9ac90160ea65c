"""Settings, read from the environment when asked for, never at import."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core.auth import signing_key
from core.storage import database_url

DEFAULT_MODEL_ID = "Formzu/bert-base-japanese-jsnli"
DEFAULT_TEMPLATE = "この例は{}です。"
# Ten labels cost ten forward rows; 50 keeps one request well under a second on one vCPU with int8.
DEFAULT_MAX_LABELS = 50
# Longer than any sensible label; keeps every hypothesis far below the model's token limit.
DEFAULT_MAX_LABEL_CHARS = 50
# About 10x what BERT's 512 tokens can read; beyond it the tokenizer's work is pure waste.
DEFAULT_MAX_TEXT_CHARS = 5000
# A template is one short sentence; a long one only eats the text's token budget.
DEFAULT_MAX_TEMPLATE_CHARS = 200
# Texts in one API request: 64 short texts x 10 labels is one forward pass of 640 pairs, seconds.
DEFAULT_MAX_TEXTS = 64
# Words an explanation occludes, one pass per (word, label): 64 words x 10 labels is ~20 s on
# BERT-base and one vCPU, the most a person waits for on purpose.
DEFAULT_EXPLAIN_MAX_WORDS = 64
# How long a request waits for a model that is still loading before it gets 503.
DEFAULT_READY_WAIT_SECONDS = 10.0
# A failed model load is tried again after this, doubling each time up to the maximum: files
# fixed on disk are picked up by themselves, without hammering a hub or a disk that is down.
DEFAULT_LOAD_RETRY_SECONDS = 5.0
DEFAULT_LOAD_RETRY_MAX_SECONDS = 300.0
# Failed loads in a row before /healthz says unhealthy (5 tries ≈ 2.5 min of backoff), so an
# orchestrator replaces a task whose model will not come, instead of keeping it forever.
DEFAULT_UNHEALTHY_AFTER_FAILURES = 5
# Long enough to catch requests arriving together, short against a ~100 ms forward pass.
DEFAULT_BATCH_WAIT_MS = 2.0
# Pairs per forward pass: bounds activation memory (64 x 512 tokens fits well within 2 GB).
DEFAULT_MAX_BATCH_PAIRS = 64
# With int8, passes of 8 pairs, grouped by length, gave 16 clients 1.09x one client's throughput
# against 1.00x for 16 (python -m bench.load --quantize int8; docs/benchmarks.md).
DEFAULT_MAX_BATCH_PAIRS_INT8 = 8
# Pairs waiting for the model before new work is refused (503, "busy"): about a minute of work
# for BERT-base on 2 vCPUs; beyond it a client is better told to come back.
DEFAULT_MAX_QUEUE_PAIRS = 4096
# Pair logits kept (an estimate that errs high): about 500,000 short pairs, or 400 of the
# largest requests, well inside a 2 GB task beside a BERT-base model.
DEFAULT_PAIR_CACHE_MB = 200
QUANTIZE_CHOICES = ("", "int8")
# Failed password tries in a row before a wait: a person mistypes a few times, a script never stops.
DEFAULT_LOGIN_MAX_FAILURES = 5
DEFAULT_LOGIN_LOCKOUT_SECONDS = 60.0
# A password login is kept in the browser (a signed cookie) for a working day, then asked again.
DEFAULT_LOGIN_SESSION_HOURS = 12.0
# Where a new user's saved label sets live with no setup: an SQLite file beside the app.
DEFAULT_DATA_DIR = "data"
SQLITE_FILE = "zeroshot.db"

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


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _quantize(value: str | None) -> str:
    value = (value or "").strip().lower()
    if value in ("", "none", "fp32", "off"):
        return ""
    if value not in QUANTIZE_CHOICES:
        raise ValueError(f"QUANTIZE must be int8 or empty, got {value!r}")
    return value


@dataclass(frozen=True)
class ModelSettings:
    """Which model runs, how, and how long callers wait for it."""

    model_id: str = DEFAULT_MODEL_ID
    hypothesis_template: str = DEFAULT_TEMPLATE
    num_threads: int = 1
    quantize: str = ""
    ready_wait_seconds: float = DEFAULT_READY_WAIT_SECONDS
    load_retry_seconds: float = DEFAULT_LOAD_RETRY_SECONDS
    load_retry_max_seconds: float = DEFAULT_LOAD_RETRY_MAX_SECONDS
    unhealthy_after_failures: int = DEFAULT_UNHEALTHY_AFTER_FAILURES


@dataclass(frozen=True)
class LimitSettings:
    """How much one request may ask for."""

    max_labels: int = DEFAULT_MAX_LABELS
    max_label_chars: int = DEFAULT_MAX_LABEL_CHARS
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    max_template_chars: int = DEFAULT_MAX_TEMPLATE_CHARS
    max_texts: int = DEFAULT_MAX_TEXTS
    explain_max_words: int = DEFAULT_EXPLAIN_MAX_WORDS


@dataclass(frozen=True)
class BatchingSettings:
    """How concurrent requests share forward passes."""

    batch_wait_ms: float = DEFAULT_BATCH_WAIT_MS
    max_batch_pairs: int = DEFAULT_MAX_BATCH_PAIRS
    max_queue_pairs: int = DEFAULT_MAX_QUEUE_PAIRS
    pair_cache_mb: int = DEFAULT_PAIR_CACHE_MB


@dataclass(frozen=True)
class StoreSettings:
    """Where saved work lives."""

    data_dir: str = DEFAULT_DATA_DIR
    # A URL may carry a password: kept out of repr, so out of logs and tracebacks.
    database_url: str | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """DATABASE_URL (or the URL built from DATABASE_SECRET), else an SQLite file under
        DATA_DIR."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path(self.data_dir).resolve() / SQLITE_FILE}"


@dataclass(frozen=True)
class AuthSettings:
    """Who may use the app; secrets never reach repr()."""

    app_password: str | None = field(default=None, repr=False)
    app_password_hash: str | None = field(default=None, repr=False)
    api_token: str | None = field(default=None, repr=False)
    allowed_emails: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    login_max_failures: int = DEFAULT_LOGIN_MAX_FAILURES
    login_lockout_seconds: float = DEFAULT_LOGIN_LOCKOUT_SECONDS
    login_session_hours: float = DEFAULT_LOGIN_SESSION_HOURS
    # Signs kept logins; unset, a key is derived from the password (docs/security.md).
    session_secret: str | None = field(default=None, repr=False)
    # With OIDC and no allow list, any account at the provider gets in only if this says so.
    allow_any_account: bool = False

    @property
    def password_required(self) -> bool:
        return bool(self.app_password or self.app_password_hash)

    @property
    def signing_key(self) -> bytes:
        return signing_key(self.app_password, self.app_password_hash, self.session_secret)


@dataclass(frozen=True)
class Settings:
    """All settings, in small groups; build with `from_env` or group by group in tests."""

    model: ModelSettings = field(default_factory=ModelSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    batching: BatchingSettings = field(default_factory=BatchingSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    http_only: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            model=ModelSettings(
                model_id=env.get("MODEL_ID", "").strip() or DEFAULT_MODEL_ID,
                hypothesis_template=env.get("HYPOTHESIS_TEMPLATE") or DEFAULT_TEMPLATE,
                num_threads=_positive_int(env, "NUM_THREADS", available_cpus()),
                quantize=_quantize(env.get("QUANTIZE")),
                ready_wait_seconds=_positive_float(
                    env, "READY_WAIT_SECONDS", DEFAULT_READY_WAIT_SECONDS
                ),
                load_retry_seconds=_positive_float(
                    env, "MODEL_RETRY_SECONDS", DEFAULT_LOAD_RETRY_SECONDS
                ),
                load_retry_max_seconds=_positive_float(
                    env, "MODEL_RETRY_MAX_SECONDS", DEFAULT_LOAD_RETRY_MAX_SECONDS
                ),
                unhealthy_after_failures=_positive_int(
                    env, "MODEL_UNHEALTHY_AFTER_FAILURES", DEFAULT_UNHEALTHY_AFTER_FAILURES
                ),
            ),
            limits=LimitSettings(
                max_labels=_positive_int(env, "MAX_LABELS", DEFAULT_MAX_LABELS),
                max_label_chars=_positive_int(env, "MAX_LABEL_CHARS", DEFAULT_MAX_LABEL_CHARS),
                max_text_chars=_positive_int(env, "MAX_TEXT_CHARS", DEFAULT_MAX_TEXT_CHARS),
                max_template_chars=_positive_int(
                    env, "MAX_TEMPLATE_CHARS", DEFAULT_MAX_TEMPLATE_CHARS
                ),
                max_texts=_positive_int(env, "MAX_TEXTS", DEFAULT_MAX_TEXTS),
                explain_max_words=_positive_int(
                    env, "EXPLAIN_MAX_WORDS", DEFAULT_EXPLAIN_MAX_WORDS
                ),
            ),
            batching=BatchingSettings(
                batch_wait_ms=_positive_float(env, "BATCH_WAIT_MS", DEFAULT_BATCH_WAIT_MS),
                max_batch_pairs=_positive_int(
                    env,
                    "MAX_BATCH_PAIRS",
                    DEFAULT_MAX_BATCH_PAIRS_INT8
                    if _quantize(env.get("QUANTIZE")) == "int8"
                    else DEFAULT_MAX_BATCH_PAIRS,
                ),
                max_queue_pairs=_positive_int(env, "MAX_QUEUE_PAIRS", DEFAULT_MAX_QUEUE_PAIRS),
                pair_cache_mb=_positive_int(env, "PAIR_CACHE_MB", DEFAULT_PAIR_CACHE_MB),
            ),
            store=StoreSettings(
                data_dir=env.get("DATA_DIR") or DEFAULT_DATA_DIR,
                database_url=database_url(env),
            ),
            auth=AuthSettings(
                app_password=env.get("APP_PASSWORD") or None,
                app_password_hash=env.get("APP_PASSWORD_HASH") or None,
                api_token=env.get("API_TOKEN") or None,
                allowed_emails=_list(env.get("ALLOWED_EMAILS")),
                allowed_domains=_list(env.get("ALLOWED_DOMAINS")),
                login_max_failures=_positive_int(
                    env, "LOGIN_MAX_FAILURES", DEFAULT_LOGIN_MAX_FAILURES
                ),
                login_lockout_seconds=_positive_float(
                    env, "LOGIN_LOCKOUT_SECONDS", DEFAULT_LOGIN_LOCKOUT_SECONDS
                ),
                allow_any_account=_flag(env.get("ALLOW_ANY_ACCOUNT")),
                login_session_hours=_positive_float(
                    env, "LOGIN_SESSION_HOURS", DEFAULT_LOGIN_SESSION_HOURS
                ),
                session_secret=env.get("SESSION_SECRET") or None,
            ),
            http_only=_flag(env.get("HTTP_ONLY")),
        )

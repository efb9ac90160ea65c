"""What was measured about a saved label set version, and its tuned adapter, in the store.

Two tables of their own, keyed by (set name, version), so a set's row in `label_sets` is left as
it is: `label_set_measurements` (JSON: rows' count and hash, metrics per label, thresholds,
calibration, wordings, the tuning report) and `label_set_adapters` (the adapter zip, PEFT's own
files, with its metadata). Made by the migration 0002 (core/migrations/), which takes over
tables an earlier release made as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
)

from core.exploration.thresholds import Thresholds
from core.labels.store import MAX_NAME_CHARS
from core.storage import Database, metadata

measurements = Table(
    "label_set_measurements",
    metadata,
    Column("name", String(MAX_NAME_CHARS), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("measured", Text, nullable=False),  # JSON: Measurement.to_json()
    Column("created_at", DateTime(timezone=True), nullable=False),
)
adapters = Table(
    "label_set_adapters",
    metadata,
    Column("name", String(MAX_NAME_CHARS), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("digest", String(64), nullable=False),  # SHA-256 of `data`: names it in caches
    Column("data", LargeBinary, nullable=False),  # zip: PEFT's adapter files + metadata
    Column("details", Text, nullable=False),  # JSON: base model, template, labels, settings…
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Measurement:
    """What a label set version was measured to do on evaluation rows.

    `metrics`: {"accuracy", "macro_f1", "per_label": [{label, precision, recall, f1, support}]}
    at the thresholds; `tuning`: the tuning report (zero-shot and tuned on held-out rows) when
    the set was tuned; `adapter_digest`: set when the set's model is its tuned adapter.
    """

    rows: int
    rows_hash: str
    multi_label: bool
    metrics: dict[str, Any]
    thresholds: Thresholds | None = None
    calibration: str = "none"
    wordings: dict[str, list[str]] = field(default_factory=dict)
    tuning: dict[str, Any] | None = None
    adapter_digest: str | None = None
    measured_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "rows_hash": self.rows_hash,
            "multi_label": self.multi_label,
            "metrics": self.metrics,
            "thresholds": self.thresholds.to_json() if self.thresholds else None,
            "calibration": self.calibration,
            "wordings": self.wordings,
            "tuning": self.tuning,
            "adapter_digest": self.adapter_digest,
            "measured_at": self.measured_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measurement:
        thresholds = data.get("thresholds")
        return cls(
            rows=int(data["rows"]),
            rows_hash=str(data["rows_hash"]),
            multi_label=bool(data["multi_label"]),
            metrics=dict(data.get("metrics") or {}),
            thresholds=Thresholds.from_json(thresholds) if thresholds else None,
            calibration=str(data.get("calibration") or "none"),
            wordings={k: list(v) for k, v in (data.get("wordings") or {}).items()},
            tuning=data.get("tuning"),
            adapter_digest=data.get("adapter_digest"),
            measured_at=str(data.get("measured_at") or ""),
        )


@dataclass(frozen=True)
class StoredAdapter:
    digest: str
    data: bytes
    details: dict[str, Any]


class MeasurementStore:
    """Measurements and adapters per (set name, version) in the process's database; short
    transactions with its deadline. A database failure raises StoreUnavailable."""

    def __init__(self, database: Database) -> None:
        self._run = database.write

    def put(self, name: str, version: int, measured: Measurement) -> Measurement:
        """Keep `measured` for the set version (replacing what was there); returns it as kept."""
        if not measured.measured_at:
            measured = Measurement(**{**measured.__dict__, "measured_at": _now().isoformat()})
        text = json.dumps(measured.to_json(), ensure_ascii=False)
        key = (measurements.c.name == name) & (measurements.c.version == version)

        def work(conn):
            conn.execute(delete(measurements).where(key))
            conn.execute(
                insert(measurements).values(
                    name=name, version=version, measured=text, created_at=_now()
                )
            )

        self._run(work)
        return measured

    def get(self, name: str, version: int) -> Measurement | None:
        key = (measurements.c.name == name) & (measurements.c.version == version)
        row = self._run(lambda conn: conn.execute(select(measurements).where(key)).first())
        return Measurement.from_json(json.loads(row.measured)) if row else None

    def put_adapter(
        self, name: str, version: int, digest: str, data: bytes, details: dict[str, Any]
    ) -> None:
        key = (adapters.c.name == name) & (adapters.c.version == version)

        def work(conn):
            conn.execute(delete(adapters).where(key))
            conn.execute(
                insert(adapters).values(
                    name=name,
                    version=version,
                    digest=digest,
                    data=data,
                    details=json.dumps(details, ensure_ascii=False),
                    created_at=_now(),
                )
            )

        self._run(work)

    def get_adapter(self, name: str, version: int) -> StoredAdapter | None:
        key = (adapters.c.name == name) & (adapters.c.version == version)
        row = self._run(lambda conn: conn.execute(select(adapters).where(key)).first())
        if row is None:
            return None
        return StoredAdapter(row.digest, bytes(row.data), json.loads(row.details))


def _now() -> datetime:
    return datetime.now(UTC)

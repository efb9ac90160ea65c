"""Saved label sets that outlive the session and the process: SQLAlchemy on SQLite or PostgreSQL.

Each set carries a version; a save names the version it started from, so two sessions editing
the same set cannot silently overwrite each other: the later save is refused with a message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from core.config import Settings
from core.errors import InputError
from core.inference.request import check_template

# Names show in a select box and in share links; longer ones only hurt both.
MAX_NAME_CHARS = 100
MAX_NOTES_CHARS = 2000
# A writer waits this long for SQLite's single write lock before giving up.
SQLITE_BUSY_SECONDS = 30

metadata = MetaData()
label_sets = Table(
    "label_sets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(MAX_NAME_CHARS), nullable=False, unique=True),
    Column("labels", Text, nullable=False),  # a JSON list: portable across both databases
    Column("template", Text, nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class SavedSet:
    name: str
    labels: tuple[str, ...]
    template: str
    notes: str = ""
    version: int = 0  # 0: not saved yet
    updated_at: datetime | None = None


def _engine_for(url: str) -> Engine:
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's bare scheme means psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    return create_engine(url, pool_pre_ping=True)


def _row_to_set(row) -> SavedSet:
    return SavedSet(
        name=row.name,
        labels=tuple(json.loads(row.labels)),
        template=row.template,
        notes=row.notes,
        version=row.version,
        updated_at=row.updated_at,
    )


def _checked(saved: SavedSet, settings: Settings) -> SavedSet:
    name = saved.name.strip()
    if not name:
        raise InputError("store.name_empty")
    if len(name) > MAX_NAME_CHARS:
        raise InputError("store.name_too_long", limit=MAX_NAME_CHARS)
    if not saved.labels:
        raise InputError("error.no_labels")
    if len(saved.notes) > MAX_NOTES_CHARS:
        raise InputError("store.notes_too_long", limit=MAX_NOTES_CHARS)
    check_template(saved.template, settings)
    return SavedSet(name, tuple(saved.labels), saved.template, saved.notes, saved.version)


class LabelSetStore:
    """Named label sets in one table; every method is one short transaction."""

    def __init__(self, url: str, settings: Settings | None = None) -> None:
        self.url = url
        # Saved templates obey the same limits as templates typed on the pages.
        self._settings = settings or Settings()
        self._engine = _engine_for(url)
        try:
            metadata.create_all(self._engine)
        except OperationalError as exc:
            raise InputError("store.unreachable", detail=type(exc.orig).__name__) from exc

    def list(self) -> list[SavedSet]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(label_sets).order_by(label_sets.c.name)).all()
        return [_row_to_set(row) for row in rows]

    def get(self, name: str) -> SavedSet | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(label_sets).where(label_sets.c.name == name)).first()
        return _row_to_set(row) if row else None

    def save(self, saved: SavedSet) -> SavedSet:
        """Create (version 0) or update from the version it was read at; returns the stored set.

        A new name that exists already, or an update of a set someone saved meanwhile, is refused
        with a message: nothing anyone saved is overwritten unseen.
        """
        saved = _checked(saved, self._settings)
        now = datetime.now(UTC)
        values = {
            "labels": json.dumps(list(saved.labels), ensure_ascii=False),
            "template": saved.template,
            "notes": saved.notes,
            "updated_at": now,
        }
        with self._engine.begin() as conn:
            if saved.version == 0:
                try:
                    conn.execute(insert(label_sets).values(name=saved.name, version=1, **values))
                except IntegrityError:
                    raise InputError("store.name_taken", name=saved.name) from None
            else:
                changed = conn.execute(
                    update(label_sets)
                    .where(label_sets.c.name == saved.name)
                    .where(label_sets.c.version == saved.version)
                    .values(version=label_sets.c.version + 1, **values)
                ).rowcount
                if changed != 1:
                    raise InputError("store.changed_elsewhere", name=saved.name)
        stored = self.get(saved.name)
        assert stored is not None
        return stored

    def delete(self, name: str) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(delete(label_sets).where(label_sets.c.name == name)).rowcount == 1

    def dispose(self) -> None:
        self._engine.dispose()

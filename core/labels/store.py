"""Saved label sets that outlive the session and the process: SQLAlchemy on SQLite or PostgreSQL.

Each set carries a version; a save or a delete names the version it started from, so two
sessions editing the same set cannot silently overwrite each other: the later one is refused with a
message. A deleted set stays as a tombstone whose version keeps counting, so an editor who read the
set before it was deleted and re-created can never save over the new one. Every database failure
is StoreUnavailable (core/storage.py), never a raw driver error or an empty list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from core.config import Settings
from core.errors import Conflict, InputError
from core.inference.request import (
    check_plain_text,
    check_template,
    clean_labels,
    normalize_label,
)
from core.storage import Database, metadata

# Names show in a select box and in share links; longer ones only hurt both.
MAX_NAME_CHARS = 100
# U+FFFD (what invalid UTF-8 in a URL decodes to) and the invisible format characters (a
# name with one looks like another name): web/http/patterns.py's NAME_PATTERN says the same.
_INVISIBLE = frozenset("\ufffd\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")
MAX_NOTES_CHARS = 2000

label_sets = Table(
    "label_sets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(MAX_NAME_CHARS), nullable=False, unique=True),
    Column("labels", Text, nullable=False),  # a JSON list: portable across both databases
    Column("template", Text, nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    Column("deleted", Boolean, nullable=False, default=False, server_default=false()),
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


def _row_to_set(row) -> SavedSet:
    return SavedSet(
        name=row.name,
        labels=tuple(json.loads(row.labels)),
        template=row.template,
        notes=row.notes,
        version=row.version,
        updated_at=row.updated_at,
    )


def check_name(name: str) -> str:
    """`name` unchanged if it obeys the one rule for set names, else InputError saying which part.

    The rule: no control characters; no `/` (a route's `{name}` never matches one, so the set
    could not be reached over HTTP); already in the labels' normal form (`normalize_label`: NFKC,
    no leading, trailing or repeated spaces), so no look-alike can sit beside a set's real name
    and a name sent in a URL is stored as sent, never silently trimmed."""
    check_plain_text(name, "store.name")
    if not name.strip():
        raise InputError("store.name_empty")
    if len(name) > MAX_NAME_CHARS:
        raise InputError("store.name_too_long", limit=MAX_NAME_CHARS)
    if "/" in name:
        raise InputError("store.name_slash")
    if name in (".", ".."):
        raise InputError("store.name_dots")
    if any(char in _INVISIBLE for char in name):
        raise InputError("store.name_invisible")
    normal = normalize_label(name)
    if name != normal:
        raise InputError("store.name_not_normal", name=name, normal=normal)
    return name


def _checked(saved: SavedSet, settings: Settings) -> SavedSet:
    name = check_name(saved.name)
    # The same limits as a request to the API: a saved set must be usable as one.
    labels, _ = clean_labels(saved.labels, settings)
    notes = check_plain_text(saved.notes, "store.notes", allow_newlines=True)
    if len(notes) > MAX_NOTES_CHARS:
        raise InputError("store.notes_too_long", limit=MAX_NOTES_CHARS)
    check_template(saved.template, settings)
    return SavedSet(name, labels, saved.template, notes, saved.version)


class LabelSetStore:
    """Named label sets in one table of the process's database; every method is one short
    transaction with its deadline. A database failure raises StoreUnavailable."""

    def __init__(self, database: Database, settings: Settings | None = None) -> None:
        self._db = database
        # Saved templates and labels obey the same limits as those typed on the pages.
        self._settings = settings or Settings()

    @staticmethod
    def _get(conn, name: str) -> SavedSet | None:
        query = select(label_sets).where(label_sets.c.name == name)
        row = conn.execute(query.where(label_sets.c.deleted.is_(False))).first()
        return _row_to_set(row) if row else None

    def _save(self, conn, saved: SavedSet) -> SavedSet:
        values = {
            "labels": json.dumps(list(saved.labels), ensure_ascii=False),
            "template": saved.template,
            "notes": saved.notes,
            "updated_at": datetime.now(UTC),
        }
        if saved.version == 0:
            self._create(conn, saved.name, values)
        else:
            changed = conn.execute(
                update(label_sets)
                .where(label_sets.c.name == saved.name, label_sets.c.deleted.is_(False))
                .where(label_sets.c.version == saved.version)
                .values(version=label_sets.c.version + 1, **values)
            ).rowcount
            if changed != 1:
                raise Conflict("store.changed_elsewhere", name=saved.name)
        stored = self._get(conn, saved.name)
        if stored is None:  # deleted between the save and this read
            raise Conflict("store.changed_elsewhere", name=saved.name)
        return stored

    @staticmethod
    def _create(conn, name: str, values: dict) -> None:
        # A tombstone of that name comes back to life with its version counting on.
        revived = conn.execute(
            update(label_sets)
            .where(label_sets.c.name == name, label_sets.c.deleted.is_(True))
            .values(deleted=False, version=label_sets.c.version + 1, **values)
        ).rowcount
        if revived:
            return
        try:
            conn.execute(insert(label_sets).values(name=name, version=1, **values))
        except IntegrityError:
            raise Conflict("store.name_taken", name=name) from None

    @staticmethod
    def _delete(conn, name: str, version: int) -> None:
        changed = conn.execute(
            update(label_sets)
            .where(label_sets.c.name == name, label_sets.c.deleted.is_(False))
            .where(label_sets.c.version == version)
            .values(deleted=True, version=label_sets.c.version + 1)
        ).rowcount
        if changed != 1:
            raise Conflict("store.changed_elsewhere", name=name)

    def list(self) -> list[SavedSet]:
        """The live sets by name (tombstones left out)."""
        query = (
            select(label_sets).where(label_sets.c.deleted.is_(False)).order_by(label_sets.c.name)
        )
        rows = self._db.read(lambda conn: conn.execute(query).all())
        return [_row_to_set(row) for row in rows]

    def get(self, name: str) -> SavedSet | None:
        return self._db.read(lambda conn: self._get(conn, name))

    def save(self, saved: SavedSet) -> SavedSet:
        """Create (version 0) or update from the version it was read at; returns the stored set.

        A new name that exists already, or an update of a set someone saved (or deleted)
        meanwhile, is refused with a message: nothing anyone saved is overwritten unseen.
        """
        saved = _checked(saved, self._settings)
        return self._db.write(lambda conn: self._save(conn, saved))

    def delete(self, name: str, version: int) -> None:
        """Delete the set as it was read at `version`; refused if it changed since."""
        self._db.write(lambda conn: self._delete(conn, name, version))

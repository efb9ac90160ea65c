"""Workspaces in one table: a JSON document per id, written only from the version it was read at.

A workspace holds what a teammate builds while exploring (label sets, examples, inputs, template
lists); the page URL names it, so a reload, another browser or another task behind the load
balancer opens the same work.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from core.errors import InputError
from core.storage import Database, metadata

# URL-safe and unguessable: the id is the only key to a workspace when no login is on.
ID_BYTES = 16
MAX_ID_CHARS = 64
# A workspace is text typed by a person: 2 MB is far more than any honest one.
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
# Recent workspaces listed for a signed-in user.
RECENT_LIMIT = 10

workspaces = Table(
    "workspaces",
    metadata,
    Column("id", String(MAX_ID_CHARS), primary_key=True),
    Column("data", Text, nullable=False),  # JSON: portable across SQLite and PostgreSQL
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Who made it, with a login ("" without one): their list of recent workspaces.
    Column("owner", String(320), nullable=False, default="", server_default="", index=True),
)


@dataclass(frozen=True)
class Workspace:
    id: str
    data: dict[str, Any]
    version: int
    updated_at: datetime | None = None


def new_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def _encoded(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if len(text.encode()) > MAX_DOCUMENT_BYTES:
        raise InputError("workspace.too_large", limit=MAX_DOCUMENT_BYTES // (1024 * 1024))
    return text


def _workspace(row) -> Workspace:
    return Workspace(row.id, json.loads(row.data), row.version, row.updated_at)


class WorkspaceStore:
    """Workspaces in one table of the process's database; every method is one short transaction
    with its deadline. A database failure raises StoreUnavailable."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, workspace_id: str) -> Workspace | None:
        """The workspace, or None for an id the store does not hold (or could never hold)."""
        if not workspace_id or len(workspace_id) > MAX_ID_CHARS:
            return None
        query = select(workspaces).where(workspaces.c.id == workspace_id)
        row = self._db.read(lambda conn: conn.execute(query).first())
        return None if row is None else _workspace(row)

    def create(self, data: dict[str, Any], owner: str = "") -> Workspace:
        """A new workspace holding `data`, under a fresh unguessable id."""
        values = {
            "id": new_id(),
            "data": _encoded(data),
            "version": 1,
            "updated_at": datetime.now(UTC),
            "owner": owner,
        }
        self._db.write(lambda conn: conn.execute(insert(workspaces).values(**values)))
        return Workspace(values["id"], data, 1)

    def recent(self, owner: str, limit: int = RECENT_LIMIT) -> list[Workspace]:
        """The owner's workspaces, last changed first (none for the empty owner: no login)."""
        if not owner:
            return []
        query = (
            select(workspaces)
            .where(workspaces.c.owner == owner)
            .order_by(workspaces.c.updated_at.desc())
            .limit(limit)
        )
        return [_workspace(row) for row in self._db.read(lambda conn: conn.execute(query).all())]

    def save(self, workspace_id: str, data: dict[str, Any], version: int) -> Workspace:
        """Write `data` over the version it was read at; refused if someone saved since."""
        statement = (
            update(workspaces)
            .where(workspaces.c.id == workspace_id, workspaces.c.version == version)
            .values(
                data=_encoded(data),
                version=workspaces.c.version + 1,
                updated_at=datetime.now(UTC),
            )
        )
        if self._db.write(lambda conn: conn.execute(statement).rowcount) != 1:
            raise InputError("workspace.changed_elsewhere")
        return Workspace(workspace_id, data, version + 1)

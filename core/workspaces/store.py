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
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from core.errors import InputError
from core.storage import open_engine, unreachable, within_deadline

# URL-safe and unguessable: the id is the only key to a workspace when no login is on.
ID_BYTES = 16
MAX_ID_CHARS = 64
# A workspace is text typed by a person: 2 MB is far more than any honest one.
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
# Recent workspaces listed for a signed-in user.
RECENT_LIMIT = 10

metadata = MetaData()
workspaces = Table(
    "workspaces",
    metadata,
    Column("id", String(MAX_ID_CHARS), primary_key=True),
    Column("data", Text, nullable=False),  # JSON: portable across SQLite and PostgreSQL
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Who made it, with a login ("" without one): their list of recent workspaces.
    Column("owner", String(320), nullable=False, default="", index=True),
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


class WorkspaceStore:
    """Every method is one short transaction with a deadline; failures are one clear message."""

    def __init__(self, url: str) -> None:
        # A table made before workspaces had owners gets the column in place.
        self._engine = open_engine(
            url, metadata, "workspaces", {"owner": "VARCHAR(320) NOT NULL DEFAULT ''"}
        )

    def _get(self, workspace_id: str) -> Workspace | None:
        query = select(workspaces).where(workspaces.c.id == workspace_id)
        try:
            with self._engine.connect() as conn:
                row = conn.execute(query).first()
        except SQLAlchemyError as exc:
            raise unreachable(exc) from None
        if row is None:
            return None
        return Workspace(row.id, json.loads(row.data), row.version, row.updated_at)

    def _create(self, workspace_id: str, text: str, owner: str) -> None:
        values = {"data": text, "version": 1, "updated_at": datetime.now(UTC), "owner": owner}
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(workspaces).values(id=workspace_id, **values))
        except SQLAlchemyError as exc:
            raise unreachable(exc) from None

    def _save(self, workspace_id: str, text: str, version: int) -> None:
        try:
            with self._engine.begin() as conn:
                changed = conn.execute(
                    update(workspaces)
                    .where(workspaces.c.id == workspace_id, workspaces.c.version == version)
                    .values(
                        data=text, version=workspaces.c.version + 1, updated_at=datetime.now(UTC)
                    )
                ).rowcount
        except SQLAlchemyError as exc:
            raise unreachable(exc) from None
        if changed != 1:
            raise InputError("workspace.changed_elsewhere")

    def get(self, workspace_id: str) -> Workspace | None:
        if not workspace_id or len(workspace_id) > MAX_ID_CHARS:
            return None
        return within_deadline(lambda: self._get(workspace_id))

    def create(self, data: dict[str, Any], owner: str = "") -> Workspace:
        """A new workspace holding `data`, under a fresh unguessable id."""
        text = _encoded(data)
        workspace_id = new_id()
        within_deadline(lambda: self._create(workspace_id, text, owner))
        return Workspace(workspace_id, data, 1)

    def _recent(self, owner: str, limit: int) -> list[Workspace]:
        query = (
            select(workspaces)
            .where(workspaces.c.owner == owner)
            .order_by(workspaces.c.updated_at.desc())
            .limit(limit)
        )
        try:
            with self._engine.connect() as conn:
                rows = conn.execute(query).all()
        except SQLAlchemyError as exc:
            raise unreachable(exc) from None
        return [Workspace(r.id, json.loads(r.data), r.version, r.updated_at) for r in rows]

    def recent(self, owner: str, limit: int = RECENT_LIMIT) -> list[Workspace]:
        """The owner's workspaces, last changed first (none for the empty owner: no login)."""
        if not owner:
            return []
        return within_deadline(lambda: self._recent(owner, limit))

    def save(self, workspace_id: str, data: dict[str, Any], version: int) -> Workspace:
        """Write `data` over the version it was read at; refused if someone saved since."""
        text = _encoded(data)
        within_deadline(lambda: self._save(workspace_id, text, version))
        return Workspace(workspace_id, data, version + 1)

    def dispose(self) -> None:
        self._engine.dispose()

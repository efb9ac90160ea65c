"""The stores' tables: label_sets, workspaces, batch_jobs; adopts a database made before
migrations as it stands (tables and columns already there are left alone, missing ones added).

Releases before Alembic made these tables with `create_all` and added the columns `deleted`
(label_sets) and `owner` (workspaces) with ALTER TABLE; any of their databases ends here
identical to a fresh one.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _label_sets() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("labels", sa.Text, nullable=False),
        sa.Column("template", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _workspaces() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(320), nullable=False, server_default=""),
    ]


def _batch_jobs() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("rows", sa.Text, nullable=False),
        sa.Column("table_json", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("stop_requested", sa.Boolean, nullable=False),
        sa.Column("runner", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


TABLES = {"label_sets": _label_sets, "workspaces": _workspaces, "batch_jobs": _batch_jobs}
# The columns older releases added in place; a database from before them gets them here.
ADDED_LATER = {"label_sets": "deleted", "workspaces": "owner"}
OWNER_INDEX = "ix_workspaces_owner"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    present = set(inspector.get_table_names())
    for name, columns in TABLES.items():
        if name not in present:
            op.create_table(name, *columns())
            continue
        column = ADDED_LATER.get(name)
        if column and column not in {c["name"] for c in inspector.get_columns(name)}:
            op.add_column(name, next(c for c in columns() if c.name == column))
    if OWNER_INDEX not in {index["name"] for index in inspector.get_indexes("workspaces")}:
        op.create_index(OWNER_INDEX, "workspaces", ["owner"])


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)

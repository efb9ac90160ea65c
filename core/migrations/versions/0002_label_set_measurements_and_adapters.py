"""What was measured about a saved label set version, and its tuned adapter: the tables
label_set_measurements and label_set_adapters (core/labels/measurements.py), keyed by (set name,
version). A release that made them on first use, before migrations, left them as they are
here: they are adopted, not made again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# As core.labels.store.MAX_NAME_CHARS was when this was written (a migration never follows code).
NAME_CHARS = 100


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if "label_set_measurements" not in present:
        op.create_table(
            "label_set_measurements",
            sa.Column("name", sa.String(NAME_CHARS), primary_key=True),
            sa.Column("version", sa.Integer, primary_key=True),
            sa.Column("measured", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
    if "label_set_adapters" not in present:
        op.create_table(
            "label_set_adapters",
            sa.Column("name", sa.String(NAME_CHARS), primary_key=True),
            sa.Column("version", sa.Integer, primary_key=True),
            sa.Column("digest", sa.String(64), nullable=False),
            sa.Column("data", sa.LargeBinary, nullable=False),
            sa.Column("details", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )


def downgrade() -> None:
    op.drop_table("label_set_adapters")
    op.drop_table("label_set_measurements")

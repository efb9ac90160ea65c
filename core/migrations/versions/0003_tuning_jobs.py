"""Tuning jobs: the table tuning_jobs (core/exploration/tuning_jobs.py), each job's spec (its
rows), progress, then its report and adapter zip. A release that made it on first use, before
migrations, left it as it is here: it is adopted, not made again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# As core.labels.store.MAX_NAME_CHARS was when this was written (a migration never follows code).
NAME_CHARS = 100


def upgrade() -> None:
    if "tuning_jobs" in set(sa.inspect(op.get_bind()).get_table_names()):
        return
    op.create_table(
        "tuning_jobs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("set_name", sa.String(NAME_CHARS), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("report", sa.Text, nullable=True),
        sa.Column("adapter", sa.LargeBinary, nullable=True),
        sa.Column("adapter_digest", sa.String(64), nullable=True),
        sa.Column("attached", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("stop_requested", sa.Boolean, nullable=False),
        sa.Column("runner", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tuning_jobs")

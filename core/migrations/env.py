"""Alembic's environment for the app's migrations: run on the connection core.storage.migrate
hands over (in its transaction, under its lock); no alembic.ini, no URL of its own.

To write a new migration, compare the code's tables with a migrated database:
`core.storage.new_migration(url, message)` (Alembic's autogenerate), then read and fix it."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    # Only autogenerate needs the code's tables; running migrations does not import the stores.
    target_metadata=context.config.attributes.get("target_metadata"),
    # SQLite changes a column only by copying its table: "batch" mode does that.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

"""The database object: its migrations (fresh, from a database made before migrations, several
processes at once), on SQLite and a real PostgreSQL; and the URL built from a platform's secret."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    make_url,
)

# Every store's tables are part of the metadata the migrations must match.
import core.exploration.batch_jobs
import core.labels.measurements  # noqa: F401
from core.errors import StoreUnavailable
from core.exploration.tuning_jobs import TuningJobStore, tuning_jobs
from core.labels.store import LabelSetStore
from core.storage import MIGRATIONS, Database, database_url, engine_for, metadata
from core.workspaces.store import WorkspaceStore
from tests.conftest import STORE_BACKENDS, empty_store_url

# Processes opening one database at once, as tasks of a deployment starting together.
CONCURRENT_STARTS = 3
PROCESS_SECONDS = 60
ROOT = Path(__file__).resolve().parents[2]
# A tuning job's spec as stored (core.exploration.tuning_jobs.TuningSpec.to_json).
TUNING_SPEC = {
    "set_name": "旅行系",
    "set_version": 1,
    "labels": ["旅行", "料理"],
    "template": "この例は{}です。",
    "multi_label": False,
    "texts": ["京都へ行く"],
    "expected": [["旅行"]],
    "settings": {},
}


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path):
    return empty_store_url(request, tmp_path)


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def _revision(url: str) -> str | None:
    engine = engine_for(url)
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    return revision


def _differences(database: Database) -> list:
    """What the migrated tables lack against the code's tables (columns, types, indexes)."""
    with database.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_a_fresh_database_gets_every_table_as_the_code_describes_it(store_url, open_database):
    database = open_database(store_url)
    assert _differences(database) == []
    assert _revision(store_url) == _head()


def _pre_migration_tables(with_later_columns: bool) -> MetaData:
    """The tables as releases before migrations made them (create_all): the last one's (with
    measurements, without adapters: one made on first use, the other not yet), or an older
    one's, before label_sets had tombstones and workspaces owners (ALTER TABLE added those)."""
    old = MetaData()
    later = [
        Column("deleted", Boolean, nullable=False, default=False, server_default=false()),
    ]
    Table(
        "label_sets",
        old,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(100), nullable=False, unique=True),
        Column("labels", Text, nullable=False),
        Column("template", Text, nullable=False),
        Column("notes", Text, nullable=False, default=""),
        Column("version", Integer, nullable=False, default=1),
        *(later if with_later_columns else []),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    owner = [Column("owner", String(320), nullable=False, default="", index=True)]
    Table(
        "workspaces",
        old,
        Column("id", String(64), primary_key=True),
        Column("data", Text, nullable=False),
        Column("version", Integer, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        *(owner if with_later_columns else []),
    )
    if with_later_columns:  # the last release also kept measurements per set version
        Table(
            "label_set_measurements",
            old,
            Column("name", String(100), primary_key=True),
            Column("version", Integer, primary_key=True),
            Column("measured", Text, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
        )
    return old


@pytest.mark.parametrize("release", ["last", "older"])
def test_a_database_made_before_migrations_is_brought_up_to_date_keeping_its_rows(
    store_url, open_database, release
):
    old = _pre_migration_tables(with_later_columns=release == "last")
    engine = engine_for(store_url)
    old.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            old.tables["label_sets"]
            .insert()
            .values(name="旅行系", labels='["旅行", "観光"]', template="この例は{}です。")
            .values(notes="", version=3, updated_at=now)
        )
        conn.execute(
            old.tables["workspaces"]
            .insert()
            .values(id="kept", data='{"examples": ["京都"]}', version=2, updated_at=now)
        )
    engine.dispose()

    database = open_database(store_url)
    assert _differences(database) == []
    assert _revision(store_url) == _head()
    kept = LabelSetStore(database).get("旅行系")
    assert (kept.labels, kept.version) == (("旅行", "観光"), 3)
    assert WorkspaceStore(database).get("kept").data == {"examples": ["京都"]}
    # And the tables work as today's: a new set saved, a workspace with an owner listed.
    created = WorkspaceStore(database).create({"examples": []}, owner="a@example.co.jp")
    assert [w.id for w in WorkspaceStore(database).recent("a@example.co.jp")] == [created.id]


def test_a_tuning_jobs_table_made_on_first_use_is_adopted_with_its_jobs(store_url, open_database):
    # Before the migration 0003 the tuning-job store made its table with create_all.
    old = MetaData()
    tuning_jobs.to_metadata(old)
    engine = engine_for(store_url)
    old.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            old.tables["tuning_jobs"]
            .insert()
            .values(id="kept", set_name="旅行系", spec=json.dumps(TUNING_SPEC), status="done")
            .values(done=4, total=4, attached=False, stop_requested=False, runner="gone")
            .values(started_at=now, updated_at=now)
        )
    engine.dispose()

    database = open_database(store_url)
    assert _differences(database) == []
    assert _revision(store_url) == _head()
    kept = TuningJobStore(database).get("kept")
    assert (kept.spec.set_name, kept.status, kept.done) == ("旅行系", "done", 4)


def test_opening_a_migrated_database_again_changes_nothing(store_url, open_database):
    open_database(store_url)
    before = _revision(store_url)
    open_database(store_url)
    assert _revision(store_url) == before == _head()


# Each process waits for a file to appear, so all of them migrate at the same moment.
OPEN_AT_ONCE = """
import sys, time
from pathlib import Path
from core.storage import Database
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
Database(sys.argv[1]).dispose()
"""


def test_several_processes_opening_one_new_database_at_once_all_succeed(
    store_url, open_database, tmp_path
):
    # Separate processes, as separate tasks: each has its own engine and runs the migrations.
    go = tmp_path / "go"
    starts = [
        subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, store_url, str(go)], cwd=ROOT)
        for _ in range(CONCURRENT_STARTS)
    ]
    go.touch()
    assert [start.wait(timeout=PROCESS_SECONDS) for start in starts] == [0] * CONCURRENT_STARTS
    assert _revision(store_url) == _head()
    assert _differences(open_database(store_url)) == []


def test_an_unreachable_database_is_store_unavailable_without_its_password(tmp_path):
    from bench.live_server import free_port

    url = f"postgresql://me:s3cret-pw@127.0.0.1:{free_port()}/none?connect_timeout=2"
    with pytest.raises(StoreUnavailable) as caught:
        Database(url)
    assert "s3cret" not in str(caught.value)


SECRET = {
    "username": "postgres",
    "password": "p@ss:w/rd?#",
    "host": "db.cluster-abc.ap-northeast-1.rds.amazonaws.com",
    "port": 5432,
    "dbname": "zeroshot",
    "engine": "postgres",
}


def test_database_url_wins_over_a_secret():
    env = {"DATABASE_URL": "postgresql://a@b/c", "DATABASE_SECRET": json.dumps(SECRET)}
    assert database_url(env) == "postgresql://a@b/c"


def test_neither_means_the_embedded_default():
    assert database_url({}) is None


def test_copilots_json_secret_becomes_a_url_with_the_password_quoted():
    url = make_url(database_url({"DATABASE_SECRET": json.dumps(SECRET)}))
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "postgres",
        "p@ss:w/rd?#",
        SECRET["host"],
        5432,
        "zeroshot",
    )


def test_an_rds_managed_secret_takes_host_and_name_from_the_environment():
    env = {
        "DATABASE_SECRET": json.dumps({"username": "zeroshot", "password": "pw"}),
        "DATABASE_HOST": "db.example",
        "DATABASE_PORT": "6432",
        "DATABASE_NAME": "zs",
    }
    url = make_url(database_url(env))
    assert (url.username, url.host, url.port, url.database) == (
        "zeroshot",
        "db.example",
        6432,
        "zs",
    )


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1]",
        json.dumps({"username": "u", "host": "h"}),
        json.dumps({"password": "pw-123"}),
    ],
)
def test_a_bad_secret_is_named_without_its_value(raw):
    with pytest.raises(ValueError, match="DATABASE_SECRET") as caught:
        database_url({"DATABASE_SECRET": raw})
    assert "pw-123" not in str(caught.value)


def test_the_database_repr_hides_the_password(tmp_path, open_database):
    database = open_database(f"sqlite:///{tmp_path / 'z.db'}")
    assert "z.db" in repr(database)

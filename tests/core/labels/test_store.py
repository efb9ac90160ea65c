"""Saved label sets on SQLite always, and on a real PostgreSQL server started for the tests."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from glob import glob
from pathlib import Path

import pytest

from bench.live_server import free_port
from core.errors import InputError
from core.labels.store import LabelSetStore, SavedSet

TEMPLATE = "この例は{}です。"
# Debian's postgresql package puts its server programs here, one folder per major version.
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# initdb + start on a 2-core box takes a few seconds; far slower means something is wrong.
PG_START_SECONDS = 60


def _names(store) -> list[str]:
    return [saved.name for saved in store.list()]


def _pg_bin() -> Path:
    found = sorted(glob(PG_BIN_GLOB))
    if not found:
        pytest.fail("PostgreSQL is not installed: .ci/run installs Debian's postgresql package")
    return Path(found[-1])


def _as_postgres(*command: str) -> list[str]:
    # The server refuses to run as root; CI runs as root, so run it as the package's user.
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_url():
    bin_dir = _pg_bin()
    # Not under pytest's tmp folder: that is private to root, and the server runs as postgres.
    home = Path(tempfile.mkdtemp(prefix="zeroshot-pg-"))
    shutil.chown(home, "postgres")
    data = home / "data"
    port = free_port()
    run = {"check": True, "capture_output": True, "timeout": PG_START_SECONDS}
    subprocess.run(
        _as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"),
        **run,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data}"
    subprocess.run(
        _as_postgres(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(home / "log"),
            "-w",
            "start",
        ),  # with -l the server does not hold our output pipe open
        **run,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'sets.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    store = LabelSetStore(url)
    for name in _names(store):
        store.delete(name)
    yield store
    store.dispose()


def _set(name="旅行系", labels=("旅行", "観光"), version=0, notes="") -> SavedSet:
    return SavedSet(name, labels, TEMPLATE, notes, version)


def test_a_saved_set_comes_back_with_everything(store):
    stored = store.save(_set(notes="京都向け"))
    again = store.get("旅行系")
    assert again == stored
    assert (again.labels, again.template, again.notes, again.version) == (
        ("旅行", "観光"),
        TEMPLATE,
        "京都向け",
        1,
    )
    assert again.updated_at is not None


def test_sets_outlive_the_store_object(store):
    store.save(_set())
    reopened = LabelSetStore(store.url)
    assert _names(reopened) == ["旅行系"]
    reopened.dispose()


def test_a_name_clash_is_a_clear_message(store):
    store.save(_set())
    with pytest.raises(InputError) as caught:
        store.save(_set(labels=("別",)))
    assert caught.value.key == "store.name_taken"
    assert store.get("旅行系").labels == ("旅行", "観光")


def test_an_update_from_the_current_version_wins(store):
    first = store.save(_set())
    second = store.save(_set(labels=("旅行", "観光", "温泉"), version=first.version))
    assert second.version == first.version + 1
    assert store.get("旅行系").labels == ("旅行", "観光", "温泉")


def test_a_stale_update_is_refused_and_loses_nothing(store):
    first = store.save(_set())
    store.save(_set(labels=("A",), version=first.version))
    with pytest.raises(InputError) as caught:
        store.save(_set(labels=("B",), version=first.version))
    assert caught.value.key == "store.changed_elsewhere"
    assert store.get("旅行系").labels == ("A",)


def test_bad_sets_are_refused(store):
    for bad, key in [
        (SavedSet(" ", ("a",), TEMPLATE), "store.name_empty"),
        (SavedSet("x", (), TEMPLATE), "error.no_labels"),
        (SavedSet("x", ("a",), "{0.__class__}"), None),
    ]:
        with pytest.raises(InputError) as caught:
            store.save(bad)
        if key:
            assert caught.value.key == key
    assert _names(store) == []


def test_delete_removes_only_that_set(store):
    store.save(_set())
    store.save(_set(name="料理系", labels=("料理",)))
    assert store.delete("旅行系")
    assert not store.delete("旅行系")
    assert _names(store) == ["料理系"]


def _concurrently(*calls):
    errors = []
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            call()
        except InputError as exc:
            errors.append(exc.key)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_writers_saving_different_sets_lose_nothing(store):
    other = LabelSetStore(store.url)  # a second session's connection pool
    saves = [
        *(lambda i=i: store.save(_set(name=f"A{i}", labels=(f"a{i}",))) for i in range(10)),
        *(lambda i=i: other.save(_set(name=f"B{i}", labels=(f"b{i}",))) for i in range(10)),
    ]
    assert _concurrently(*saves) == []
    assert len(_names(store)) == 20
    other.dispose()


def test_two_writers_creating_the_same_name_one_wins_one_is_told(store):
    other = LabelSetStore(store.url)
    errors = _concurrently(
        lambda: store.save(_set(labels=("first",))),
        lambda: other.save(_set(labels=("second",))),
    )
    assert errors == ["store.name_taken"]
    assert store.get("旅行系").labels in (("first",), ("second",))
    other.dispose()


def test_two_writers_updating_the_same_version_one_wins_one_is_told(store):
    base = store.save(_set())
    other = LabelSetStore(store.url)
    errors = _concurrently(
        lambda: store.save(_set(labels=("first",), version=base.version)),
        lambda: other.save(_set(labels=("second",), version=base.version)),
    )
    assert errors == ["store.changed_elsewhere"]
    assert store.get("旅行系").version == base.version + 1
    other.dispose()


def test_an_unreachable_database_is_a_clear_message():
    port = free_port()
    with pytest.raises(InputError) as caught:
        LabelSetStore(f"postgresql://nobody@127.0.0.1:{port}/none?connect_timeout=2")
    assert caught.value.key == "store.unreachable"

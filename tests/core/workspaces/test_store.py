"""Workspaces on SQLite always, and on a real PostgreSQL server started for the tests."""

from __future__ import annotations

import threading

import pytest

from core.errors import InputError, StoreUnavailable
from core.workspaces.store import MAX_DOCUMENT_BYTES, WorkspaceStore
from tests.conftest import STORE_BACKENDS, empty_store_url
from tests.postgres_server import postgres_server

DATA = {"examples": ["京都に行こう"], "label_sets": {"標準": ["旅行", "料理"]}}


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path):
    return empty_store_url(request, tmp_path)


@pytest.fixture
def store(store_url, open_database):
    return WorkspaceStore(open_database(store_url))


def test_a_new_workspace_comes_back_by_its_id(store):
    created = store.create(DATA)
    again = store.get(created.id)
    assert again.data == DATA
    assert again.version == 1
    assert again.updated_at is not None


def test_ids_are_unguessable_and_distinct(store):
    ids = {store.create(DATA).id for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) >= 20 for i in ids)


def test_an_unknown_or_absurd_id_is_none(store):
    assert store.get("nothing-here") is None
    assert store.get("x" * 1000) is None
    assert store.get("") is None


def test_a_save_from_the_version_read_moves_it_on(store):
    created = store.create(DATA)
    saved = store.save(created.id, {**DATA, "examples": ["新しい例"]}, created.version)
    assert saved.version == 2
    assert store.get(created.id).data["examples"] == ["新しい例"]


def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(store):
    created = store.create(DATA)
    store.save(created.id, {"examples": ["一つ目"]}, created.version)
    with pytest.raises(InputError) as refused:
        store.save(created.id, {"examples": ["二つ目"]}, created.version)
    assert refused.value.key == "workspace.changed_elsewhere"
    assert store.get(created.id).data == {"examples": ["一つ目"]}


def test_two_sessions_writing_one_workspace_at_once_one_wins_one_is_told(
    store, store_url, open_database
):
    created = store.create(DATA)
    other = WorkspaceStore(open_database(store_url))  # a second task's connection pool
    errors: list[str] = []
    start = threading.Barrier(2)

    def write(target, examples):
        start.wait()
        try:
            target.save(created.id, {"examples": examples}, created.version)
        except InputError as error:
            errors.append(error.key)

    threads = [
        threading.Thread(target=write, args=(store, ["A"])),
        threading.Thread(target=write, args=(other, ["B"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == ["workspace.changed_elsewhere"]
    assert store.get(created.id).version == 2


def test_a_workspace_over_the_size_limit_is_refused_with_the_limit(store):
    with pytest.raises(InputError) as refused:
        store.create({"examples": ["あ" * MAX_DOCUMENT_BYTES]})
    assert refused.value.key == "workspace.too_large"


@pytest.mark.postgres
def test_a_stopped_database_is_a_clear_message_and_saving_resumes(open_database):
    with postgres_server() as server:
        store = WorkspaceStore(open_database(server.url))
        created = store.create(DATA)
        server.stop()
        with pytest.raises(StoreUnavailable) as caught:
            store.save(created.id, {"examples": []}, created.version)
        assert caught.value.key == "store.unreachable"
        server.start()
        assert store.save(created.id, {"examples": []}, created.version).version == 2


def test_recent_lists_only_the_owners_workspaces_last_changed_first(store):
    first = store.create(DATA, owner="a@example.co.jp")
    second = store.create(DATA, owner="a@example.co.jp")
    store.create(DATA, owner="b@example.co.jp")
    store.save(first.id, {"examples": ["更新"]}, first.version)
    assert [w.id for w in store.recent("a@example.co.jp")] == [first.id, second.id]


def test_without_a_login_there_is_no_recent_list(store):
    store.create(DATA)
    assert store.recent("") == []

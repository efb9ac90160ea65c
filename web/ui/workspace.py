"""The session's workspace: opened from the URL (`?w=<id>`) before a page runs, saved after it.

What a teammate builds (label sets, the current set, examples, the Classify inputs) lives in plain
session keys while they work; this module mirrors those keys into the store after every run in
which they changed, and puts the workspace's id in the URL. Opening that URL again (after a
reload, in another browser, on another task behind the load balancer) restores all of it. No
save button: nothing to forget.

Two windows on one workspace: each saves from the version it read. When the other window saved
first, the two windows' changes are merged (core/workspaces/merge.py: both sides' additions kept)
and the user is told; nothing either window typed is dropped unseen.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from core.errors import InputError
from core.workspaces.document import export_document, parse_document
from core.workspaces.merge import merge
from web import resources
from web.ui import login, state
from web.ui.i18n import error_text, t

PARAM = "w"
_ID = "workspace_id"
_VERSION = "workspace_version"
_SAVED = "workspace_saved"  # the data as last read or written: what changed since is ours
_UNSAVED = "workspace_unsaved"
_MERGED = "workspace_merged"
IMPORT_KEY = "workspace_import"


def snapshot() -> dict[str, Any]:
    """The session's kept state as JSON-ready data."""
    session = st.session_state
    data: dict[str, Any] = {}
    for key in state.KEPT_KEYS:
        if key in session:
            value = session[key]
            data[key] = sorted(value) if isinstance(value, set) else value
    # A copy, never the session's own lists and dicts: pages change those in place.
    return json.loads(json.dumps(data, ensure_ascii=False))


def _restore(data: dict[str, Any]) -> None:
    for key in state.KEPT_KEYS:
        if key in data:
            value = data[key]
            st.session_state[key] = set(value) if key in state.SET_KEYS else value
    state.reset_evaluation_editor()
    if state.label_sets() and state.current_set_name() not in state.label_sets():
        state.select_set(next(iter(state.label_sets())))


def _adopt(workspace_id: str, version: int, data: dict[str, Any]) -> None:
    session = st.session_state
    session[_ID], session[_VERSION], session[_SAVED] = workspace_id, version, data
    session.pop(_UNSAVED, None)
    st.query_params[PARAM] = workspace_id


def open_workspace() -> None:
    """Before the page: load the URL's workspace into the session, or start one."""
    session = st.session_state
    wanted = st.query_params.get(PARAM)
    current = session.get(_ID)
    if current and wanted in (None, current):
        if wanted is None:  # a page switch dropped it from the URL (setting it sends a message)
            st.query_params[PARAM] = current
        if session.get(_UNSAVED):
            save_workspace()  # the store may be back: then the notice below is already gone
        return
    state.ensure_defaults()
    try:
        store = resources.get_workspaces()
        found = store.get(wanted) if wanted else None
        if found is not None:
            _restore(found.data)
            _adopt(found.id, found.version, snapshot())
        else:
            created = store.create(snapshot(), login.account())
            _adopt(created.id, created.version, created.data)
    except InputError:
        session[_UNSAVED] = True


def save_workspace() -> None:
    """After the page: write what changed in this run; merge if another window saved first."""
    session = st.session_state
    if not session.get(_ID):
        open_workspace()  # the store was down when the session began: try again now
        if not session.get(_ID):
            return
    data = snapshot()
    saved = session.get(_SAVED)
    if data == saved:
        return
    store = resources.get_workspaces()
    try:
        try:
            written = store.save(session[_ID], data, session[_VERSION])
        except InputError as error:
            if error.key != "workspace.changed_elsewhere":
                raise
            theirs = store.get(session[_ID])
            if theirs is None:
                raise
            data = merge(saved or {}, data, theirs.data)
            _restore(data)
            written = store.save(session[_ID], data, theirs.version)
            session[_VERSION], session[_SAVED] = written.version, data
            session[_MERGED] = True
            st.rerun()  # the page showed this window's state alone: show the merged one
        session[_VERSION], session[_SAVED] = written.version, data
        session.pop(_UNSAVED, None)
    except InputError:
        session[_UNSAVED] = True


def _import() -> None:
    """Uploader callback: the file's workspace opens as a new workspace (nothing overwritten)."""
    upload = st.session_state.get(IMPORT_KEY)
    if upload is None:
        return
    try:
        data = parse_document(upload.getvalue(), state.KEPT_TYPES)
        sets = data.get(state.LABEL_SETS_KEY)
        if sets is not None and not sets:
            raise InputError("workspace.bad_field", field=state.LABEL_SETS_KEY)
        created = resources.get_workspaces().create(data, login.account())
    except InputError as error:
        state.flash(error_text(error))
        return
    for key in state.KEPT_KEYS:
        st.session_state.pop(key, None)
    _restore(data)
    state.ensure_defaults()
    _adopt(created.id, created.version, snapshot())
    state.flash(t("workspace.imported"), kind="success")


def workspace_box() -> None:
    """In the sidebar: the workspace's link, its export and an import."""
    drawn = snapshot()
    with st.sidebar.expander(t("workspace.header"), key="workspace_box"):
        st.caption(t("workspace.caption"))
        st.download_button(
            t("workspace.export"),
            # Made on click, outside this run (no session then): from the state as drawn.
            data=lambda: export_document(drawn),
            file_name="zeroshot-workspace.json",
            mime="application/json",
            key="workspace_export",
            on_click="ignore",  # see web/ui/batch_job.py: a download never reruns the page
        )
        st.file_uploader(t("workspace.import"), type=["json"], key=IMPORT_KEY, on_change=_import)
        _recent_links()


def _recent_links() -> None:
    """With a login: the user's recent workspaces, each a link that opens it."""
    owner = login.account()
    if not owner:
        return
    try:
        recent = resources.get_workspaces().recent(owner)
    except InputError:
        return  # the notice already says the store is down
    st.caption(t("workspace.recent"))
    for item in recent:
        when = f"{item.updated_at:%Y-%m-%d %H:%M}" if item.updated_at else ""
        current = " ← " + t("workspace.this_one") if item.id == workspace_id() else ""
        examples = len(item.data.get(state.EXAMPLES_KEY, []))
        summary = t("workspace.summary", examples=examples)
        st.markdown(f"[{when} · {summary}](?{PARAM}={item.id}){current}")


def workspace_notice() -> None:
    """Say so when work is not being saved, or was merged with another window's."""
    session = st.session_state
    state.show_flash()
    if session.get(_UNSAVED):
        st.warning(t("workspace.unsaved"))
    if session.pop(_MERGED, False):
        st.info(t("workspace.merged"))


def workspace_id() -> str | None:
    return st.session_state.get(_ID)

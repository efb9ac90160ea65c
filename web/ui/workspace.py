"""The session's workspace: opened from the URL (`?w=<id>`) before a page runs, saved after it.

What a teammate builds (label sets, the current set, examples, the Classify inputs) lives in the
session's workspace object (state.workspace(), a WorkspaceData) while they work; this module
saves it to the store after every run in which it changed, and puts the workspace's id in the
URL. Opening that URL again (after a reload, in another browser, on another task behind the load
balancer) restores all of it. No save button: nothing to forget.

A URL naming a workspace the store does not hold (a link cut short in a chat, a workspace from
another deployment) is said so, with the choice to start a new one: never a silent fresh
workspace under a rewritten URL, which would look as if the work were gone.

Two windows on one workspace: each saves from the version it read. When the other window saved
first, the two windows' changes are merged (core/workspaces/merge.py: both sides' additions kept)
and the user is told; nothing either window typed is dropped unseen.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import InputError, StoreUnavailable
from core.workspaces.document import export_document, parse_document
from core.workspaces.merge import merge
from core.workspaces.model import WorkspaceData
from web import resources
from web.ui import evaluation_rows, login, state
from web.ui.i18n import error_text, t

PARAM = "w"
_ID = "workspace_id"
_VERSION = "workspace_version"
_SAVED = "workspace_saved"  # the data as last read or written: what changed since is ours
_UNSAVED = "workspace_unsaved"
_MERGED = "workspace_merged"
_MISSING = "workspace_missing"  # the id the URL named and the store does not hold
# Shown of a missing id: enough to compare with the link that was sent, never a page of text.
MISSING_ID_SHOWN_CHARS = 40
_OVER_LIMIT = "workspace_over_limit"  # the InputError naming the size limit the work is past
# Errors that mean "not saved now, retried by itself"; any other InputError is a size limit.
_STORE_AWAY = frozenset({"store.unreachable", "workspace.changed_elsewhere"})
IMPORT_KEY = "workspace_import"


def snapshot() -> dict[str, Any]:
    """The session's workspace as JSON-ready data (a copy: pages change the workspace's lists
    and dicts in place)."""
    return state.workspace().to_json()


def _restore(opened: WorkspaceData) -> None:
    """What `opened` holds replaces the session's values; what it does not hold stays."""
    kept = state.workspace()
    for field in opened.model_fields_set:
        setattr(kept, field, getattr(opened.model_copy(deep=True), field))
    evaluation_rows.reset()
    if state.label_sets() and state.current_set_name() not in state.label_sets():
        state.select_set(next(iter(state.label_sets())))


def _adopt(workspace_id: str, version: int, data: dict[str, Any]) -> None:
    session = st.session_state
    session[_ID], session[_VERSION], session[_SAVED] = workspace_id, version, data
    session.pop(_UNSAVED, None)
    st.query_params[PARAM] = workspace_id


def open_workspace() -> None:
    """Before the page: load the URL's workspace into the session, or start one when the URL
    names none. One it names that the store lacks is left for `missing_workspace` to say."""
    session = st.session_state
    wanted = st.query_params.get(PARAM)
    session.pop(_MISSING, None)
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
            _restore(WorkspaceData.salvaged(found.data))
            _adopt(found.id, found.version, snapshot())
        elif wanted:
            session[_MISSING] = wanted
        else:
            created = store.create(snapshot(), login.account())
            _adopt(created.id, created.version, created.data)
    except (InputError, StoreUnavailable):
        session[_UNSAVED] = True


def save_workspace() -> None:
    """After the page: write what changed in this run; merge if another window saved first."""
    session = st.session_state
    if session.get(_MISSING):
        return  # nothing is saved until the user chooses to start a new workspace
    if not session.get(_ID):
        open_workspace()  # the store was down when the session began: try again now
        if not session.get(_ID):
            return
    workspace = state.workspace()
    data = workspace.to_json()
    saved = session.get(_SAVED)
    if data == saved:
        session.pop(_OVER_LIMIT, None)  # back to what is stored: within every limit
        return
    limits = resources.get_settings().limits
    try:
        store = resources.get_workspaces()
        workspace.check_limits(limits)
        try:
            written = store.save(session[_ID], data, session[_VERSION])
        except InputError as error:
            if error.key != "workspace.changed_elsewhere":
                raise
            theirs = store.get(session[_ID])
            if theirs is None:
                raise
            merged = WorkspaceData.salvaged(
                merge(saved or {}, data, theirs.data, whole=WorkspaceData.MERGED_WHOLE)
            )
            merged.check_limits(limits)
            data = merged.to_json()
            _restore(merged)
            written = store.save(session[_ID], data, theirs.version)
            session[_VERSION], session[_SAVED] = written.version, data
            session[_MERGED] = True
            session.pop(_OVER_LIMIT, None)
            st.rerun()  # the page showed this window's state alone: show the merged one
        session[_VERSION], session[_SAVED] = written.version, data
        session.pop(_UNSAVED, None)
        session.pop(_OVER_LIMIT, None)
    except StoreUnavailable:
        session[_UNSAVED] = True
    except InputError as error:
        if error.key in _STORE_AWAY:
            session[_UNSAVED] = True
        else:
            # Past a size limit: the store is fine, the work is too big; say which limit.
            session[_OVER_LIMIT] = error


def _import() -> None:
    """Uploader callback: the file's workspace opens as a new workspace (nothing overwritten).
    All or nothing: the file is validated whole and stored before the session changes, so a bad
    file leaves the current workspace exactly as it was."""
    upload = st.session_state.get(IMPORT_KEY)
    if upload is None:
        return
    try:
        workspace = parse_document(upload.getvalue(), resources.get_settings())
        created = resources.get_workspaces().create(workspace.to_json(), login.account())
    except (InputError, StoreUnavailable) as error:
        state.flash(error_text(error), where="top")
        return
    state.replace_workspace(workspace)
    evaluation_rows.reset()
    state.ensure_defaults()
    _adopt(created.id, created.version, snapshot())
    state.flash(t("workspace.imported"), kind="success", where="top")


def workspace_box() -> None:
    """In the sidebar: the workspace's link, its export and an import."""
    drawn = state.workspace().model_copy(deep=True)
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
    except StoreUnavailable:
        return  # the notice already says the store is down
    st.caption(t("workspace.recent"))
    for item in recent:
        when = f"{item.updated_at:%Y-%m-%d %H:%M}" if item.updated_at else ""
        current = " ← " + t("workspace.this_one") if item.id == workspace_id() else ""
        examples = len(item.data.get("examples", []))
        summary = t("workspace.summary", examples=examples)
        st.markdown(f"[{when} · {summary}](?{PARAM}={item.id}){current}")


def missing_workspace() -> bool:
    """When the URL names a workspace the store does not hold: say so (its id, why that
    happens) with a button that starts a new one; True then, and the page is not run."""
    missing = st.session_state.get(_MISSING)
    if not missing:
        return False
    shown = (
        missing
        if len(missing) <= MISSING_ID_SHOWN_CHARS
        else missing[:MISSING_ID_SHOWN_CHARS] + "…"
    )
    st.error(t("workspace.not_found", id=shown))
    st.caption(t("workspace.not_found_help"))
    st.button(
        t("workspace.start_new"), key="workspace_start_new", type="primary", on_click=_start_new
    )
    return True


def _start_new() -> None:
    for key in (_MISSING, _ID):
        st.session_state.pop(key, None)
    st.query_params.pop(PARAM, None)  # the next run's open_workspace starts one


def workspace_notice() -> None:
    """Say so when work is not being saved, or was merged with another window's."""
    session = st.session_state
    state.show_flash("top")
    if session.get(_UNSAVED):
        st.warning(t("workspace.unsaved"))
    if session.get(_OVER_LIMIT):
        st.error(t("workspace.over_limit", detail=error_text(session[_OVER_LIMIT])))
    if session.pop(_MERGED, False):
        st.info(t("workspace.merged"))


def workspace_id() -> str | None:
    return st.session_state.get(_ID)

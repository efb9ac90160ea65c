"""The Labels page's saved-sets section: the team's label sets kept in the store."""

from __future__ import annotations

import streamlit as st

from core.errors import InputError
from core.labels.store import SavedSet
from web.resources import get_store
from web.ui import state
from web.ui.i18n import error_text, plain, t


def _save_to_store() -> None:
    name = st.session_state["store_name"].strip()
    saved = SavedSet(
        name=name,
        labels=tuple(state.current_labels()),
        template=state.template(),
        notes=st.session_state["store_notes"],
        version=state.saved_version(name),
    )
    try:
        stored = get_store().save(saved)
    except InputError as error:
        state.flash(error_text(error))
        return
    state.remember_saved_version(stored.name, stored.version)
    state.flash(t("store.saved", name=stored.name), "success")


def _load_from_store() -> None:
    saved = get_store().get(st.session_state["store_pick"])
    if saved is None:
        return
    state.load_saved_set(saved.name, list(saved.labels), saved.template, saved.version)
    st.session_state["labels_set_picker"] = saved.name
    st.session_state["store_name"] = saved.name
    st.session_state["store_notes"] = saved.notes
    state.flash(t("store.loaded", name=saved.name), "success")


def _delete_from_store() -> None:
    name = st.session_state["store_pick"]
    if get_store().delete(name):
        state.remember_saved_version(name, 0)
        state.flash(t("store.deleted", name=name), "success")


def saved_sets_section() -> None:
    """The team's saved sets: pick, load, delete, and save the current set under a name."""
    st.subheader(t("store.header"))
    st.caption(t("store.caption"))
    try:
        saved = {item.name: item for item in get_store().list()}
    except InputError as error:
        st.error(error_text(error))
        return
    if saved:
        pick_col, load_col, delete_col = st.columns([6, 2, 2], vertical_alignment="bottom")
        pick = pick_col.selectbox(t("store.pick"), list(saved), key="store_pick")
        load_col.button(t("store.load"), key="store_load", on_click=_load_from_store)
        delete_col.button(t("store.delete"), key="store_delete", on_click=_delete_from_store)
        chosen = saved[pick]
        when = chosen.updated_at.strftime("%Y-%m-%d %H:%M") if chosen.updated_at else "-"
        st.caption(
            f"{plain('、'.join(chosen.labels))} · {plain(chosen.template)} · "
            f"{t('store.updated_at', when=when)}"
        )
        if chosen.notes:
            st.markdown(plain(chosen.notes))
    else:
        st.info(t("store.none"))
    st.session_state.setdefault("store_name", state.current_set_name())
    st.session_state.setdefault("store_notes", "")
    st.text_input(t("store.save_as"), key="store_name")
    st.text_area(t("store.notes"), key="store_notes", height=80)
    st.button(t("store.save"), key="store_save", type="primary", on_click=_save_to_store)

"""The Labels page's saved-sets section: the team's label sets kept in the store."""

from __future__ import annotations

import streamlit as st

from core.errors import InputError, StoreUnavailable
from core.inference.request import normalize_label
from core.labels.store import SavedSet
from web.resources import get_measurements, get_store
from web.ui import state
from web.ui.i18n import error_text, joined, plain, t


def _save_to_store() -> None:
    # What a person types is put in the names' normal form (width, spaces) before the store
    # checks it: the flash names the set as saved.
    name = normalize_label(st.session_state["store_name"])
    saved = SavedSet(
        name=name,
        labels=tuple(state.current_labels()),
        template=state.template(),
        notes=st.session_state["store_notes"],
        version=state.saved_version(name),
    )
    try:
        stored = get_store().save(saved)
    except (InputError, StoreUnavailable) as error:
        state.flash(error_text(error))
        return
    state.remember_saved_version(stored.name, stored.version)
    state.flash(t("store.saved", name=stored.name), "success")


def _load_from_store() -> None:
    try:
        saved = get_store().get(st.session_state["store_pick"])
    except (InputError, StoreUnavailable) as error:
        state.flash(error_text(error))
        return
    if saved is None:
        state.flash(t("store.gone"))
        return
    state.load_saved_set(saved.name, list(saved.labels), saved.template, saved.version)
    st.session_state["labels_set_picker"] = saved.name
    st.session_state["store_name"] = saved.name
    st.session_state["store_notes"] = saved.notes
    state.flash(t("store.loaded", name=saved.name), "success")


_CONFIRM_DELETE = "store_confirm_delete"


def _ask_to_delete(name: str, version: int) -> None:
    """First click: remember which set, at which version, the person asked to delete."""
    st.session_state[_CONFIRM_DELETE] = (name, version)


def _cancel_delete() -> None:
    st.session_state.pop(_CONFIRM_DELETE, None)


def _delete_from_store() -> None:
    name, version = st.session_state.pop(_CONFIRM_DELETE)
    try:
        get_store().delete(name, version)
    except (InputError, StoreUnavailable) as error:
        state.flash(error_text(error))
        return
    state.remember_saved_version(name, 0)
    state.flash(t("store.deleted", name=name), "success")


def _delete_confirmation() -> None:
    name, _ = st.session_state[_CONFIRM_DELETE]
    st.warning(t("store.confirm_delete", name=name))
    yes_col, no_col = st.columns(2)
    yes_col.button(
        t("store.delete_yes"), key="store_delete_yes", type="primary", on_click=_delete_from_store
    )
    no_col.button(t("store.delete_no"), key="store_delete_no", on_click=_cancel_delete)


def _measured_caption(chosen: SavedSet) -> None:
    """What was measured about the chosen version, as production gets it by name: the rows and
    macro-F1 at its fitted thresholds, and its model, tuned (beside zero-shot on the held-out
    rows) only when tuning beat zero-shot. Silent when the store is away."""
    try:
        measured = get_measurements().get(chosen.name, chosen.version)
    except StoreUnavailable:
        return
    if measured is None:
        st.caption(t("store.not_measured", version=chosen.version))
        return
    figures = {
        "version": chosen.version,
        "rows": measured.rows,
        "macro": f"{measured.metrics.get('macro_f1', 0.0):.3f}",
    }
    report = measured.tuning or {}
    if measured.adapter_digest and report:
        zero, tuned = report["zero_shot"]["macro_f1"], report["tuned"]["macro_f1"]
        st.caption(t("store.measured_tuned", zero=f"{zero:.3f}", tuned=f"{tuned:.3f}", **figures))
    else:
        st.caption(t("store.measured_zero_shot", **figures))


def saved_sets_section() -> None:
    """The team's saved sets: pick, load, delete, and save the current set under a name."""
    st.subheader(t("store.header"))
    st.caption(t("store.caption"))
    try:
        saved = {item.name: item for item in get_store().list()}
    except (InputError, StoreUnavailable) as error:
        # Never an empty list: that would look as if the team's sets had been deleted.
        st.error(f"{error_text(error)} {t('store.not_saving')}")
        return
    if saved:
        pick_col, load_col, delete_col = st.columns([6, 2, 2], vertical_alignment="bottom")
        pick = pick_col.selectbox(t("store.pick"), list(saved), key="store_pick")
        chosen = saved[pick]
        load_col.button(t("store.load"), key="store_load", on_click=_load_from_store)
        delete_col.button(
            t("store.delete"),
            key="store_delete",
            on_click=_ask_to_delete,
            args=(chosen.name, chosen.version),
        )
        if _CONFIRM_DELETE in st.session_state:
            _delete_confirmation()
        when = chosen.updated_at.strftime("%Y-%m-%d %H:%M") if chosen.updated_at else "-"
        st.caption(
            f"{plain(joined(chosen.labels))} · {plain(chosen.template)} · "
            f"{t('store.updated_at', when=when)}"
        )
        _measured_caption(chosen)
        if chosen.notes:
            st.markdown(plain(chosen.notes))
    else:
        st.info(t("store.none"))
    # The name follows the current set: switching sets must not save one under another's name.
    if st.session_state.get("store_name_for") != state.current_set_name():
        st.session_state["store_name"] = state.current_set_name()
        st.session_state["store_name_for"] = state.current_set_name()
    st.session_state.setdefault("store_notes", "")
    st.text_input(t("store.save_as"), key="store_name")
    st.text_area(t("store.notes"), key="store_notes", height=80)
    st.button(t("store.save"), key="store_save", type="primary", on_click=_save_to_store)

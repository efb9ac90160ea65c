"""Undo for what a click removed (a label, an example, an evaluation row): one offer at a time,
shown on the page it was made on until it is taken or another removal replaces it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from web.ui.i18n import t

_OFFER = "undo_offer"


def offer_undo(page: str, text: str, restore: Callable[..., None], *args: object) -> None:
    """After a removal on `page`: `text` says what went, and the undo button calls restore."""
    st.session_state[_OFFER] = (page, text, restore, args)


def _undo() -> None:
    _, _, restore, args = st.session_state.pop(_OFFER)
    restore(*args)


def undo_box(page: str) -> None:
    """The standing offer made on `page`, if any: what was removed and a button to put it back."""
    # Always drawn, empty when there is nothing to undo: the rows below keep their places in
    # the page, so none of them is drawn with a leftover of this box.
    box = st.container(key=f"undo_box_{page}")
    offer = st.session_state.get(_OFFER)
    if offer is None or offer[0] != page:
        return
    with box.container(horizontal=True, vertical_alignment="center"):
        st.info(offer[1], width="stretch")
        st.button(t("undo.button"), key=f"undo_{page}", on_click=_undo)

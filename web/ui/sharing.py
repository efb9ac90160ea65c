"""Share links in the UI: restore a link's state on arrival, and make a link of the current one."""

from __future__ import annotations

import streamlit as st

from core.errors import InputError
from core.labels import share_links as share
from web import resources
from web.ui import state
from web.ui.i18n import error_text, t


def restore_from_link() -> bool:
    """If the URL carries a share link, take it into the workspace and say so; True when it
    was taken in now and carries a text (the page then shows its result at once).

    The link leaves the URL as it is read: from then on the URL names the workspace alone, so
    a reload opens what the user made of the link, not the link again. The workspace also
    remembers the links it took in (web.ui.state.apply_shared), for a URL that still carries one.
    """
    value = st.query_params.get(share.QUERY_KEY)
    if not value:
        return False
    del st.query_params[share.QUERY_KEY]
    try:
        shared = share.decode(value, resources.get_settings())
        name = state.apply_shared(shared, t("share.header"), value)
    except InputError as error:  # a bad link, or its set one too many (MAX_LABEL_SETS)
        st.error(error_text(error))
        return False
    if name is None:
        return False
    st.success(t("share.restored", name=name))
    return bool(shared.text.strip())


def _base_url() -> str:
    url = st.context.url or ""
    return url.split("?", 1)[0]


def share_box() -> None:
    # Keyed: an expander's identity is otherwise its position, and the scroll script drawn with
    # a new result shifts it, so the browser would take it for a new, closed box.
    with st.expander(t("share.header"), key="share_box"):
        st.caption(t("share.caption"))
        if st.button(t("share.make"), key="share_make"):
            try:
                query = share.query_string(state.shareable_state())
            except InputError as error:
                st.error(error_text(error))
                return
            st.code(f"{_base_url()}?{query}", language=None, wrap_lines=True)

"""Labels: edit the current set, keep several named sets, import and export them as JSON."""

import streamlit as st

from core.errors import InputError
from core.labels import editing as labelsets
from web.resources import get_settings
from web.ui import state
from web.ui.i18n import error_text, t
from web.ui.saved_sets import saved_sets_section


def _apply(edit) -> None:
    """Run one edit of the current labels; a refusal is shown on the next run."""
    try:
        state.set_current_labels(edit(state.current_labels()))
    except InputError as error:
        state.flash(error_text(error))


def _add() -> None:
    _apply(
        lambda labels: labelsets.add_label(labels, st.session_state["labels_new"], get_settings())
    )
    st.session_state["labels_new"] = ""


def _rename(index: int, key: str) -> None:
    _apply(
        lambda labels: labelsets.rename_label(labels, index, st.session_state[key], get_settings())
    )


def _create_set() -> None:
    name = st.session_state["labels_new_set"].strip()
    if not name:
        state.flash(t("error.empty_set_name"))
    elif name in state.label_sets():
        state.flash(t("error.set_exists", name=name))
    else:
        state.put_set(name, [])
        state.select_set(name)
        st.session_state["labels_set_picker"] = name
        st.session_state["labels_new_set"] = ""


def _delete_set() -> None:
    if len(state.label_sets()) == 1:
        state.flash(t("error.last_set"))
        return
    state.delete_set(state.current_set_name())
    st.session_state["labels_set_picker"] = state.current_set_name()


def _import() -> None:
    upload = st.session_state.get("labels_import")
    if upload is None:
        return
    try:
        name, labels = labelsets.import_label_set(upload.getvalue(), get_settings())
    except InputError as error:
        state.flash(error_text(error))
        return
    name = name or upload.name.rsplit(".", 1)[0]
    state.put_set(name, labels)
    state.select_set(name)
    st.session_state["labels_set_picker"] = name
    state.flash(t("labels.imported", name=name), "success")


st.title(t("labels.header"))
state.show_flash()

names = list(state.label_sets())
if st.session_state.get("labels_set_picker") not in names:
    st.session_state["labels_set_picker"] = state.current_set_name()
picked = st.selectbox(t("labels.current_set"), names, key="labels_set_picker")
state.select_set(picked)

labels = state.current_labels()
if not labels:
    st.info(t("labels.empty"))
for i, label in enumerate(labels):
    name_col, up_col, down_col, remove_col = st.columns([6, 1, 1, 1], vertical_alignment="bottom")
    key = f"labels_rename_{picked}_{i}_{label}"
    name_col.text_input(
        t("labels.rename"),
        value=label,
        key=key,
        on_change=_rename,
        args=(i, key),
        label_visibility="collapsed",
    )
    up_col.button(
        "↑",
        key=f"labels_up_{i}",
        help=t("labels.up"),
        disabled=i == 0,
        on_click=_apply,
        args=(lambda ls, i=i: labelsets.move_label(ls, i, -1),),
    )
    down_col.button(
        "↓",
        key=f"labels_down_{i}",
        help=t("labels.down"),
        disabled=i == len(labels) - 1,
        on_click=_apply,
        args=(lambda ls, i=i: labelsets.move_label(ls, i, 1),),
    )
    remove_col.button(
        "✕",
        key=f"labels_remove_{i}",
        help=t("labels.remove"),
        on_click=_apply,
        args=(lambda ls, i=i: labelsets.remove_label(ls, i),),
    )

add_col, add_button_col = st.columns([6, 3], vertical_alignment="bottom")
add_col.text_input(t("labels.add"), key="labels_new")
add_button_col.button(t("labels.add_button"), key="labels_add", on_click=_add)


st.divider()
set_col, create_col, delete_col = st.columns([4, 2, 3], vertical_alignment="bottom")
set_col.text_input(t("labels.new_set"), key="labels_new_set")
create_col.button(t("labels.create_set"), key="labels_create_set", on_click=_create_set)
delete_col.button(t("labels.delete_set"), key="labels_delete_set", on_click=_delete_set)

st.divider()
st.download_button(
    t("labels.export"),
    data=labelsets.export_label_set(picked, labels),
    file_name=f"{picked}.json",
    mime="application/json",
    key="labels_export",
)
st.file_uploader(t("labels.import"), type=["json"], key="labels_import", on_change=_import)

st.divider()
saved_sets_section()

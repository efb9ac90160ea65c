"""Labels: edit the current set, keep several named sets, import and export them as JSON."""

import streamlit as st

from core.errors import InputError
from core.labels import editing as labelsets
from core.labels.written import split_labels
from web.resources import get_settings
from web.ui import state
from web.ui.components import add_box
from web.ui.i18n import error_text, set_title, t
from web.ui.saved_sets import saved_sets_section
from web.ui.undo import offer_undo, undo_box

# The set deleted last, until the user undoes it or deletes another.
_DELETED = "labels_deleted_set"


def _apply(edit) -> None:
    """Run one edit of the current labels; a refusal is shown on the next run."""
    try:
        state.set_current_labels(edit(state.current_labels()))
    except InputError as error:
        state.flash(error_text(error))


def _add(typed: str) -> None:
    # The same comma rule as Classify's custom labels: "政治, 経済" adds two labels.
    for label in split_labels(typed) or [""]:
        _apply(lambda labels, label=label: labelsets.add_label(labels, label, get_settings()))


def _put_back(set_name: str, index: int, label: str) -> None:
    labels = state.label_sets().get(set_name)
    if labels is not None and label not in labels:
        state.put_set(set_name, [*labels[:index], label, *labels[index:]])


def _remove(index: int) -> None:
    name, label = state.current_set_name(), state.current_labels()[index]
    _apply(lambda labels: labelsets.remove_label(labels, index))
    offer_undo("labels", t("undo.removed", item=label), _put_back, name, index, label)


def _rename(index: int, key: str) -> None:
    before = state.current_labels()
    _apply(
        lambda labels: labelsets.rename_label(labels, index, st.session_state[key], get_settings())
    )
    if state.current_labels() == before:
        # Refused (or unchanged): the box shows the label as it is, not the refused value.
        st.session_state[key] = before[index]


def _create_set() -> None:
    name = st.session_state["labels_new_set"].strip()
    if not name:
        state.flash(t("error.empty_set_name"))
    elif name in state.label_sets():
        state.flash(t("error.set_exists", name=name))
    else:
        try:
            state.check_room_for_set()
        except InputError as error:
            state.flash(error_text(error))
            return
        state.put_set(name, [])
        state.select_set(name)
        st.session_state["labels_set_picker"] = name
        st.session_state["labels_new_set"] = ""


def _delete_set() -> None:
    if len(state.label_sets()) == 1:
        state.flash(t("error.last_set"))
        return
    name = state.current_set_name()
    st.session_state[_DELETED] = (name, state.current_labels())
    state.delete_set(name)
    st.session_state["labels_set_picker"] = state.current_set_name()


def _undo_delete() -> None:
    name, labels = st.session_state.pop(_DELETED)
    name = labelsets.unique_name(name, state.label_sets())
    state.put_set(name, labels)
    state.select_set(name)
    st.session_state["labels_set_picker"] = name


def _import() -> None:
    upload = st.session_state.get("labels_import")
    if upload is None:
        return
    try:
        name, labels, template = labelsets.import_label_set(upload.getvalue(), get_settings())
        state.check_room_for_set()
    except InputError as error:
        state.flash(error_text(error))
        return
    wanted = name or upload.name.rsplit(".", 1)[0]
    # Never over a set of the same name: the import gets a name of its own, and says so.
    name = labelsets.unique_name(wanted, state.label_sets())
    state.put_set(name, labels)
    state.select_set(name)
    if template:
        state.set_template(template)
    st.session_state["labels_set_picker"] = name
    key = "labels.imported" if name == wanted else "labels.imported_renamed"
    state.flash(t(key, name=name, wanted=wanted), "success")


st.title(t("labels.header"))
state.show_flash()
if _DELETED in st.session_state:
    deleted_name = st.session_state[_DELETED][0]
    st.info(t("labels.deleted", name=deleted_name))
    st.button(t("labels.undo_delete"), key="labels_undo_delete", on_click=_undo_delete)

names = list(state.label_sets())
if st.session_state.get("labels_set_picker") not in names:
    st.session_state["labels_set_picker"] = state.current_set_name()
picked = st.selectbox(
    t("labels.current_set"), names, format_func=set_title, key="labels_set_picker"
)
state.select_set(picked)

labels = state.current_labels()
if not labels:
    st.info(t("labels.empty"))
undo_box("labels")
for i, label in enumerate(labels):
    # One line on every width (columns would stack on a phone, ✕ over the next label).
    row = st.container(
        horizontal=True, vertical_alignment="center", gap="small", wrap=False, key=f"label_{i}"
    )
    key = f"labels_rename_{picked}_{i}_{label}"
    row.text_input(
        t("labels.rename"),
        value=label,
        key=key,
        on_change=_rename,
        args=(i, key),
        label_visibility="collapsed",
    )
    row.button(
        "↑",
        key=f"labels_up_{i}",
        help=t("labels.up"),
        disabled=i == 0,
        on_click=_apply,
        args=(lambda ls, i=i: labelsets.move_label(ls, i, -1),),
    )
    row.button(
        "↓",
        key=f"labels_down_{i}",
        help=t("labels.down"),
        disabled=i == len(labels) - 1,
        on_click=_apply,
        args=(lambda ls, i=i: labelsets.move_label(ls, i, 1),),
    )
    row.button("✕", key=f"labels_remove_{i}", help=t("labels.remove"), on_click=_remove, args=(i,))

add_box(t("labels.add"), "labels_new", t("labels.add_button"), "labels_add", _add)


st.divider()
set_col, create_col, delete_col = st.columns([4, 2, 3], vertical_alignment="bottom")
set_col.text_input(t("labels.new_set"), key="labels_new_set")
create_col.button(t("labels.create_set"), key="labels_create_set", on_click=_create_set)
delete_col.button(t("labels.delete_set"), key="labels_delete_set", on_click=_delete_set)

st.divider()
st.download_button(
    t("labels.export"),
    data=labelsets.export_label_set(picked, labels, state.template()),
    file_name=f"{picked}.json",
    mime="application/json",
    key="labels_export",
    on_click="ignore",  # see web/ui/batch_job.py: a download never reruns the page
)
st.file_uploader(t("labels.import"), type=["json"], key="labels_import", on_change=_import)

st.divider()
saved_sets_section()

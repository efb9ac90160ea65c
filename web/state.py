"""Named accessors for what pages share through the browser session.

Pages never reach into st.session_state by raw key for shared things; they call these.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.defaults import DEFAULT_EXAMPLES, DEFAULT_LABELS
from core.messages import DEFAULT_LANGUAGE, message
from core.share import SharedState
from core.types import ClassificationResult

_LABEL_SETS = "label_sets"
_CURRENT_SET = "current_label_set"
_EXAMPLES = "examples"
_EXAMPLE_RESULTS = "example_results"
_PENDING_TEXT = "pending_classify_text"
_LAST_RESULT = "last_result"
_FLASH = "flash"
_SHARED_APPLIED = "shared_link_applied"
_SAVED_VERSIONS = "saved_set_versions"
_BATCH_OUTPUT = "batch_output"
# Classify page widgets whose values other pages and share links read or set.
CLASSIFY_TEXT = "classify_text"
CLASSIFY_TEMPLATE = "classify_template"
CLASSIFY_MULTI = "classify_multi"


def _init() -> None:
    if _LABEL_SETS not in st.session_state:
        default_name = message("labels.default_set", DEFAULT_LANGUAGE)
        st.session_state[_LABEL_SETS] = {default_name: list(DEFAULT_LABELS)}
        st.session_state[_CURRENT_SET] = default_name
    if _EXAMPLES not in st.session_state:
        st.session_state[_EXAMPLES] = list(DEFAULT_EXAMPLES)


# Label sets -----------------------------------------------------------------


def label_sets() -> dict[str, list[str]]:
    _init()
    return st.session_state[_LABEL_SETS]


def current_set_name() -> str:
    _init()
    return st.session_state[_CURRENT_SET]


def select_set(name: str) -> None:
    if name in label_sets():
        st.session_state[_CURRENT_SET] = name


def current_labels() -> list[str]:
    return list(label_sets()[current_set_name()])


def set_current_labels(labels: list[str]) -> None:
    label_sets()[current_set_name()] = list(labels)


def put_set(name: str, labels: list[str]) -> None:
    label_sets()[name] = list(labels)


def delete_set(name: str) -> None:
    sets = label_sets()
    sets.pop(name, None)
    if current_set_name() == name:
        st.session_state[_CURRENT_SET] = next(iter(sets))


# Examples -------------------------------------------------------------------


def examples() -> list[str]:
    _init()
    return list(st.session_state[_EXAMPLES])


def set_examples(items: list[str]) -> None:
    st.session_state[_EXAMPLES] = list(items)


@dataclass(frozen=True)
class ExampleRun:
    labels: tuple[str, ...]
    results: tuple[ClassificationResult, ...]


def example_run() -> ExampleRun | None:
    return st.session_state.get(_EXAMPLE_RESULTS)


def set_example_run(run: ExampleRun | None) -> None:
    st.session_state[_EXAMPLE_RESULTS] = run


# Classify page --------------------------------------------------------------


def batch_output():
    """The last batch file's results table (a pandas DataFrame), or None."""
    return st.session_state.get(_BATCH_OUTPUT)


def set_batch_output(table) -> None:
    st.session_state[_BATCH_OUTPUT] = table


def saved_version(name: str) -> int:
    """The stored version this session last loaded or saved under `name` (0: none)."""
    return st.session_state.get(_SAVED_VERSIONS, {}).get(name, 0)


def remember_saved_version(name: str, version: int) -> None:
    st.session_state.setdefault(_SAVED_VERSIONS, {})[name] = version


def load_saved_set(name: str, labels: list[str], template: str, version: int) -> None:
    """A saved set becomes the current set, its template the Classify page's template."""
    put_set(name, labels)
    select_set(name)
    st.session_state[CLASSIFY_TEMPLATE] = template
    remember_saved_version(name, version)


def classify_template(default: str) -> str:
    """The template on the Classify page (the setting's default until a person changes it)."""
    return st.session_state.setdefault(CLASSIFY_TEMPLATE, default)


def classify_inputs(default_template: str) -> SharedState:
    """What the Classify page holds now, as a share link would carry it."""
    return SharedState(
        labels=tuple(current_labels()),
        template=classify_template(default_template),
        multi_label=bool(st.session_state.get(CLASSIFY_MULTI, False)),
        text=st.session_state.get(CLASSIFY_TEXT, ""),
        set_name=current_set_name(),
    )


def apply_shared(shared: SharedState, fallback_name: str, link: str) -> bool:
    """Restore a share link's state once per session and link; True if it was applied now."""
    if st.session_state.get(_SHARED_APPLIED) == link:
        return False
    name = shared.set_name or fallback_name
    put_set(name, list(shared.labels))
    select_set(name)
    st.session_state[CLASSIFY_TEXT] = shared.text
    st.session_state[CLASSIFY_TEMPLATE] = shared.template
    st.session_state[CLASSIFY_MULTI] = shared.multi_label
    st.session_state[_SHARED_APPLIED] = link
    return True


def send_to_classify(text: str) -> None:
    st.session_state[_PENDING_TEXT] = text


def take_pending_text() -> str | None:
    return st.session_state.pop(_PENDING_TEXT, None)


def last_result() -> ClassificationResult | None:
    return st.session_state.get(_LAST_RESULT)


def set_last_result(result: ClassificationResult | None) -> None:
    st.session_state[_LAST_RESULT] = result


# One-shot messages from callbacks, shown on the next run ----------------------


def flash(text: str, kind: str = "error") -> None:
    st.session_state[_FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(_FLASH, (None, None))
    if text:
        {"error": st.error, "success": st.success, "info": st.info}.get(kind, st.info)(text)

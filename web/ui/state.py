"""Named accessors for what pages share through the browser session.

Pages never reach into st.session_state by raw key for shared things; they call these. What a
workspace keeps lives in one typed object, `workspace()` (core.workspaces.model.WorkspaceData),
under one session key: the accessors below read and write its fields, and web/ui/workspace.py
saves and restores it whole, results included (a reload shows them again). Everything else here
is per-session (flashes, the editor's base, whether Classify is running).
"""

from __future__ import annotations

import hashlib

import streamlit as st

from core.exploration.evaluation import check_example_count
from core.exploration.experiments import RunRecord
from core.exploration.template_compare import TemplateComparison
from core.inference.result import ClassificationResult
from core.labels.defaults import DEFAULT_EXAMPLES, DEFAULT_EXPECTED, DEFAULT_LABELS
from core.labels.share_links import SharedState
from core.labels.written import split_labels
from core.workspaces.model import (
    EvaluationRow,
    ExampleRun,
    ExperimentChoices,
    WorkspaceData,
    check_count,
)
from web import resources
from web.text import DEFAULT_LANGUAGE, message

WORKSPACE_KEY = "workspace"
_FLASH = "flash"
# Share links a workspace remembers having taken in (each is applied once).
SHARED_LINKS_KEPT = 50
_SAVED_VERSIONS = "saved_set_versions"
_CLASSIFYING = "classifying"
_SCROLL_TO_RESULT = "scroll_to_result"


def workspace() -> WorkspaceData:
    """The session's workspace: what it keeps, typed (made empty on first use)."""
    kept = st.session_state.get(WORKSPACE_KEY)
    if kept is None:
        kept = st.session_state[WORKSPACE_KEY] = WorkspaceData()
    return kept


def replace_workspace(replacement: WorkspaceData) -> None:
    """The session's workspace becomes `replacement` (an opened or imported one)."""
    st.session_state[WORKSPACE_KEY] = replacement


def ensure_defaults() -> None:
    """The default label set and examples, unless the session has its own."""
    _init()


def _init() -> WorkspaceData:
    kept = workspace()
    if "label_sets" not in kept.model_fields_set:
        default_name = message("labels.default_set", DEFAULT_LANGUAGE)
        kept.label_sets = {default_name: list(DEFAULT_LABELS)}
        kept.current_label_set = default_name
    if "examples" not in kept.model_fields_set:
        kept.examples = list(DEFAULT_EXAMPLES)
    return kept


# Label sets -----------------------------------------------------------------


def label_sets() -> dict[str, list[str]]:
    return _init().label_sets


def current_set_name() -> str:
    return _init().current_label_set


def select_set(name: str) -> None:
    if name in label_sets():
        workspace().current_label_set = name


def current_labels() -> list[str]:
    return list(label_sets()[current_set_name()])


def set_current_labels(labels: list[str]) -> None:
    label_sets()[current_set_name()] = list(labels)


def put_set(name: str, labels: list[str]) -> None:
    label_sets()[name] = list(labels)


def check_room_for_set() -> None:
    """Refuse one more label set past MAX_LABEL_SETS (InputError), before it is made."""
    limit = resources.get_settings().limits.max_label_sets
    check_count("label_sets", len(label_sets()) + 1, limit)


def adopt_set(name: str, labels: list[str]) -> str:
    """Take in a set from elsewhere (a share link, an experiment) without overwriting one of
    the user's: the set of that name when it holds these very labels, else a new set under the
    first free name `name (2)`, `name (3)`, … that is not one of those same labels already.
    The name it is kept under; InputError when a new set would pass MAX_LABEL_SETS."""
    sets, wanted = label_sets(), list(labels)
    candidate, number = name, 1
    while candidate in sets and sets[candidate] != wanted:
        number += 1
        candidate = f"{name} ({number})"
    if candidate not in sets:
        check_room_for_set()
    sets[candidate] = wanted
    return candidate


def delete_set(name: str) -> None:
    sets = label_sets()
    sets.pop(name, None)
    if current_set_name() == name:
        workspace().current_label_set = next(iter(sets))


# Examples -------------------------------------------------------------------


def examples() -> list[str]:
    return list(_init().examples)


def check_room_for_example() -> None:
    """Refuse one more example past MAX_EXAMPLES (InputError), before it is added."""
    check_count("examples", len(examples()) + 1, resources.get_settings().limits.max_examples)


def set_examples(items: list[str]) -> None:
    workspace().examples = list(items)


def example_run() -> ExampleRun | None:
    """The Examples matrix last scored, kept across pages and reloads, or None."""
    return workspace().example_results


def set_example_run(run: ExampleRun | None) -> None:
    workspace().example_results = run


# The Classify inputs ------------------------------------------------------------
# Kept in the workspace, not in widget keys: Streamlit deletes a widget's key on any run that does
# not draw it, so the widgets are seeded from these before each draw and copied back when the
# form is submitted.


def _is_set(field: str) -> bool:
    """Whether the session chose this field (else a page's default applies)."""
    return field in workspace().model_fields_set


def text() -> str:
    return workspace().input_text


def set_text(value: str) -> None:
    workspace().input_text = value


def template() -> str:
    """The hypothesis template every page classifies with: the user's, else the setting's."""
    if not _is_set("input_template"):
        set_template(resources.get_settings().model.hypothesis_template)
    return workspace().input_template


def set_template(value: str) -> None:
    workspace().input_template = value


def multi_label() -> bool:
    return workspace().input_multi_label


def set_multi_label(value: bool) -> None:
    workspace().input_multi_label = bool(value)


def wordings() -> str:
    """Classify's wordings, one label per line (`旅行=旅行|観光|旅`); empty: none."""
    return workspace().input_wordings


def set_wordings(value: str) -> None:
    workspace().input_wordings = value


def calibration() -> str:
    return workspace().input_calibration


def set_calibration(value: str) -> None:
    workspace().input_calibration = value


def explain_on() -> bool:
    """Whether Classify explains its result word by word (off by default: it costs more)."""
    return workspace().input_explain


def set_explain_on(value: bool) -> None:
    workspace().input_explain = bool(value)


def compare_templates() -> str:
    """Compare's template lines: the session's template and one more to start with."""
    if not _is_set("compare_template_lines"):
        set_compare_templates(f"{template()}\nこれは{{}}の話です。")
    return workspace().compare_template_lines


def set_compare_templates(value: str) -> None:
    workspace().compare_template_lines = value


def evaluation_rows() -> list[dict[str, str]]:
    """Evaluate's typed rows ({"text", "expected"}): the seed's examples with their answers until
    the user edits them (so the page shows a real evaluation on first open)."""
    if not _is_set("evaluation_rows"):
        return [
            {"text": text, "expected": "|".join(labels)}
            for text, labels in DEFAULT_EXPECTED.items()
        ]
    return [row.model_dump() for row in workspace().evaluation_rows]


def check_room_for_evaluation_row() -> None:
    """Refuse one more of Evaluate's rows past MAX_EVALUATION_ROWS (InputError), before it is
    added (and so saved, merged and run)."""
    limit = resources.get_settings().limits.max_evaluation_rows
    check_example_count(len(evaluation_rows()) + 1, limit)


def set_evaluation_rows(rows: list[dict[str, str]]) -> None:
    workspace().evaluation_rows = [EvaluationRow.model_validate(row) for row in rows]


def experiment_runs() -> list[RunRecord]:
    """The workspace's experiment runs, oldest first."""
    return list(workspace().experiment_runs)


def add_experiment_run(run: RunRecord, texts: list[str]) -> None:
    """Keep `run`, which ran on `texts`: the texts are kept once however many runs name them."""
    kept = workspace()
    rows = dict(kept.experiment_rows)
    rows.setdefault(run.rows, list(texts))
    kept.experiment_rows = rows
    kept.experiment_runs = [*kept.experiment_runs, run]


def run_texts(run: RunRecord) -> list[str]:
    """The evaluation texts `run` ran on (empty if the workspace no longer has them)."""
    return list(workspace().texts_of(run) or [])


def experiment_choices() -> dict:
    """What Experiments' grid is set to (ExperimentChoices' fields), as last chosen; {} before."""
    return workspace().experiment_choices.model_dump(exclude_none=True)


def set_experiment_choices(choices: dict) -> None:
    workspace().experiment_choices = ExperimentChoices.model_validate(choices)


def compare_text() -> str:
    """Compare's one text (when it compares on a text rather than on the examples)."""
    return workspace().compare_text_value


def set_compare_text(value: str) -> None:
    workspace().compare_text_value = value


def compare_result() -> TemplateComparison | None:
    """The last template comparison, kept across pages and reloads, or None."""
    return workspace().compare_result


def set_compare_result(comparison: TemplateComparison | None) -> None:
    workspace().compare_result = comparison


def custom_labels() -> str:
    """What the custom-label box holds (comma-separated labels)."""
    return workspace().input_custom_labels


def set_custom_labels(value: str) -> None:
    workspace().input_custom_labels = value


def label_checked(label: str) -> bool:
    return label not in workspace().input_unchecked_labels


def set_unchecked(labels: set[str]) -> None:
    workspace().input_unchecked_labels = sorted(labels)


def chosen_labels() -> list[str]:
    """The labels Classify would send now: checked ones of the current set, then custom ones."""
    chosen = [label for label in current_labels() if label_checked(label)]
    # Duplicates are kept: core drops them and the result says which were dropped.
    return chosen + split_labels(custom_labels())


def batch_job() -> str:
    """The id of the last batch job started in this workspace ("" if none)."""
    return workspace().batch_job


def tuning_job() -> str:
    """The tuning job this session started last ("" for none): shown again on return."""
    return st.session_state.get("tuning_job", "")


def set_tuning_job(job_id: str) -> None:
    st.session_state["tuning_job"] = job_id


def set_batch_job(job_id: str) -> None:
    workspace().batch_job = job_id


def saved_version(name: str) -> int:
    """The stored version this session last loaded or saved under `name` (0: none)."""
    return st.session_state.get(_SAVED_VERSIONS, {}).get(name, 0)


def remember_saved_version(name: str, version: int) -> None:
    st.session_state.setdefault(_SAVED_VERSIONS, {})[name] = version


def load_saved_set(name: str, labels: list[str], template: str, version: int) -> None:
    """A saved set becomes the current set, its template the template every page uses."""
    put_set(name, labels)
    select_set(name)
    set_template(template)
    remember_saved_version(name, version)


def shareable_state() -> SharedState:
    """What the Classify page holds now, as a share link would carry it."""
    return SharedState(
        # Exactly the labels Classify sends: the checked ones and the custom ones.
        labels=tuple(chosen_labels()),
        template=template(),
        multi_label=multi_label(),
        text=text(),
        set_name=current_set_name(),
    )


def apply_shared(shared: SharedState, fallback_name: str, link: str) -> str | None:
    """Take a share link's state into the workspace once: its labels as a set (never over one
    of the user's own, see adopt_set), made current, and its text, template and mode. The
    name of the set it is under when applied now; None when this workspace has applied this
    link before (a reload, a bookmark, the browser's history), so later edits stay.
    InputError, with nothing changed, when its set would pass MAX_LABEL_SETS."""
    digest = hashlib.sha256(link.encode()).hexdigest()[:32]
    applied = list(workspace().shared_links_applied)
    if digest in applied:
        return None
    name = adopt_set(shared.set_name or fallback_name, list(shared.labels))
    select_set(name)
    set_text(shared.text)
    set_template(shared.template)
    set_multi_label(shared.multi_label)
    set_unchecked(set())
    set_custom_labels("")
    workspace().shared_links_applied = [*applied, digest][-SHARED_LINKS_KEPT:]
    return name


def send_to_classify(value: str) -> None:
    set_text(value)


def last_result() -> ClassificationResult | None:
    """Classify's last result, kept across pages and reloads, or None."""
    return workspace().last_result


def set_last_result(result: ClassificationResult | None) -> None:
    workspace().last_result = result


def start_classifying() -> None:
    """Classify was submitted: the run that follows classifies, with its button disabled."""
    st.session_state[_CLASSIFYING] = True


def classifying() -> bool:
    return bool(st.session_state.get(_CLASSIFYING))


def done_classifying() -> None:
    """The result is in: it is shown scrolled into view, with the button back."""
    st.session_state[_CLASSIFYING] = False
    st.session_state[_SCROLL_TO_RESULT] = True


def take_scroll_to_result() -> bool:
    return bool(st.session_state.pop(_SCROLL_TO_RESULT, False))


def seed_widget(key: str, value) -> None:
    """Give a widget the session's value before it is drawn, only when it does not hold it
    already: setting a widget's key, even to the value it has, makes the browser draw that
    value over whatever was typed in the box and not yet sent."""
    if key not in st.session_state or st.session_state[key] != value:
        st.session_state[key] = value


# One-shot messages from callbacks, shown on the next run ----------------------


# Where a message is shown: "page" where the page calls show_flash (by the control that
# caused it, e.g. under Classify's button), "top" above every page (the workspace's own).
def flash(text: str, kind: str = "error", where: str = "page") -> None:
    st.session_state[_FLASH] = (kind, text, where)


def show_flash(where: str = "page") -> bool:
    """Show the message waiting for `where`, if any; whether one was shown."""
    kind, text, wanted = st.session_state.get(_FLASH, (None, None, None))
    if not text or wanted != where:
        return False
    del st.session_state[_FLASH]
    shows = {"error": st.error, "warning": st.warning, "success": st.success, "info": st.info}
    shows.get(kind, st.info)(text)
    return True

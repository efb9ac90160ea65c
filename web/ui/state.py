"""Named accessors for what pages share through the browser session.

Pages never reach into st.session_state by raw key for shared things; they call these.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

import streamlit as st

from core.exploration.template_compare import TemplateComparison, TemplateRow
from core.inference.result import ClassificationResult
from core.labels.defaults import DEFAULT_EXAMPLES, DEFAULT_EXPECTED, DEFAULT_LABELS
from core.labels.share_links import SharedState
from web import resources
from web.text import DEFAULT_LANGUAGE, message

_LABEL_SETS = "label_sets"
_CURRENT_SET = "current_label_set"
_EXAMPLES = "examples"
_EXAMPLE_RESULTS = "example_results"
_LAST_RESULT = "last_result"
_FLASH = "flash"
# Digests of the share links this workspace has taken in (the last few): each is applied once.
_SHARED_APPLIED = "shared_links_applied"
SHARED_LINKS_KEPT = 50
_SAVED_VERSIONS = "saved_set_versions"
_BATCH_JOB = "batch_job"
_CLASSIFYING = "classifying"
_SCROLL_TO_RESULT = "scroll_to_result"


def ensure_defaults() -> None:
    """The default label set and examples, unless the session has its own."""
    _init()


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


def adopt_set(name: str, labels: list[str]) -> str:
    """Take in a set from elsewhere (a share link, an experiment) without overwriting one of
    the user's: the set of that name when it holds these very labels, else a new set under the
    first free name `name (2)`, `name (3)`, … that is not one of those same labels already.
    The name it is kept under."""
    sets, wanted = label_sets(), list(labels)
    candidate, number = name, 1
    while candidate in sets and sets[candidate] != wanted:
        number += 1
        candidate = f"{name} ({number})"
    sets[candidate] = wanted
    return candidate


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
    data = _kept_json(_EXAMPLE_RESULTS)
    try:
        return ExampleRun(
            tuple(data["labels"]), tuple(result_from_data(r) for r in data["results"])
        )
    except (TypeError, KeyError, ValueError):  # none yet, or not a run (a hand-edited import)
        return None


def set_example_run(run: ExampleRun | None) -> None:
    _keep_json(
        _EXAMPLE_RESULTS,
        None
        if run is None
        else {"labels": list(run.labels), "results": [result_data(r) for r in run.results]},
    )


# Results are kept in the workspace as JSON text, so a reload (or another browser) shows them
# again; a value that is not one (a hand-edited import) reads as no result.


def _kept_json(key: str):
    try:
        return json.loads(st.session_state.get(key) or "null")
    except (TypeError, ValueError):
        return None


def _keep_json(key: str, data) -> None:
    st.session_state[key] = "" if data is None else json.dumps(data, ensure_ascii=False)


def result_data(result: ClassificationResult) -> dict:
    return dataclasses.asdict(result)


def result_from_data(data: dict) -> ClassificationResult:
    """The result `result_data` wrote; TypeError/KeyError/ValueError if it is not one."""
    if not isinstance(data, dict):
        raise TypeError("not a result")
    names = {field.name for field in dataclasses.fields(ClassificationResult)}
    return ClassificationResult(
        **{
            name: tuple(value) if isinstance(value, list) else value
            for name, value in data.items()
            if name in names
        }
    )


# The Classify inputs ------------------------------------------------------------
# Owned by plain keys: Streamlit deletes a widget's key on any run that does not draw it, so the
# widgets are seeded from these before each draw and copied back when the form is submitted.
_TEXT = "input_text"
_TEMPLATE = "input_template"
_MULTI = "input_multi_label"
_CUSTOM = "input_custom_labels"
_UNCHECKED = "input_unchecked_labels"
_EXPLAIN = "input_explain"
_WORDINGS = "input_wordings"  # lines like 旅行=旅行|観光|旅
_CALIBRATION = "input_calibration"
_COMPARE_TEMPLATES = "compare_template_lines"
_COMPARE_TEXT = "compare_text_value"
_EXPERIMENT_CHOICES = "experiment_choices"
_EVAL_ROWS = "evaluation_rows"
_RUNS = "experiment_runs"
_COMPARE_RESULT = "compare_result"
# The rows Evaluate's table editor started from: its edits apply to these, so they stay put
# while the editor is on screen and are taken afresh from the rows whenever it is drawn anew.
_EVAL_EDITOR_BASE = "evaluation_editor_base"
_EVAL_EDITOR_KEY = "eval_rows_editor"

# What the workspace keeps (web/ui/workspace.py), with each value's JSON type: everything a
# teammate typed or chose.
KEPT_TYPES: dict[str, type] = {
    _LABEL_SETS: dict,
    _CURRENT_SET: str,
    _EXAMPLES: list,
    _TEXT: str,
    _TEMPLATE: str,
    _MULTI: bool,
    _CUSTOM: str,
    _UNCHECKED: list,
    _EXPLAIN: bool,
    _WORDINGS: str,
    _CALIBRATION: str,
    _COMPARE_TEMPLATES: str,
    _EVAL_ROWS: list,
    _RUNS: list,
    _BATCH_JOB: str,
    _SHARED_APPLIED: list,
    # Results, each one JSON text: kept and merged whole, never field by field.
    _LAST_RESULT: str,
    _COMPARE_TEXT: str,
    _COMPARE_RESULT: str,
    _EXAMPLE_RESULTS: str,
    _EXPERIMENT_CHOICES: str,  # JSON text: Experiments' sets, templates, modes, calibrations
}
KEPT_KEYS = tuple(KEPT_TYPES)
LABEL_SETS_KEY, EXAMPLES_KEY = _LABEL_SETS, _EXAMPLES
SET_KEYS = frozenset({_UNCHECKED})


def text() -> str:
    return st.session_state.get(_TEXT, "")


def set_text(value: str) -> None:
    st.session_state[_TEXT] = value


def template() -> str:
    """The hypothesis template every page classifies with: the user's, else the setting's."""
    if _TEMPLATE not in st.session_state:
        st.session_state[_TEMPLATE] = resources.get_settings().model.hypothesis_template
    return st.session_state[_TEMPLATE]


def set_template(value: str) -> None:
    st.session_state[_TEMPLATE] = value


def multi_label() -> bool:
    return bool(st.session_state.get(_MULTI, False))


def set_multi_label(value: bool) -> None:
    st.session_state[_MULTI] = bool(value)


def wordings() -> str:
    """Classify's wordings, one label per line (`旅行=旅行|観光|旅`); empty: none."""
    return st.session_state.get(_WORDINGS, "")


def set_wordings(value: str) -> None:
    st.session_state[_WORDINGS] = value


def calibration() -> str:
    return st.session_state.get(_CALIBRATION, "none")


def set_calibration(value: str) -> None:
    st.session_state[_CALIBRATION] = value


def explain_on() -> bool:
    """Whether Classify explains its result word by word (off by default: it costs more)."""
    return bool(st.session_state.get(_EXPLAIN, False))


def set_explain_on(value: bool) -> None:
    st.session_state[_EXPLAIN] = bool(value)


def compare_templates() -> str:
    """Compare's template lines: the session's template and one more to start with."""
    if _COMPARE_TEMPLATES not in st.session_state:
        st.session_state[_COMPARE_TEMPLATES] = f"{template()}\nこれは{{}}の話です。"
    return st.session_state[_COMPARE_TEMPLATES]


def set_compare_templates(value: str) -> None:
    st.session_state[_COMPARE_TEMPLATES] = value


def evaluation_rows() -> list[dict[str, str]]:
    """Evaluate's typed rows ({"text", "expected"}): the seed's examples with their answers until
    the user edits them (so the page shows a real evaluation on first open)."""
    seed = [
        {"text": text, "expected": "|".join(labels)} for text, labels in DEFAULT_EXPECTED.items()
    ]
    return list(st.session_state.get(_EVAL_ROWS, seed))


def set_evaluation_rows(rows: list[dict[str, str]]) -> None:
    st.session_state[_EVAL_ROWS] = list(rows)


def evaluation_editor() -> tuple[str, list[dict[str, str]]]:
    """(widget key, base rows) for Evaluate's table editor. A freshly drawn editor starts from
    the current rows; one already on screen keeps its base, so its own edits are not applied
    twice and typing is never interrupted by a redraw."""
    if _EVAL_EDITOR_KEY not in st.session_state or _EVAL_EDITOR_BASE not in st.session_state:
        st.session_state[_EVAL_EDITOR_BASE] = evaluation_rows()
    return _EVAL_EDITOR_KEY, st.session_state[_EVAL_EDITOR_BASE]


def reset_evaluation_editor() -> None:
    """The rows were replaced from elsewhere (a workspace opened or merged): redraw the editor."""
    st.session_state.pop(_EVAL_EDITOR_KEY, None)
    st.session_state.pop(_EVAL_EDITOR_BASE, None)


def experiment_runs() -> list[dict]:
    """The workspace's experiment runs, oldest first (JSON-ready dicts)."""
    return list(st.session_state.get(_RUNS, []))


def add_experiment_runs(runs: list[dict]) -> None:
    st.session_state[_RUNS] = [*experiment_runs(), *runs]


def experiment_choices() -> dict:
    """What Experiments' grid is set to (widget key → value), as last chosen; {} before."""
    data = _kept_json(_EXPERIMENT_CHOICES)
    return data if isinstance(data, dict) else {}


def set_experiment_choices(choices: dict) -> None:
    _keep_json(_EXPERIMENT_CHOICES, choices)


def compare_text() -> str:
    """Compare's one text (when it compares on a text rather than on the examples)."""
    return st.session_state.get(_COMPARE_TEXT, "")


def set_compare_text(value: str) -> None:
    st.session_state[_COMPARE_TEXT] = value


def compare_result() -> TemplateComparison | None:
    """The last template comparison, kept across pages and reloads, or None."""
    data = _kept_json(_COMPARE_RESULT)
    try:
        rows = tuple(
            TemplateRow(row["text"], row["template"], tuple(row["scores"]), row["top_label"])
            for row in data["rows"]
        )
        return TemplateComparison(tuple(data["labels"]), tuple(data["templates"]), rows)
    except (TypeError, KeyError, ValueError):
        return None


def set_compare_result(comparison: TemplateComparison | None) -> None:
    _keep_json(_COMPARE_RESULT, None if comparison is None else dataclasses.asdict(comparison))


def custom_labels() -> str:
    """What the custom-label box holds (comma-separated labels)."""
    return st.session_state.get(_CUSTOM, "")


def set_custom_labels(value: str) -> None:
    st.session_state[_CUSTOM] = value


def label_checked(label: str) -> bool:
    return label not in st.session_state.get(_UNCHECKED, set())


def set_unchecked(labels: set[str]) -> None:
    st.session_state[_UNCHECKED] = set(labels)


def split_labels(raw: str) -> list[str]:
    """Labels typed in one box: comma-separated (half- or full-width), blanks dropped."""
    return [
        part.strip()
        for part in raw.replace("、", ",").replace("，", ",").split(",")
        if part.strip()
    ]


def chosen_labels() -> list[str]:
    """The labels Classify would send now: checked ones of the current set, then custom ones."""
    chosen = [label for label in current_labels() if label_checked(label)]
    # Duplicates are kept: core drops them and the result says which were dropped.
    return chosen + split_labels(custom_labels())


def batch_job() -> str:
    """The id of the last batch job started in this workspace ("" if none)."""
    return st.session_state.get(_BATCH_JOB, "")


def set_batch_job(job_id: str) -> None:
    st.session_state[_BATCH_JOB] = job_id


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


def classify_inputs() -> SharedState:
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
    link before (a reload, a bookmark, the browser's history), so later edits stay."""
    digest = hashlib.sha256(link.encode()).hexdigest()[:32]
    applied = list(st.session_state.get(_SHARED_APPLIED, []))
    if digest in applied:
        return None
    name = adopt_set(shared.set_name or fallback_name, list(shared.labels))
    select_set(name)
    set_text(shared.text)
    set_template(shared.template)
    set_multi_label(shared.multi_label)
    set_unchecked(set())
    set_custom_labels("")
    st.session_state[_SHARED_APPLIED] = [*applied, digest][-SHARED_LINKS_KEPT:]
    return name


def send_to_classify(value: str) -> None:
    set_text(value)


def last_result() -> ClassificationResult | None:
    """Classify's last result, kept across pages and reloads, or None."""
    try:
        return result_from_data(_kept_json(_LAST_RESULT))
    except (TypeError, KeyError, ValueError):
        return None


def set_last_result(result: ClassificationResult | None) -> None:
    _keep_json(_LAST_RESULT, None if result is None else result_data(result))


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


def flash(text: str, kind: str = "error") -> None:
    st.session_state[_FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(_FLASH, (None, None))
    if text:
        shows = {"error": st.error, "warning": st.warning, "success": st.success, "info": st.info}
        shows.get(kind, st.info)(text)

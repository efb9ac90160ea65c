"""Experiments: every combination of label set, template, mode and calibration, ranked."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from core.errors import InputError, StoreUnavailable
from core.exploration import experiments as exp
from core.exploration.evaluation import check_example_count, parse_expected
from core.labels.store import SavedSet
from web import resources
from web.ui import state
from web.ui.classify_form import CALIBRATION_CHOICES, CALIBRATION_KEYS
from web.ui.components import (
    confusion_chart,
    explained_refusals,
    model_status_banner,
    require_model,
)
from web.ui.i18n import error_text, joined, set_title, t
from web.ui.tuning_panel import tuning_panel

DEFAULT_THRESHOLD = 0.5


def _classify_many(texts, template, hypotheses, multi_label):
    return resources.classify_many([(text, template) for text in texts], hypotheses, multi_label)


def _config_parts(config: exp.RunConfig) -> dict[str, str]:
    """A run's configuration, one part per leaderboard column."""
    return {
        t("exp.mode_column"): t("exp.mode_multi" if config.multi_label else "exp.mode_single"),
        t("exp.calibrations"): t(CALIBRATION_KEYS[config.calibration]),
        t("exp.templates_column"): " + ".join(config.templates),
        t("exp.label_sets"): f"{set_title(config.label_set)}: {joined(config.labels)}",
    }


def _config_text(config: exp.RunConfig) -> str:
    # What tells runs apart first (mode, calibration, template): a cut-off line still shows it.
    return " · ".join(_config_parts(config).values())


def _save_as_set(run: exp.RunRecord) -> None:
    """The run's labels (with their wordings) and template as a new team label set: what
    production then calls by name (`"label_set"` in /api/classify)."""
    config = run.config
    name = st.session_state["exp_save_name"].strip()
    saved = SavedSet(name, config.labels, config.templates[0], _config_text(config))
    try:
        stored = resources.get_store().save(saved)
    except (InputError, StoreUnavailable) as error:
        state.flash(error_text(error))
        return
    state.remember_saved_version(stored.name, stored.version)
    state.flash(t("store.saved", name=stored.name), "success")


def _use(run: exp.RunRecord) -> None:
    config = run.config
    # The set the run was made from when it is unchanged (wordings and all); else the set of
    # that name when it has these labels (a second click), else a new one beside it, never
    # over the user's own.
    if state.label_sets().get(config.label_set) == list(config.labels):
        name = config.label_set
    else:
        try:
            name = state.adopt_set(config.label_set, config.label_names)
        except InputError as error:  # one set too many (MAX_LABEL_SETS)
            state.flash(error_text(error))
            return
    state.select_set(name)
    state.set_template(config.templates[0])
    state.set_multi_label(config.multi_label)
    # Wordings and a one-text calibration go to Classify too; batch calibration needs many texts.
    state.set_wordings("\n".join(config.wording_lines))
    calibration = config.calibration
    state.set_calibration(calibration if calibration in CALIBRATION_CHOICES else "none")
    state.flash(t("exp.used", name=name), kind="success")


# The grid's widgets (key → the workspace's ExperimentChoices field): kept in the workspace as
# chosen (a reload or another page keeps them), each seeded from there before it is drawn and
# copied back when it changes.
CHOICE_FIELDS = {
    "exp_sets": "sets",
    "exp_templates": "templates",
    "exp_average": "average",
    "exp_modes": "modes",
    "exp_threshold": "threshold",
    "exp_calibrations": "calibrations",
}


def _keep_choices() -> None:
    session = st.session_state
    state.set_experiment_choices(
        {field: session[key] for key, field in CHOICE_FIELDS.items() if key in session}
    )


def _seed_choices(sets: dict) -> None:
    defaults = {
        "sets": [state.current_set_name()],
        "templates": state.compare_templates(),
        "average": True,
        "modes": [False],
        "threshold": DEFAULT_THRESHOLD,
        "calibrations": ["none"],
    }
    kept = {**defaults, **state.experiment_choices()}
    # A set deleted since is no longer offered.
    kept["sets"] = [name for name in kept["sets"] if name in sets]
    for key, field in CHOICE_FIELDS.items():
        state.seed_widget(key, kept[field])


def _seed_save_name(run: exp.RunRecord) -> None:
    """The save-as box names the opened run's set, until the user types another name for it."""
    session = st.session_state
    if session.get("exp_save_name_for") != run.id or "exp_save_name" not in session:
        session["exp_save_name_for"] = run.id
        session["exp_save_name"] = run.config.label_set


st.title(t("exp.header"))
model_status_banner()
rows = [r for r in state.evaluation_rows() if r["text"].strip()]
st.caption(t("exp.caption", count=len(rows)))

sets = state.label_sets()
_seed_choices(sets)
chosen_sets = st.multiselect(
    t("exp.label_sets"),
    list(sets),
    format_func=set_title,
    key="exp_sets",
    on_change=_keep_choices,
)
templates = st.text_area(t("exp.templates"), key="exp_templates", on_change=_keep_choices)
average = st.checkbox(t("exp.average"), key="exp_average", on_change=_keep_choices)
modes = st.multiselect(
    t("exp.modes"),
    [False, True],
    format_func=lambda m: t("exp.mode_multi") if m else t("exp.mode_single"),
    key="exp_modes",
    on_change=_keep_choices,
)
threshold = st.slider(
    t("exp.threshold"), 0.0, 1.0, step=0.05, key="exp_threshold", on_change=_keep_choices
)
calibrations = st.multiselect(
    t("exp.calibrations"),
    list(exp.CALIBRATIONS),
    format_func=lambda c: t(CALIBRATION_KEYS[c]),
    key="exp_calibrations",
    on_change=_keep_choices,
)
st.caption(t("exp.cancel_hint"))

if st.button(t("exp.run"), type="primary", key="exp_run"):
    with explained_refusals():
        check_example_count(len(rows), resources.get_settings().limits.max_evaluation_rows)
        texts = [r["text"] for r in rows]
        expected = [parse_expected(r["expected"]) for r in rows]
        variants = exp.grid(
            {name: sets[name] for name in chosen_sets},
            [line.strip() for line in templates.splitlines() if line.strip()],
            average,
            modes,
            threshold,
            calibrations,
        )
        exp.check_grid(variants, len(texts))
        require_model()
        bar = st.progress(0.0, text=t("exp.progress", done=0, total=len(variants)))
        # Any click reruns the page and so stops the grid; finished variants are already kept.
        stop = st.empty()
        stop.button(t("run.stop"), key="exp_stop")
        for done, variant in enumerate(variants, start=1):
            result = exp.run_variant(variant, texts, expected, _classify_many)
            # Kept one by one: a run stopped half-way keeps the variants it finished.
            model_id = resources.get_settings().model.model_id
            state.add_experiment_run(
                exp.run_record(result, texts, model_id, datetime.now(UTC)), texts
            )
            bar.progress(
                done / len(variants), text=t("exp.progress", done=done, total=len(variants))
            )
        stop.empty()

st.subheader(t("exp.leaderboard"))
runs = state.experiment_runs()
if not runs:
    st.info(t("exp.empty"))
else:
    ranked = sorted(runs, key=lambda r: (r.macro_f1, r.accuracy), reverse=True)
    board = pd.DataFrame(
        {
            t("exp.rank"): range(1, len(ranked) + 1),
            "macro-F1": [r.macro_f1 for r in ranked],
            # Each part in its own column, right after the score: one long text was cut, and
            # on a phone only the first columns show, so runs looked the same.
            **{
                column: [_config_parts(r.config)[column] for r in ranked]
                for column in _config_parts(ranked[0].config)
            },
            t("eval.accuracy"): [r.accuracy for r in ranked],
            t("exp.when"): [r.when for r in ranked],
            "model": [r.model for r in ranked],
        }
    )
    wanted = st.text_input(t("exp.filter"), key="exp_filter")
    if wanted:
        config = pd.Series([_config_text(r.config) for r in ranked], index=board.index)
        board = board[config.str.contains(wanted, regex=False)]
    st.dataframe(
        board.style.format({"macro-F1": "{:.3f}", t("eval.accuracy"): "{:.1%}"}),
        hide_index=True,
        key="exp_board",
    )
    labels_of = {r.id: f"#{i} {_config_text(r.config)}" for i, r in enumerate(ranked, 1)}
    picked = st.selectbox(
        t("exp.open"), [r.id for r in ranked], format_func=labels_of.get, key="exp_pick"
    )
    run = next(r for r in ranked if r.id == picked)
    state.show_flash()  # what "use" or "save" just did, by their buttons
    st.button(t("exp.use"), key="exp_use", on_click=_use, args=(run,))
    name_col, save_col = st.columns([3, 2], vertical_alignment="bottom")
    _seed_save_name(run)
    name_col.text_input(t("exp.save_name"), key="exp_save_name")
    save_col.button(t("exp.save"), key="exp_save", on_click=_save_as_set, args=(run,))
    per_label = pd.DataFrame(
        {t("result.label"): list(run.per_label_f1), "F1": list(run.per_label_f1.values())}
    )
    st.dataframe(per_label, hide_index=True, key="exp_per_label")
    confusion_chart(run.confusion, key="exp_confusion")
    texts = state.run_texts(run)
    wrong = [
        (text, predicted)
        for text, predicted, ok in zip(texts, run.predicted, run.correct, strict=False)
        if not ok
    ]
    st.caption(t("exp.wrong"))
    st.dataframe(
        pd.DataFrame(wrong, columns=[t("eval.text"), t("eval.predicted")]),
        hide_index=True,
        key="exp_wrong",
    )
    others = [r.id for r in ranked if r.id != picked and r.rows == run.rows]
    if others:
        other_id = st.selectbox(
            t("exp.compare_with"), others, format_func=labels_of.get, key="exp_other"
        )
        other = next(r for r in ranked if r.id == other_id)
        changed = [
            (text, a, b)
            for text, a, b in zip(texts, run.predicted, other.predicted, strict=False)
            if a != b
        ]
        st.caption(t("exp.changed", count=len(changed)))
        st.dataframe(
            pd.DataFrame(
                changed, columns=[t("eval.text"), labels_of[picked][:3], labels_of[other_id][:3]]
            ),
            hide_index=True,
            key="exp_changed",
        )

tuning_panel(rows)

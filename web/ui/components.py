"""Render pieces several pages use: the model's state, the run's inputs, progress, results."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import altair as alt
import pandas as pd
import streamlit as st

from core.errors import InputError, ModelBusy, ModelNotReady, StoreUnavailable
from core.exploration.evaluation import NO_LABEL
from core.inference.result import ClassificationResult
from core.inference.service import ModelState
from core.labels import serving
from web import resources
from web.ui import state
from web.ui.i18n import error_text, joined, plain, t

# A page waits this long for a loading model before telling the user to come back.
PAGE_READY_WAIT_SECONDS = 120.0
# Bars per label: tall enough to read a Japanese label, short enough for 20 labels on a screen.
BAR_HEIGHT_PX = 28
# Pairs handed to the model at a time by pages that classify many texts: several forward batches,
# so texts share passes, yet the progress bar moves every few seconds.
CHUNK_PAIRS = 256


# While the model loads, the banner looks again this often, and the page redraws once it is ready.
BANNER_POLL_SECONDS = 2.0
# A model whose last load failed is tried again, but a page waits only this long for it: a model
# that cannot be fetched will not come, and the user is told at once.
FAILED_MODEL_WAIT_SECONDS = 5.0


@st.fragment(run_every=BANNER_POLL_SECONDS)
def _loading_banner() -> None:
    if resources.get_service().status().state != ModelState.LOADING:
        st.rerun(scope="app")  # ready (or failed): the whole page redraws without the banner
    st.info(t("model.loading"))


def model_status_banner() -> bool:
    """Say whether the model is loading or failed (with a retry). True when it is ready."""
    service = resources.get_service()
    status = service.status()
    if status.state == ModelState.IDLE:
        service.start_loading()
        status = service.status()
    if status.state == ModelState.READY:
        return True
    if status.state == ModelState.ERROR:
        model_id = resources.get_settings().model.model_id
        st.error(t("model.error_hint", model=model_id))
        with st.expander(t("model.error_details"), key="model_error_box"):
            st.code(status.error or "", language=None, wrap_lines=True)
        if st.button(t("model.retry"), key="model_retry"):
            service.start_loading()
            st.rerun()
        return False
    _loading_banner()
    return False


def wait_for_model() -> bool:
    """Block with a spinner while the model loads; False if it failed or took too long."""
    service = resources.get_service()
    status = service.status()
    if status.state == ModelState.READY:
        return True
    failed_before = status.state == ModelState.ERROR or status.failed_loads > 0
    service.start_loading()
    with st.spinner(t("model.loading")):
        service.wait_ready(FAILED_MODEL_WAIT_SECONDS if failed_before else PAGE_READY_WAIT_SECONDS)
    return service.status().state == ModelState.READY


def require_model() -> None:
    """Wait for the model like wait_for_model; raise ModelNotReady if it did not come."""
    if not wait_for_model():
        raise ModelNotReady(resources.get_service().status().error or "")


@contextmanager
def explained_refusals() -> Iterator[None]:
    """Show bad input, a model that is not ready, or a store that is away, as a message; the
    page goes on below."""
    try:
        yield
    except InputError as error:
        st.error(error_text(error))
    except StoreUnavailable as error:
        st.warning(error_text(error))
    except ModelNotReady:
        st.error(t("model.not_ready"))
    except ModelBusy:
        st.warning(t("model.busy"))


# Marks each row's best score in score tables (examples matrix, template comparison).
BEST_SCORE_COLOR = "#ffe08a"


def score_table(frame: pd.DataFrame, labels: list[str]):
    """`frame` styled for st.dataframe: label scores to 3 places, each row's best highlighted."""
    return frame.style.highlight_max(axis=1, subset=labels, color=BEST_SCORE_COLOR).format(
        "{:.3f}", subset=labels
    )


def result_frame(result: ClassificationResult) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("result.rank"): range(1, len(result.labels) + 1),
            t("result.label"): result.labels,
            t("result.score"): result.scores,
        }
    )


# A long text is shown cut in a result's heading; the whole text is in the form above.
HEADING_TEXT_CHARS = 80


def result_heading(result: ClassificationResult) -> None:
    """What produced this result: its own text, labels, template and mode (never the form's)."""
    shown = result.text
    if len(shown) > HEADING_TEXT_CHARS:
        shown = shown[:HEADING_TEXT_CHARS] + "…"
    mode = t("run.mode_multi") if result.multi_label else t("run.mode_single")
    st.markdown(f"> {plain(shown)}")
    # t() escapes its parameters for Markdown itself.
    labels = joined(result.labels)
    st.caption(t("run.caption", labels=labels, template=result.hypothesis_template, mode=mode))


def tuned_set_use(
    labels: Sequence[str], template: str | None, multi_label: bool
) -> serving.LabelSetUse | None:
    """The current set's tuned model, when the set is a saved version with one and the page
    still has that version's labels, template and mode (web.resources.tuned_set_use); None when
    the store is away."""
    name = state.current_set_name()
    try:
        return resources.tuned_set_use(
            name, state.saved_version(name), labels, template, multi_label
        )
    except StoreUnavailable:
        return None


def saved_set_verdict(result: ClassificationResult) -> None:
    """When the current set is a saved one with fitted thresholds: 該当なし (none of these) if
    no label reached them, else the labels that did. Silent when the store is away."""
    name = state.current_set_name()
    version = state.saved_version(name)
    try:
        decision = resources.saved_set_decision(result, name, version)
    except StoreUnavailable:
        return
    tuned = tuned_set_use(result.labels, result.hypothesis_template, result.multi_label)
    if tuned is not None:
        st.caption(t("classify.tuned_model", name=name, version=version))
    if decision is None:
        return
    threshold = f"{decision.threshold:.3f}"
    if decision.abstained:
        st.warning(t("classify.none", name=name, version=version, threshold=threshold))
        return
    predicted = "、".join(label for label in result.labels if label in decision.predicted)
    st.caption(t("classify.thresholds_applied", name=name, version=version, predicted=predicted))


def ranked_result(result: ClassificationResult) -> None:
    """A ranked horizontal bar chart plus a table, best label on top."""
    frame = result_frame(result)
    label, score = t("result.label"), t("result.score")
    # ASCII field names: Vega-Lite reads the field strings, so keep them plain and title the axes.
    bars = pd.DataFrame({"label": result.labels, "score": result.scores})
    # A Vega-Lite spec as plain data: building it through altair validated the whole schema on
    # every draw, a tenth of a click's server time (bench/clicks.py).
    spec = {
        "mark": "bar",
        "height": {"step": BAR_HEIGHT_PX},
        "encoding": {
            "x": {
                "field": "score",
                "type": "quantitative",
                "scale": {"domain": [0, 1]},
                "title": score,
            },
            "y": {"field": "label", "type": "nominal", "sort": "-x", "title": label},
            "tooltip": [
                {"field": "label", "type": "nominal", "title": label},
                {"field": "score", "type": "quantitative", "title": score, "format": ".4f"},
            ],
        },
    }
    st.vega_lite_chart(bars, spec, width="stretch")
    # A plain HTML table: screen readers and the browser tests can read it, unlike a canvas grid.
    # st.table renders Markdown in text cells: labels are escaped so they show as typed.
    shown = frame.assign(**{label: frame[label].map(plain)})
    st.table(shown.style.format({score: "{:.4f}"}).hide(axis="index"))
    if result.truncated:
        st.warning(t("classify.truncated", max_tokens=result.max_tokens))
    if result.dropped_labels:
        st.info(t("classify.dropped", labels=joined(result.dropped_labels)))
    elapsed = t("classify.elapsed", ms=result.elapsed_ms, model=result.model_id)
    st.caption(f"{elapsed} · {t('classify.from_cache')}" if result.from_cache else elapsed)


def add_box(
    label: str,
    key: str,
    button_label: str,
    button_key: str,
    add: Callable[[str], None],
) -> None:
    """A text box and its add button, alike on every page: Enter in the box (or leaving it
    with text in it) adds what was typed, as does the button; the box then empties. `add`
    gets the typed text (it says itself what is wrong with it)."""
    just_added = f"{key}_just_added"

    def typed() -> None:
        if st.session_state[key].strip():
            add(st.session_state[key])
            st.session_state[key] = ""
            st.session_state[just_added] = True

    def clicked() -> None:
        # Enter's change arrives with a click in the same round: add once, without "empty".
        if st.session_state.pop(just_added, False) and not st.session_state[key].strip():
            return
        add(st.session_state[key])
        st.session_state[key] = ""

    # One line on every width: columns would stack on a phone.
    # Keyed: when rows above it come or go, it is the same box, never a leftover copy.
    row = st.container(horizontal=True, vertical_alignment="bottom", wrap=False, key=f"{key}_box")
    row.text_input(label, key=key, on_change=typed)
    row.button(button_label, key=button_key, on_click=clicked)
    # Both callbacks of this round have run by now: the mark is for this round only.
    st.session_state.pop(just_added, None)


def _keep_mode(key: str) -> None:
    state.set_multi_label(st.session_state[key])


def multi_label_toggle(key: str) -> bool:
    """The session's one mode, switchable from any page (not inside a form)."""
    st.session_state[key] = state.multi_label()
    st.toggle(t("classify.multi_label"), key=key, on_change=_keep_mode, args=(key,))
    return state.multi_label()


def run_caption(labels: Sequence[str], multi_label: bool | None = None) -> None:
    """Which labels, template and mode a page classifies with, so nothing runs unseen."""
    mode = multi_label if multi_label is not None else state.multi_label()
    st.caption(
        t(
            "run.caption",
            labels=joined(labels),
            template=state.template(),
            mode=t("run.mode_multi") if mode else t("run.mode_single"),
        )
    )


def classify_with_progress(
    texts: Sequence[str],
    labels: Sequence[str],
    multi_label: bool,
    progress_key: str,
    templates: Sequence[str] | None = None,
) -> list[ClassificationResult | None]:
    """Classify every text under each template (the session's one by default), in order
    (text by text, templates within), a progress bar moving as it goes.

    Work goes to the model in chunks of many texts, so pairs from different texts share forward
    passes and only pairs never seen run at all. An empty text gives None for each template (an
    empty row stays empty instead of failing the whole run).
    """
    templates = list(templates) if templates is not None else [state.template()]
    items = [(text, template) for text in texts for template in templates]
    results: list[ClassificationResult | None] = []
    per_chunk = max(1, CHUNK_PAIRS // max(1, len(labels)))
    total = len(texts)
    bar = st.progress(0.0, text=t(progress_key, done=0, total=total))
    # Any click reruns the page, which stops this run: the button says so where it is needed.
    stop = st.empty()
    stop.button(t("run.stop"), key=f"{progress_key}_stop")
    started = time.perf_counter()
    for start in range(0, len(items), per_chunk):
        chunk = items[start : start + per_chunk]
        try:
            results += resources.classify_skipping_blanks(chunk, labels, multi_label)
        except InputError as error:
            # The position in the user's list of texts, not in the chunk.
            raise error.at((start + (error.index or 0)) // len(templates)) from None
        done = (len(results) - 1) // len(templates) + 1  # texts reached, the last one included
        # The time left at the pace so far (cached pairs make later chunks quicker, if anything).
        left = (time.perf_counter() - started) / done * (total - done)
        text = t(progress_key, done=done, total=total)
        if done < total:
            text += " · " + t("run.time_left", seconds=math.ceil(left))
        bar.progress(done / total, text=text)
    bar.progress(1.0, text=t(progress_key, done=total, total=total))
    stop.empty()
    return results


# Animation frames to wait for a heading to be drawn before giving up on scrolling (~1 s).
SCROLL_TRIES = 60
# Rows of the confusion matrix: tall enough for a Japanese label read horizontally.
CONFUSION_ROW_PX = 44
# Room for the axis titles and labels around the cells.
CONFUSION_AXES_PX = 80


def confusion_chart(confusion: dict[str, dict[str, int]], key: str) -> None:
    """The confusion matrix as a heat map: labels written horizontally, each cell's count in a
    colour that contrasts with its shade, and the "—" column explained when there is one."""
    cells = pd.DataFrame(
        [
            {"expected": gold, "predicted": guess, "count": count}
            for gold, row in confusion.items()
            for guess, count in row.items()
        ]
    )
    largest = max(int(cells["count"].max()), 1)
    base = alt.Chart(cells).encode(
        x=alt.X(
            "predicted:N",
            title=t("eval.predicted"),
            sort=None,
            axis=alt.Axis(labelAngle=0, orient="top"),
        ),
        y=alt.Y("expected:N", title=t("eval.expected"), sort=None),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "count:Q", scale=alt.Scale(scheme="blues", domain=[0, largest]), legend=None
        )
    )
    counts = base.mark_text(fontSize=14).encode(
        text="count:Q",
        # Dark shades get white figures, light ones black: readable in every cell.
        color=alt.condition(alt.datum.count > largest / 2, alt.value("white"), alt.value("black")),
    )
    # The height given to Streamlit too: a layered chart is otherwise drawn squashed.
    height = max(len(confusion), 1) * CONFUSION_ROW_PX
    chart = (heat + counts).properties(height=height)
    st.altair_chart(chart, key=key, width="stretch", height=height + CONFUSION_AXES_PX)
    if any(NO_LABEL in row for row in confusion.values()):
        st.caption(t("eval.no_label_column"))


def scroll_to(anchor: str) -> None:
    """Scroll the page to the heading with this anchor once it is drawn. Our own anchor name
    only (never user text), JSON-quoted into the script."""
    script = (
        "<script>(function find(tries) {"
        f"const el = document.getElementById({json.dumps(anchor)});"
        "if (el) { el.scrollIntoView({behavior: 'smooth', block: 'start'}); }"
        "else if (tries > 0) { requestAnimationFrame(() => find(tries - 1)); }"
        f"}})({SCROLL_TRIES});</script>"
    )
    st.html(script, unsafe_allow_javascript=True)

"""Classify: one text against the current label set."""

import streamlit as st

from core.errors import InputError, ModelBusy, ModelNotReady
from web import resources
from web.ui import state
from web.ui.classify_form import classify_form, current_inputs
from web.ui.components import (
    model_status_banner,
    ranked_result,
    require_model,
    result_heading,
    saved_set_verdict,
    scroll_to,
    tuned_set_use,
)
from web.ui.explanation import explain_toggle, explanation_view
from web.ui.i18n import error_text, t
from web.ui.sharing import restore_from_link, share_box

# The result's heading: scrolled to once a new result is in (on a phone it is below the form).
RESULT_ANCHOR = "classify-result"
MESSAGE_ANCHOR = "classify-message"

st.title(t("app.title"))
st.subheader(t("classify.header"))
model_status_banner()
arrived_with_text = restore_from_link()

form = classify_form()
inputs = form.inputs
if inputs is None and arrived_with_text:
    # A share link with a text opens with its result shown, as the sender saw it.
    inputs = current_inputs()
if inputs is not None:
    try:
        require_model()
        with st.spinner(t("classify.running")):
            # A saved set tuned on the team's rows is classified by its own model.
            tuned = tuned_set_use(inputs.labels, inputs.template, inputs.multi_label)
            if tuned is not None:
                result = resources.classify_with_tuned_set(tuned, inputs.text)
            else:
                result = resources.classify(
                    inputs.text,
                    inputs.labels,
                    inputs.template,
                    inputs.multi_label,
                    inputs.typed_wordings,
                    inputs.calibration,
                )
            state.set_last_result(result)
    except InputError as error:
        state.set_last_result(None)
        state.flash(error_text(error))
    except ModelNotReady:
        state.flash(t("model.not_ready"))
    except ModelBusy:
        state.flash(t("model.busy"), "warning")
    finally:
        # Whatever happened, the button comes back (an unexpected error must not leave it off).
        form.done()

scroll = state.take_scroll_to_result()
# A refusal is shown here, under the button, and scrolled to like a result.
st.html(f'<div id="{MESSAGE_ANCHOR}"></div>')
shown = state.show_flash()
result = state.last_result()
if scroll:
    scroll_to(MESSAGE_ANCHOR if shown or result is None else RESULT_ANCHOR)
if result is not None:
    st.subheader(t("classify.results"), anchor=RESULT_ANCHOR)
    result_heading(result)
    saved_set_verdict(result)
    ranked_result(result)
    if explain_toggle():
        explanation_view(result)

share_box()

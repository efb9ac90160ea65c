"""Page-wide style: Streamlit's own English hints hidden where the app shows its own in Japanese.

Streamlit draws a few texts of its own that cannot be translated ("Drag and drop file here",
"Limit 10MB per file", "Press Enter to submit form"). Each widget that needs them carries our
own help text instead (labels and captions in web/text.py), so these are hidden. The file
uploader's "Upload" button has no setting for its text: it is drawn in the UI language instead.
"""

from __future__ import annotations

import json

import streamlit as st

from web.ui.i18n import t

HIDDEN_STREAMLIT_HINTS = (
    '[data-testid="stFileUploaderDropzoneInstructions"]',
    '[data-testid="InputInstructions"]',
)


UPLOAD_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]'


def apply_style() -> None:
    rules = ", ".join(HIDDEN_STREAMLIT_HINTS) + " { display: none !important; }"
    # Our own text only (no user input): JSON quoting makes it a valid CSS string.
    upload = json.dumps(t("upload.button"), ensure_ascii=False)
    rules += (
        f" {UPLOAD_BUTTON} p {{ display: none !important; }}"
        f" {UPLOAD_BUTTON}::after {{ content: {upload}; }}"
    )
    st.html(f"<style>{rules}</style>")

"""Page-wide style: Streamlit's own English hints hidden where the app shows its own in Japanese.

Streamlit draws a few texts of its own that cannot be translated ("Drag and drop file here",
"Limit 10MB per file", "Press Enter to submit form"). Each widget that needs them carries our
own help text instead (labels and captions in web/text.py), so these are hidden.
"""

from __future__ import annotations

import streamlit as st

HIDDEN_STREAMLIT_HINTS = (
    '[data-testid="stFileUploaderDropzoneInstructions"]',
    '[data-testid="InputInstructions"]',
)


def apply_style() -> None:
    rules = ", ".join(HIDDEN_STREAMLIT_HINTS) + " { display: none !important; }"
    st.html(f"<style>{rules}</style>")

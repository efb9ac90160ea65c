"""Process-wide resources, cached in the UI layer around core."""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from core.service import ClassifierService
from core.store import LabelSetStore
from core.types import ClassificationResult


@st.cache_resource(show_spinner=False)
def get_service() -> ClassifierService:
    """The one model service of this process, shared by the API and every browser session."""
    return ClassifierService(get_settings())


# Results kept per process (LRU): enough for a demo's examples and a teammate's session.
RESULT_CACHE_ENTRIES = 1024


@st.cache_data(max_entries=RESULT_CACHE_ENTRIES, show_spinner=False)
def _cached_classify(
    model_id: str, text: str, labels: tuple[str, ...], template: str | None, multi_label: bool
) -> ClassificationResult:
    return get_service().classify(text, labels, template, multi_label)


def classify(
    text: str, labels: list[str] | tuple[str, ...], template: str | None, multi_label: bool
) -> ClassificationResult:
    """Classify through the result cache: a repeated request costs no model work.

    Errors are not cached, so bad input and a not-yet-ready model are retried each time.
    """
    model_id = get_service().settings.model_id
    return _cached_classify(model_id, text, tuple(labels), template, multi_label)


@st.cache_resource(show_spinner=False)
def get_store() -> LabelSetStore:
    """The saved-set store of this process; a failed connection is not cached, so it is retried."""
    settings = get_settings()
    return LabelSetStore(settings.store_url, settings)

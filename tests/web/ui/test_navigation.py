"""The login gate relies on a private Streamlit switch: without it the server must not start."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager

from web.ui import navigation


def test_the_switch_is_set_off():
    navigation.use_explicit_navigation()
    assert getattr(PagesManager, navigation.PAGES_DIRECTORY_SWITCH) is False


def test_a_streamlit_without_the_switch_refuses_to_start(monkeypatch):
    monkeypatch.delattr(PagesManager, navigation.PAGES_DIRECTORY_SWITCH)
    with pytest.raises(navigation.NavigationGateMissing, match="uses_pages_directory"):
        navigation.use_explicit_navigation()
    assert not hasattr(PagesManager, navigation.PAGES_DIRECTORY_SWITCH)

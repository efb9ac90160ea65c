"""Every expander keeps its identity across runs, so an open one stays open (issue 20, trap 2).

Without a key Streamlit names an expander by its position on the page: any element that comes
and goes above it (a message, the scroll script of a new result) makes the browser take it for
a new box and close it, hiding what a click inside it just drew.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

SOURCES = [*sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "web" / "ui").glob("*.py"))]


def _expander_calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "expander"
        ):
            yield node


def test_every_expander_has_a_key():
    unkeyed = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path in SOURCES
        for call in _expander_calls(path)
        if not any(keyword.arg == "key" for keyword in call.keywords)
    ]
    assert unkeyed == []


def test_the_pages_have_expanders_to_check():
    assert sum(1 for path in SOURCES for _ in _expander_calls(path)) >= 4

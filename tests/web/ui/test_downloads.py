"""No download button reruns the page (issue 20, trap 3).

Each script run gives every deferred download (data made on click) a new address and drops the
old ones; a button that reruns the page on click leaves the buttons beside it pointing at files
that are gone until the run's new addresses arrive, and a quick second click fails.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

SOURCES = [*sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "web" / "ui").glob("*.py"))]


def _download_buttons():
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "download_button"
            ):
                yield path, node


def _ignores_clicks(call: ast.Call) -> bool:
    return any(
        keyword.arg == "on_click"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value == "ignore"
        for keyword in call.keywords
    )


def test_no_download_button_reruns_the_page():
    rerunning = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, call in _download_buttons()
        if not _ignores_clicks(call)
    ]
    assert rerunning == []


def test_there_are_download_buttons_to_check():
    assert sum(1 for _ in _download_buttons()) >= 3

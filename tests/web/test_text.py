"""Every message key the code uses exists in both languages, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from core import messages as core_messages
from tests.conftest import ROOT
from web import text as web_text

# t("key"), message("key"), InputError("key"), flash(t("key")), error codes: any quoted key
# passed straight to one of the functions that look texts up.
KEY_CALL = re.compile(
    r"""\b(?:t|message|InputError|Conflict|Mismatch|StoreUnavailable)\(\s*f?["']([a-z0-9_]+\.[a-z0-9_{}]+)["']"""
)
SOURCE_DIRS = ("app.py", "core", "web", "pages")


def _sources():
    for entry in SOURCE_DIRS:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def _used_keys() -> set[str]:
    keys = set()
    for path in _sources():
        keys.update(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    return keys


def _pattern(key: str) -> re.Pattern[str]:
    """t(f"compare.scope_{s}") → the keys it may look up."""
    return re.compile(re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(key)) + "$")


def _known(key: str) -> bool:
    tables = (web_text.MESSAGES, core_messages.MESSAGES)
    if "{" not in key:
        return any(key in table for table in tables)
    # t(f"compare.scope_{s}"): some key must match the pattern.
    pattern = _pattern(key)
    return any(pattern.match(known) for table in tables for known in table)


def test_the_scan_finds_the_keys_in_use():
    keys = _used_keys()
    assert {"classify.submit", "error.empty_text", "compare.scope_{s}"} <= keys


def test_every_key_used_in_the_code_exists():
    missing = sorted(key for key in _used_keys() if not _known(key))
    assert missing == []


def test_every_page_text_is_used():
    # A key quoted anywhere in the code (some are passed on before t() looks them up, such as
    # a progress bar's key), or one a key built in the code can name.
    code = "\n".join(
        path.read_text(encoding="utf-8") for path in _sources() if path != ROOT / "web" / "text.py"
    )
    built = [_pattern(key) for key in _used_keys() if "{" in key]
    unused = [
        key
        for key in web_text.MESSAGES
        if not re.search(f"[\"']{re.escape(key)}[\"']", code)
        and not any(pattern.match(key) for pattern in built)
    ]
    assert unused == []


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("table", [web_text.MESSAGES, core_messages.MESSAGES], ids=["web", "core"])
def test_every_message_has_both_languages_with_the_same_placeholders(table):
    for key, (ja, en) in table.items():
        assert ja.strip() and en.strip(), key
        assert _fields(ja) == _fields(en), key


def test_core_and_web_tables_do_not_overlap():
    assert not set(core_messages.MESSAGES) & set(web_text.MESSAGES)


def test_core_holds_only_the_texts_of_its_own_errors():
    in_core = set()
    for path in sorted((ROOT / "core").rglob("*.py")):
        in_core.update(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    assert set(core_messages.MESSAGES) <= in_core


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "ja"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("ja, en", "ja"),
        ("en;q=0, ja", "ja"),
        ("ja;q=0.1, en;q=0.9", "en"),
        ("fr, en", "en"),
        ("fr", "ja"),
        ("en;q=bad", "ja"),
    ],
)
def test_the_answer_language_follows_accept_languages_weights(header, lang):
    assert web_text.header_lang(header) == lang

from __future__ import annotations

import pytest

from core.config import LimitSettings, ModelSettings, Settings
from core.errors import InputError
from core.inference.request import build_request, check_template, fill_template

SETTINGS = Settings(
    limits=LimitSettings(
        max_labels=5, max_label_chars=10, max_text_chars=100, max_template_chars=40
    )
)


def _error_key(**kwargs) -> str:
    params = {"text": "京都に行こう", "labels": ["旅行"], "settings": SETTINGS} | kwargs
    with pytest.raises(InputError) as error:
        build_request(**params)
    return error.value.key


@pytest.mark.parametrize("text", ["", "   ", "\n\t　", None, 42])
def test_empty_or_whitespace_text_is_refused(text):
    assert _error_key(text=text) == "error.empty_text"


def test_text_over_the_character_limit_is_refused():
    assert _error_key(text="あ" * 101) == "error.text_too_long"


def test_no_labels_is_refused():
    assert _error_key(labels=[]) == "error.no_labels"


def test_blank_labels_count_as_none():
    assert _error_key(labels=["", "  "]) == "error.no_labels"


def test_too_many_labels_is_refused():
    assert _error_key(labels=[f"ラベル{i}" for i in range(6)]) == "error.too_many_labels"


def test_over_long_label_is_refused():
    assert _error_key(labels=["あ" * 11]) == "error.label_too_long"


def test_non_text_label_is_refused():
    assert _error_key(labels=["旅行", 3]) == "error.label_not_text"


def test_duplicate_labels_are_dropped_in_order():
    request = build_request("京都", ["料理", "旅行", "料理", " 旅行 ", "踊り"], SETTINGS)
    assert request.labels == ("料理", "旅行", "踊り")
    assert request.dropped_labels == ("料理", "旅行")


def test_a_single_string_label_is_one_label():
    assert build_request("京都", "旅行", SETTINGS).labels == ("旅行",)


def test_text_is_stripped():
    assert build_request("  京都  ", ["旅行"], SETTINGS).text == "京都"


def test_default_template_comes_from_settings():
    request = build_request(
        "京都", ["旅行"], Settings(model=ModelSettings(hypothesis_template="これは{}。"))
    )
    assert request.hypothesis_template == "これは{}。"


@pytest.mark.parametrize(
    ("template", "key"),
    [
        ("この例です。", "error.template_placeholder"),
        ("{}と{}です。", "error.template_placeholder"),
        ("{0.__class__}", "error.template_placeholder"),
        ("{}{0.__class__}", "error.template_braces"),
        ("{} {label}", "error.template_braces"),
        ("{}}", "error.template_braces"),
        ("あ" * 41 + "{}", "error.template_too_long"),
    ],
)
def test_bad_templates_are_refused(template, key):
    with pytest.raises(InputError) as error:
        check_template(template, SETTINGS)
    assert error.value.key == key


def test_template_is_filled_without_str_format():
    # A label that looks like a format field stays literal text.
    assert fill_template("この例は{}です。", "{0.__class__}") == "この例は{0.__class__}です。"


def test_error_message_is_japanese_first_and_english_on_request():
    with pytest.raises(InputError) as error:
        build_request("", ["旅行"], SETTINGS)
    assert "テキストが空です" in str(error.value)
    assert "The text is empty" in error.value.message("en")

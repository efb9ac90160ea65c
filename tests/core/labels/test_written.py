"""How labels are written: one comma rule, and labels with wordings."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.labels.written import (
    LabelWordings,
    label_names,
    names_and_wordings,
    parse_label,
    shown_label,
    split_labels,
    write_label,
)


@pytest.mark.parametrize(
    "raw",
    [
        "スポーツ、音楽",
        "スポーツ,音楽",
        "スポーツ，音楽",
        " スポーツ 、、 音楽 ,",
        "スポーツ, 音楽",
    ],
)
def test_every_comma_separates_labels(raw):
    assert split_labels(raw) == ["スポーツ", "音楽"]


def test_a_label_with_wordings_is_its_name_and_its_wordings():
    assert parse_label("旅行=旅行|観光|旅") == LabelWordings("旅行", ("旅行", "観光", "旅"))
    assert parse_label(" 旅行 | 観光 ") == LabelWordings("旅行", ("旅行", "観光"))
    assert parse_label("料理") == LabelWordings("料理", ("料理",))


@pytest.mark.parametrize("entry", ["=観光", "旅行=", " | ", "旅行=観光=旅", "旅|行=観光"])
def test_a_label_that_cannot_be_read_is_refused(entry):
    with pytest.raises(InputError) as refused:
        parse_label(entry)
    assert refused.value.key == "experiment.bad_wording"


def test_names_and_wordings_keep_the_order_and_only_real_wordings():
    names, wordings = names_and_wordings(["旅行=旅行|観光", "料理", "踊り=踊り"])
    assert names == ["旅行", "料理", "踊り"]
    assert wordings == {"旅行": ["旅行", "観光"]}
    assert label_names(["踊り|ダンス"]) == ["踊り"]


def test_a_label_written_back_parses_to_itself():
    for entry in ["旅行=旅行|観光|旅", "料理"]:
        assert write_label(parse_label(entry)) == entry


def test_a_label_is_shown_without_its_separators():
    assert shown_label("旅行=旅行|観光") == "旅行（旅行・観光）"
    assert shown_label("料理") == "料理"

"""Two windows' changes to one workspace: neither loses what it typed."""

from __future__ import annotations

from core.workspaces.merge import merge

BASE = {"examples": ["a", "b"], "label_sets": {"標準": ["旅行", "料理"]}, "input_text": "x"}


def test_a_change_on_one_side_only_is_kept():
    mine = {**BASE, "input_text": "mine"}
    assert merge(BASE, mine, BASE)["input_text"] == "mine"
    assert merge(BASE, BASE, mine)["input_text"] == "mine"


def test_both_sides_additions_to_a_list_are_kept():
    mine = {**BASE, "examples": ["a", "b", "c"]}
    theirs = {**BASE, "examples": ["a", "b", "d"]}
    assert merge(BASE, mine, theirs)["examples"] == ["a", "b", "c", "d"]


def test_a_removal_by_the_other_side_applies():
    mine = {**BASE, "examples": ["a", "b", "c"]}
    theirs = {**BASE, "examples": ["b"]}
    assert merge(BASE, mine, theirs)["examples"] == ["b", "c"]


def test_label_sets_merge_per_set():
    mine = {**BASE, "label_sets": {"標準": ["旅行", "料理", "音楽"]}}
    theirs = {**BASE, "label_sets": {"標準": ["旅行", "料理"], "ニュース": ["政治"]}}
    assert merge(BASE, mine, theirs)["label_sets"] == {
        "標準": ["旅行", "料理", "音楽"],
        "ニュース": ["政治"],
    }


def test_two_new_values_of_one_setting_keep_mine():
    mine = {**BASE, "input_text": "mine"}
    theirs = {**BASE, "input_text": "theirs"}
    assert merge(BASE, mine, theirs)["input_text"] == "mine"


def test_a_key_only_the_other_side_added_is_kept():
    theirs = {**BASE, "input_template": "これは{}の話です。"}
    assert merge(BASE, BASE, theirs)["input_template"] == "これは{}の話です。"


def test_a_result_both_sides_changed_is_mine_whole():
    base = {"last_result": {"labels": ["旅行", "料理"], "scores": [0.6, 0.4], "text": "a"}}
    mine = {"last_result": {"labels": ["料理", "旅行"], "scores": [0.7, 0.3], "text": "a"}}
    theirs = {"last_result": {"labels": ["旅行", "料理"], "scores": [0.6, 0.4], "text": "b"}}
    merged = merge(base, mine, theirs, whole={"last_result"})
    assert merged["last_result"] == mine["last_result"]
    assert merge(base, base, theirs, whole={"last_result"})["last_result"] == theirs["last_result"]

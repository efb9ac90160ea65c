"""The bulk command line the Batch page shows parses back to what it was made from."""

from __future__ import annotations

import shlex

from core.bulk.__main__ import parser
from core.bulk.command import command_line


def _parsed(command: str):
    words = shlex.split(command)
    assert words[:4] == ["python", "-m", "core.bulk", "classify"]
    return parser().parse_args(words[3:])


def test_a_saved_set_is_named_not_spelled_out():
    args = _parsed(command_line(["旅行"], "この例は{}です。", True, label_set="team's set"))
    assert (args.label_set, args.labels, args.template) == ("team's set", None, None)
    assert args.multi_label


def test_labels_and_a_template_with_shell_characters_survive_quoting():
    template = "これは「{}」の話; $HOME `x`"
    args = _parsed(command_line(["旅行", "料理"], template, False, column="本 文"))
    assert args.labels == "旅行,料理"
    assert args.template == template
    assert args.column == "本 文"

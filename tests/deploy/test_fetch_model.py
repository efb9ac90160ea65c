from __future__ import annotations

import json

import pytest

from deploy.fetch_model import fetch


def test_fetch_accepts_an_nli_model(tiny_model_dir):
    assert fetch(str(tiny_model_dir))["entailment"] == 0


def test_fetch_fails_the_build_for_a_model_without_entailment(tiny_model_dir, tmp_path):
    import shutil

    broken = tmp_path / "no-entailment"
    shutil.copytree(tiny_model_dir, broken)
    config = json.loads((broken / "config.json").read_text())
    config["id2label"] = {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}
    config["label2id"] = {"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2}
    (broken / "config.json").write_text(json.dumps(config))
    with pytest.raises(SystemExit, match="no entailment"):
        fetch(str(broken))

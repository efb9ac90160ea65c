from __future__ import annotations

import pytest

from core.errors import ModelError
from core.inference.model_loading import load_model, model_max_tokens, nli_indices


def test_indices_come_from_the_label_names():
    assert nli_indices({"entailment": 0, "neutral": 1, "contradiction": 2}) == (0, 2)


def test_label_match_is_a_case_insensitive_prefix():
    assert nli_indices({"CONTRADICTION": 0, "Neutral": 1, "Entails": 2}) == (2, 0)


def test_model_without_entailment_is_a_clear_error():
    with pytest.raises(ModelError, match="entailment"):
        nli_indices({"LABEL_0": 0, "LABEL_1": 1}, "some/model")


def test_missing_contradiction_falls_back_like_the_pipeline():
    assert nli_indices({"entailment": 0, "not_entailment": 1}) == (0, -1)


def test_loaded_model_is_in_eval_mode_with_segment_ids(tiny_model):
    assert tiny_model.model.training is False
    assert tiny_model.use_segment_ids is True
    assert (tiny_model.entailment_index, tiny_model.contradiction_index) == (0, 2)


def test_missing_model_directory_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="does-not-exist"):
        load_model(str(tmp_path / "does-not-exist"))


class _Config:
    max_position_embeddings = 128


class _Tokenizer:
    model_max_length = int(1e30)  # what tokenizers report when they set no limit


def test_token_limit_ignores_an_unset_tokenizer_limit():
    assert model_max_tokens(_Tokenizer(), _Config()) == 128


# Measured on 3 seeds of the SMALL shape: largest difference 0.0010 (BERT-base shape: 0.0085).
INT8_TOLERANCE = 0.005


@pytest.fixture(scope="module")
def small_model_dir(tmp_path_factory):
    from bench.model_builder import SMALL, build_model

    return build_model(tmp_path_factory.mktemp("small-nli-model"), SMALL)


@pytest.mark.parametrize("multi_label", [False, True])
def test_int8_scores_stay_close_to_fp32(small_model_dir, multi_label):
    from core.config import Settings
    from core.inference import scoring
    from core.inference.request import build_request

    fp32 = load_model(str(small_model_dir))
    int8 = load_model(str(small_model_dir), quantize="int8")
    labels = ["旅行", "料理", "踊り", "音楽"]
    request = build_request(
        "京都でお番菜を食べた後に、日舞を見ます。", labels, Settings(), None, multi_label
    )
    a, b = scoring.classify(fp32, request), scoring.classify(int8, request)
    assert int8.quantized and not fp32.quantized
    for label in labels:
        assert b.score_of(label) == pytest.approx(a.score_of(label), abs=INT8_TOLERANCE)


def test_int8_replaces_linear_layers(small_model_dir):
    import torch

    int8 = load_model(str(small_model_dir), quantize="int8")
    assert not any(type(m) is torch.nn.Linear for m in int8.model.modules())

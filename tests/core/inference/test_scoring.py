from __future__ import annotations

import pytest

from core.config import LimitSettings, ModelSettings, Settings
from core.errors import InputError
from core.inference import scoring
from core.inference.request import build_request

LABELS = ["旅行", "料理", "踊り", "音楽"]
TEXT = "京都でお番菜を食べた後に、日舞を見ます。"
TEMPLATE = "この例は{}です。"
# Batched-with-padding and one-pair-at-a-time forward passes differ only by float rounding.
PIPELINE_TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def reference_pipeline(tiny_model):
    """transformers' own zero-shot pipeline on the same model, given segment ids as we give them."""
    from transformers import pipeline

    tokenizer = tiny_model.tokenizer.__class__.from_pretrained(tiny_model.tokenizer.name_or_path)
    tokenizer.model_input_names = ["input_ids", "token_type_ids", "attention_mask"]
    return pipeline("zero-shot-classification", model=tiny_model.model, tokenizer=tokenizer)


def _request(settings, **kwargs):
    params = {"text": TEXT, "labels": LABELS, "hypothesis_template": TEMPLATE} | kwargs
    return build_request(settings=settings, **params)


@pytest.mark.parametrize("multi_label", [False, True])
def test_scores_equal_the_pipelines(tiny_model, settings, reference_pipeline, multi_label):
    ours = scoring.classify(tiny_model, _request(settings, multi_label=multi_label))
    theirs = reference_pipeline(TEXT, LABELS, hypothesis_template=TEMPLATE, multi_label=multi_label)
    assert list(ours.labels) == theirs["labels"]
    assert ours.scores == pytest.approx(theirs["scores"], abs=PIPELINE_TOLERANCE)


def test_single_label_scores_sum_to_one(tiny_model, settings):
    result = scoring.classify(tiny_model, _request(settings))
    assert sum(result.scores) == pytest.approx(1.0, abs=1e-6)


def test_one_label_is_scored_as_multi_label_like_the_pipeline(
    tiny_model, settings, reference_pipeline
):
    result = scoring.classify(tiny_model, _request(settings, labels=["旅行"]))
    theirs = reference_pipeline(TEXT, ["旅行"], hypothesis_template=TEMPLATE)
    assert result.multi_label is True
    assert result.scores == pytest.approx(theirs["scores"], abs=PIPELINE_TOLERANCE)


def test_results_are_sorted_best_first(tiny_model, settings):
    result = scoring.classify(tiny_model, _request(settings))
    assert list(result.scores) == sorted(result.scores, reverse=True)
    assert sorted(result.labels) == sorted(LABELS)


def _encodings(loaded, request):
    """The padded tensors the model reads for `request`'s pairs."""
    return scoring.collate(loaded, scoring.encode(loaded, request).features)


def test_hypothesis_tokens_carry_segment_id_one(tiny_model, settings):
    encodings = _encodings(tiny_model, _request(settings, labels=["旅行"]))
    input_ids = encodings["input_ids"][0].tolist()
    segment_ids = encodings["token_type_ids"][0].tolist()
    first_sep = input_ids.index(tiny_model.tokenizer.sep_token_id)
    hypothesis_ids = tiny_model.tokenizer("この例は旅行です。", add_special_tokens=False)[
        "input_ids"
    ]
    assert segment_ids[: first_sep + 1] == [0] * (first_sep + 1)
    assert input_ids[first_sep + 1 : first_sep + 1 + len(hypothesis_ids)] == hypothesis_ids
    assert segment_ids[first_sep + 1 :] == [1] * (len(input_ids) - first_sep - 1)


def test_segment_ids_change_the_scores(tiny_model, settings):
    """Guards the transformers 5 trap: without segment ids a BERT NLI model scores differently."""
    request = _request(settings)
    with_ids = scoring.classify(tiny_model, request)
    tiny_model.use_segment_ids = False
    try:
        without_ids = scoring.classify(tiny_model, request)
    finally:
        tiny_model.use_segment_ids = True
    assert with_ids.scores != pytest.approx(without_ids.scores, abs=1e-4)


def test_long_text_is_truncated_and_the_result_says_so(tiny_model, settings):
    long_text = "京都に行こう。" * 400
    request = _request(settings, text=long_text)
    encodings = _encodings(tiny_model, request)
    result = scoring.classify(tiny_model, request)
    assert encodings["input_ids"].shape[1] == tiny_model.max_tokens
    assert result.truncated is True
    assert result.max_tokens == tiny_model.max_tokens


def test_truncation_keeps_the_whole_hypothesis(tiny_model, settings):
    encodings = _encodings(tiny_model, _request(settings, text="京都に行こう。" * 400))
    ids = encodings["input_ids"][0].tolist()
    hypothesis_ids = tiny_model.tokenizer("この例は旅行です。", add_special_tokens=False)[
        "input_ids"
    ]
    assert ids[-len(hypothesis_ids) - 1 : -1] == hypothesis_ids


def test_short_text_is_not_marked_truncated(tiny_model, settings):
    assert scoring.classify(tiny_model, _request(settings)).truncated is False


def test_hypothesis_longer_than_the_model_reads_is_refused(tiny_model, tiny_model_dir):
    roomy = Settings(
        model=ModelSettings(model_id=str(tiny_model_dir)),
        limits=LimitSettings(max_template_chars=5000),
    )
    request = build_request(TEXT, ["旅行"], roomy, "京都に行こう。" * 200 + "{}")
    with pytest.raises(InputError) as error:
        scoring.classify(tiny_model, request)
    assert error.value.key == "error.hypothesis_too_long"


def test_result_names_model_template_and_time(tiny_model, settings):
    result = scoring.classify(tiny_model, _request(settings, hypothesis_template="これは{}の話。"))
    assert result.model_id == tiny_model.model_id
    assert result.hypothesis_template == "これは{}の話。"
    assert result.elapsed_ms > 0

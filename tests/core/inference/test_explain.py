"""Why this label: word-level occlusion, checked against plain classifications by hand."""

from __future__ import annotations

import pytest

from core.config import LimitSettings
from core.errors import InputError
from core.inference.explain import split_words
from core.inference.service import ClassifierService
from tests.conftest import loaded

LABELS = ["旅行", "料理", "踊り"]
TEXT = "週末は京都で寺を巡って、湯豆腐を食べました。"
# Padding next to longer pairs changes float rounding only.
TOLERANCE = 1e-5


@pytest.fixture
def service(settings):
    with loaded(ClassifierService(settings)) as service:
        yield service


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "ＡＢＣとabcを比べる 半角 と　全角の空白",
        "今日は😀いい天気🌸ですね!!",
        "京都に行こう。" * 300,
    ],
    ids=["plain", "half-and-full-width", "emoji", "past-the-token-limit"],
)
def test_words_put_together_give_the_text_back(text):
    words = split_words(text)
    assert "".join(w.word for w in words) == text
    assert all(text[w.start : w.end] == w.word for w in words)
    assert [w.start for w in words[1:]] == [w.end for w in words[:-1]]


def test_a_text_past_the_token_limit_is_explained_word_for_word(settings):
    # A few words: each occluded text is a full pass of the model's token limit.
    capped = settings.model_copy(update=dict(limits=LimitSettings(explain_max_words=3)))
    text = "京都に行こう。" * 300
    with loaded(ClassifierService(capped)) as service:
        explanation = service.explain(text, LABELS)
    assert explanation.result.truncated
    assert all(text[w.start : w.end] == w.word for w in explanation.words)


@pytest.mark.parametrize("multi_label", [False, True], ids=["single", "multi"])
def test_each_effect_is_the_score_difference_of_two_plain_classifications(service, multi_label):
    explanation = service.explain(TEXT, LABELS, multi_label=multi_label)
    label = explanation.label
    assert label == explanation.result.top_label
    whole = service.classify(TEXT, LABELS, multi_label=multi_label).score_of(label)
    for word in explanation.words:
        without = TEXT[: word.start] + TEXT[word.end :]
        by_hand = whole - service.classify(without, LABELS, multi_label=multi_label).score_of(label)
        assert word.effect == pytest.approx(by_hand, abs=TOLERANCE)


def test_another_label_can_be_explained(service):
    explanation = service.explain(TEXT, LABELS, label="踊り")
    assert explanation.label == "踊り"


def test_a_label_not_in_the_request_is_refused(service):
    with pytest.raises(InputError) as refused:
        service.explain(TEXT, LABELS, label="音楽")
    assert refused.value.key == "error.explain_label"
    assert "音楽" in str(refused.value)


def test_words_past_the_cap_are_not_explained_and_the_cap_is_reported(settings):
    capped = settings.model_copy(update=dict(limits=LimitSettings(explain_max_words=3)))
    with loaded(ClassifierService(capped)) as service:
        explanation = service.explain(TEXT, LABELS)
    assert len(explanation.words) == 3
    assert explanation.capped
    assert explanation.total_words == len(split_words(TEXT))


def test_all_occluded_pairs_go_to_the_model_in_one_pass(settings, forward_passes):
    # One pass when the token bound allows it (MAX_BATCH_TOKENS cuts larger work into passes).
    wide = settings.model_copy(
        update=dict(batching=settings.batching.model_copy(update=dict(max_batch_tokens=1_000_000)))
    )
    with loaded(ClassifierService(wide)) as service:
        service.classify(TEXT, LABELS)
        explanation = service.explain(TEXT, LABELS)
    assert forward_passes[1:] == [len(explanation.words) * len(LABELS)]


def test_explain_is_counted_as_the_pairs_it_runs(settings):
    explanation_pairs = (len(split_words(TEXT)) + 1) * len(LABELS)
    with loaded(ClassifierService(settings)) as service:
        assert service.explain(TEXT, LABELS).result.computed_pairs == explanation_pairs


def _whole_tokens(service) -> int:
    from core.inference import scoring

    request = service.classify(TEXT, LABELS)
    loaded_model = service.model()
    hypotheses = [f"この例は{label}です。" for label in request.labels]
    return sum(
        len(p.features["input_ids"]) for p in scoring.encode_pairs(loaded_model, TEXT, hypotheses)
    )


def test_explain_explains_the_words_the_token_bound_allows_and_says_so(settings):
    with loaded(ClassifierService(settings)) as service:
        whole = _whole_tokens(service)
    tight = settings.model_copy(update=dict(limits=LimitSettings(max_request_tokens=whole * 4)))
    with loaded(ClassifierService(tight)) as service:
        explanation = service.explain(TEXT, LABELS)
    assert len(explanation.words) == 3  # (4 x whole - whole) / whole occluded texts
    assert explanation.capped


def test_explain_past_the_token_bound_is_refused_before_any_work(settings, forward_passes):
    with loaded(ClassifierService(settings)) as service:
        whole = _whole_tokens(service)
    tight = settings.model_copy(update=dict(limits=LimitSettings(max_request_tokens=whole * 2 - 1)))
    passes_before = len(forward_passes)
    with loaded(ClassifierService(tight)) as service, pytest.raises(InputError) as refused:
        service.explain(TEXT + "。", LABELS)
    assert refused.value.key == "error.too_much_work"
    assert len(forward_passes) == passes_before

"""The result cache in front of the shared service."""

from __future__ import annotations

from web import resources


def test_repeated_request_costs_no_model_work(ready_service):
    first = resources.classify("週末は温泉です。", ["旅行", "料理"], "この例は{}です。", False)
    runs = ready_service._batcher.batches_run
    again = resources.classify("週末は温泉です。", ["旅行", "料理"], "この例は{}です。", False)
    assert again == first
    assert ready_service._batcher.batches_run == runs


def test_a_different_mode_is_not_served_from_the_cache(ready_service):
    resources.classify("週末は山です。", ["旅行", "料理"], "この例は{}です。", False)
    runs = ready_service._batcher.batches_run
    resources.classify("週末は山です。", ["旅行", "料理"], "この例は{}です。", True)
    assert ready_service._batcher.batches_run == runs + 1

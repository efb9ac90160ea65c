"""Fixtures for the inference layer: counting the model's work instead of timing it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from core.inference import scoring
from core.inference.service import ClassifierService


@pytest.fixture
def forward_passes(monkeypatch) -> list[int]:
    """Records the pair count of every forward pass a service loaded from now on runs."""
    sizes: list[int] = []
    real_forward = scoring.forward

    def counting_forward(loaded, features):
        sizes.append(len(features))
        return real_forward(loaded, features)

    monkeypatch.setattr(scoring, "forward", counting_forward)
    return sizes


@contextmanager
def loaded(service: ClassifierService) -> Iterator[ClassifierService]:
    """`service` with its model loaded; shut down (no thread left) afterwards."""
    service.start_loading()
    assert service.wait_ready(60)
    try:
        yield service
    finally:
        service.shutdown()

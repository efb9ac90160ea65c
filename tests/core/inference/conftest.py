"""Fixtures for the inference layer: counting the model's work instead of timing it."""

from __future__ import annotations

import pytest

from core.inference import scoring


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

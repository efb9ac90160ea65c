"""Shared pieces of the benchmarks: the model they run on, inputs, and statistics."""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path

from bench.model_builder import BERT_BASE, ensure_model
from core.labels.defaults import DEFAULT_EXAMPLES

MODELS_DIR = Path(__file__).parent / ".models"
TEMPLATE = "この例は{}です。"
# Thirty everyday topics; the first 3 are the seed's labels.
LABEL_POOL = (
    "旅行", "料理", "踊り", "音楽", "政治", "経済", "天気", "映画", "科学", "健康",
    "スポーツ", "教育", "歴史", "芸術", "技術", "宗教", "環境", "医療", "法律", "文学",
    "ゲーム", "ファッション", "自動車", "動物", "家族", "仕事", "恋愛", "住宅", "宇宙", "農業",
)  # fmt: skip
TEXTS = DEFAULT_EXAMPLES


def bert_base_dir() -> Path:
    """The random-weight BERT-base-shaped model, built once and cached on disk."""
    return ensure_model(MODELS_DIR / "bert-base", BERT_BASE)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(seconds: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    return statistics.median(seconds) * 1000, percentile(seconds, 95) * 1000


def machine() -> str:
    import torch

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs visible, "
        f"Python {platform.python_version()}, torch {torch.__version__}"
    )

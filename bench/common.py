"""Shared pieces of the benchmarks: the model they run on, inputs, and statistics."""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path

import httpx

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
# Everyday sentences of 20-40 tokens, the length teammates' texts usually have.
SENTENCE_BODIES = (
    "京都の古いお寺を巡ったあと、川沿いの小さな店で湯豆腐を食べて、夜は旅館の温泉でゆっくり休みました。",
    "新しいスマートフォンは電池の持ちが良くなったが、カメラの性能は前の機種とあまり変わらないと感じた。",
    "市議会は来年度の予算案を可決し、保育園の増設と道路の補修に重点的に配分することを決めました。",
    "週末のサッカーの試合では、後半の終了間際に逆転のゴールが決まり、スタジアムは大歓声に包まれた。",
    "母に教わったレシピで、鶏肉と野菜をじっくり煮込んだカレーを作ったら、家族にとても好評でした。",
    "円安が続いているため、輸入品の価格が上がり、家計への負担が大きくなっていると専門家は指摘している。",
    "地元の祭りで子どもたちが伝統的な盆踊りを披露し、見物に来た観光客も一緒になって輪に加わった。",
    "昨夜から降り続いた大雨の影響で、一部の路線では電車の運転を見合わせ、駅は通勤客で混雑しました。",
    "主人公が過去の自分と向き合う物語で、映像の美しさと音楽の使い方が印象に残る映画だったと思う。",
    "定期健診で血圧が高めだと言われたので、毎朝の散歩と塩分を控えた食事を続けるようにしています。",
)
SENTENCE_OPENINGS = ("", "先週、", "友人の話では、", "今年の春、", "ニュースによると、")
# 50 distinct sentences: every body after every opening.
SENTENCES = tuple(opening + body for opening in SENTENCE_OPENINGS for body in SENTENCE_BODIES)
# Paragraphs of about 300 characters: six sentences each.
PARAGRAPHS = tuple(
    "".join(SENTENCE_BODIES[(start + i) % len(SENTENCE_BODIES)] for i in range(6))
    for start in range(len(SENTENCE_BODIES))
)


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


def client_from(index: int, timeout: float) -> httpx.Client:
    """An HTTP client for simulated client number `index`, from a loopback address of its own
    (127.0.1.x): the server shares its work per client address (MAX_CLIENT_REQUESTS, the
    micro-batcher's fair queue), and a benchmark's clients stand for different people."""
    address = f"127.0.1.{1 + index % 250}"
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)

"""The bulk command on local Ray (2 CPUs) with the tiny model: a corpus in, every row's scores
equal to /api/classify's, bad rows kept with their reason, a stopped run going on."""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd
import pytest
import ray

from core.bulk.__main__ import main
from core.bulk.job import BulkArgs, run
from core.errors import InputError
from core.exploration.thresholds import Thresholds
from core.labels.measurements import Measurement
from core.labels.store import SavedSet
from tests.web.http.conftest import client_for
from web import resources
from web.http.classify import CLASSIFY_PATH

ROWS = 500
PART_ROWS = 100
EMPTY_ROW, LONG_ROW = 7, 301
PLACES = ["京都", "大阪", "札幌", "那覇", "金沢"]
DOINGS = ["で寺を巡った", "でラーメンを食べた", "の祭りで踊った", "へ旅行に行こう", "で料理を習う"]
# Saved from an experiment: 旅行 scores the best of two wordings.
SAVED_LABELS = ("旅行=旅行|観光", "料理", "踊り")
TEMPLATE = "この文は{}の話です。"
# Measured for the saved version: below this top score the answer is "none of these".
MIN_TOP_SCORE = 0.45


def _corpus(rows: int) -> pd.DataFrame:
    texts = [
        f"{PLACES[i % 5]}{DOINGS[(i // 5) % 5]}。" + "とても" * (i % 7) + "楽しかった"
        for i in range(rows)
    ]
    if rows > LONG_ROW:
        texts[EMPTY_ROW] = ""
        texts[LONG_ROW] = "あ" * 5001  # over MAX_TEXT_CHARS
    # The text column in the middle: the columns around it must keep their places.
    return pd.DataFrame({"id": range(rows), "本文": texts, "score": [i * 0.5 for i in range(rows)]})


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def saved_set(ready_service) -> str:
    name = f"bulk-{uuid.uuid4().hex[:8]}"
    saved = resources.get_store().save(SavedSet(name, SAVED_LABELS, TEMPLATE))
    thresholds = Thresholds(multi_label=False, min_top_score=MIN_TOP_SCORE)
    measured = Measurement(
        rows=45, rows_hash="h", multi_label=False, metrics={}, thresholds=thresholds
    )
    resources.get_measurements().put(name, saved.version, measured)
    return name


@pytest.fixture(scope="module")
def corpus_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bulk-in") / "tickets.csv"
    _corpus(ROWS).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def classified(local_ray, ready_service, saved_set, corpus_csv, tmp_path_factory):
    """The 500-row CSV classified by the saved set into Parquet parts."""
    output = tmp_path_factory.mktemp("bulk-out") / "tickets.parquet"
    args = BulkArgs(str(corpus_csv), str(output), label_set=saved_set, part_rows=PART_ROWS)
    summary = run(args, ready_service.settings, say=lambda line: None)
    return summary, pd.read_parquet(output)


def test_every_input_column_is_kept_in_order_then_the_results(classified):
    _, table = classified
    results = ["top_label", "旅行", "料理", "踊り", "abstained", "error"]
    assert list(table.columns) == ["id", "本文", "score", *results]
    assert table["id"].tolist() == list(range(ROWS))
    expected = _corpus(ROWS)
    assert table["本文"].fillna("").tolist() == expected["本文"].tolist()
    assert table["score"].tolist() == expected["score"].tolist()


def test_every_rows_scores_equal_the_apis_for_the_saved_set(classified, ready_service, saved_set):
    _, table = classified
    # The set's thresholds apply: some rows abstain, others not (else the check below is idle).
    assert 0 < table["abstained"].sum() < table["abstained"].count()
    good = table[table["error"].isna()]
    client = client_for(ready_service.settings)
    for start in range(0, len(good), 64):
        chunk = good.iloc[start : start + 64]
        body = {"text": chunk["本文"].tolist(), "label_set": saved_set}
        answers = client.post(CLASSIFY_PATH, json=body).json()
        for (_, row), answer in zip(chunk.iterrows(), answers, strict=True):
            assert row["top_label"] == answer["labels"][0]
            assert row["abstained"] == answer["abstained"]
            for label, score in zip(answer["labels"], answer["scores"], strict=True):
                assert row[label] == pytest.approx(score, abs=1e-6)


def test_a_row_that_cannot_be_classified_says_why_and_the_others_go_on(classified, ready_service):
    summary, table = classified
    client = client_for(ready_service.settings)
    for index in (EMPTY_ROW, LONG_ROW):
        row = table.iloc[index]
        text = "" if pd.isna(row["本文"]) else row["本文"]
        refusal = client.post(CLASSIFY_PATH, json={"text": text, "labels": ["旅行"]}).json()
        assert row["error"] == refusal["error"]
        assert row["top_label"] == ""
        assert pd.isna(row["旅行"])
    assert table["error"].notna().sum() == summary.failures == 2
    assert summary.rows == ROWS


def test_the_plan_and_summary_count_rows_and_pairs(classified):
    summary, _ = classified
    plan = summary.plan
    # 旅行 has two wordings: four hypotheses per row.
    assert (plan.rows, plan.pending_rows, plan.pairs) == (ROWS, ROWS, ROWS * 4)
    assert plan.sample_rows_per_second > 0 and plan.estimated_seconds > 0
    assert (summary.parts_written, summary.parts_skipped) == (ROWS // PART_ROWS, 0)


def test_dry_run_prints_the_plan_and_writes_nothing(
    local_ray, ready_service, saved_set, corpus_csv, tmp_path, capsys
):
    output = tmp_path / "never.parquet"
    code = main(["classify", str(corpus_csv), str(output), "--label-set", saved_set, "--dry-run"])
    assert code == 0
    printed = capsys.readouterr().out
    assert f"plan: {ROWS:,} rows" in printed
    assert f"{ROWS * 4:,} pairs" in printed
    assert not output.exists()


class Stop(KeyboardInterrupt):
    """Ctrl-C, pressed once a number of parts are written."""


def test_a_stopped_run_goes_on_without_redoing_finished_parts(local_ray, ready_service, tmp_path):
    source = tmp_path / "small.jsonl"
    _corpus(60).to_json(source, orient="records", lines=True, force_ascii=False)
    output = tmp_path / "small.csv"
    args = BulkArgs(str(source), str(output), labels=("旅行", "料理"), part_rows=15, actors=1)
    written: list[int] = []

    def stop_after_two(part: int) -> None:
        written.append(part)
        if len(written) == 2:
            raise Stop

    with pytest.raises(Stop):
        run(args, ready_service.settings, on_part_written=stop_after_two, say=lambda _: None)
    first = {part: (output / f"part-{part:05d}.csv").stat() for part in written}

    summary = run(args, ready_service.settings, say=lambda _: None)
    assert (summary.parts_skipped, summary.parts_written, summary.rows) == (2, 2, 30)
    for part, stat in first.items():
        again = (output / f"part-{part:05d}.csv").stat()
        assert (again.st_ino, again.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    parts = sorted(output.glob("part-*.csv"))
    table = pd.concat([pd.read_csv(part, encoding="utf-8-sig") for part in parts])
    assert table["id"].tolist() == list(range(60))

    other = BulkArgs(str(source), str(output), labels=("旅行", "踊り"), part_rows=15, actors=1)
    with pytest.raises(InputError) as refused:
        run(other, ready_service.settings, say=lambda _: None)
    assert refused.value.key == "bulk.other_run"
    assert "labels" in refused.value.params["changed"]

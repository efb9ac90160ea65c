"""Saved sets with what was measured about them over HTTP: thresholds fitted from rows, "none"
(abstained) answered by name, the version named, a tuned set's adapter served and downloaded."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile

import pytest

from bench.model_builder import random_adapter
from core.config import Settings
from core.exploration import tuning_jobs
from core.exploration.thresholds import Thresholds
from core.inference.adapters import AdapterRef
from core.labels.measurements import Measurement
from web import resources
from web.http.bodies import request_bodies
from web.http.label_sets import LABEL_SETS_PATH

CLASSIFY_PATH = "/api/classify"

LABELS = ["旅行", "料理", "踊り"]
TEXT = "そうだ京都に行こう!"


@pytest.fixture
def name(open_client) -> str:
    name = f"測定-{uuid.uuid4().hex[:8]}"
    body = {"labels": LABELS, "hypothesis_template": "この例は{}です。"}
    created = open_client.put(
        f"{LABEL_SETS_PATH}/{name}", json=body, headers={"If-None-Match": "*"}
    )
    assert created.status_code == 201
    return name


def _measure(name: str, thresholds: Thresholds, digest: str | None = None) -> None:
    measured = Measurement(
        2, "h" * 64, thresholds.multi_label, {}, thresholds, adapter_digest=digest
    )
    resources.get_measurements().put(name, 1, measured)


def test_fitted_thresholds_are_kept_with_the_version_and_shown(open_client, name):
    rows = [
        {"text": "京都を旅行しました。", "expected": ["旅行"]},
        {"text": "カレーを作りました。", "expected": ["料理"]},
        {"text": "明日は晴れるでしょう。", "expected": ["該当なし"]},
    ]
    fitted = open_client.post(f"{LABEL_SETS_PATH}/{name}/thresholds", json={"rows": rows})
    assert fitted.status_code == 200, fitted.text
    body = fitted.json()
    assert body["rows"] == 3 and len(body["rows_hash"]) == 64
    assert {item["label"] for item in body["metrics"]["per_label"]} == set(LABELS)
    shown = open_client.get(f"{LABEL_SETS_PATH}/{name}").json()["measurement"]
    assert shown["thresholds"] == body["thresholds"]


def test_thresholds_are_fitted_only_on_the_version_read_when_it_is_named(open_client, name):
    rows = [{"text": "京都を旅行しました。", "expected": ["旅行"]}]
    path = f"{LABEL_SETS_PATH}/{name}/thresholds"
    stale = open_client.post(path, json={"rows": rows}, headers={"If-Match": '"99"'})
    assert stale.status_code == 412
    assert stale.json()["code"] == "store.changed_elsewhere"
    assert resources.get_measurements().get(name, 1) is None  # nothing kept
    read = open_client.get(f"{LABEL_SETS_PATH}/{name}").headers["ETag"]
    fitted = open_client.post(path, json={"rows": rows}, headers={"If-Match": read})
    assert fitted.status_code == 200


def test_fitting_thresholds_is_one_request_bounded_by_its_tokens(open_client, name):
    limit = resources.get_settings().limits.max_request_tokens
    # Distinct long texts: each row's three pairs are new, far past one request's bound.
    long = "京都の寺を巡り、湯豆腐を食べ、夜は鴨川を歩きました。" * 8
    rows = [{"text": f"{long}{i}", "expected": ["旅行"]} for i in range(60)]
    refused = open_client.post(f"{LABEL_SETS_PATH}/{name}/thresholds", json={"rows": rows})
    assert refused.status_code == 400
    assert refused.json()["code"] == "error.too_much_work"
    assert f"{limit}" in refused.json()["error"]
    assert resources.get_measurements().get(name, 1) is None  # nothing kept


def test_a_text_below_the_minimum_top_score_is_none_with_labels_and_scores_kept(open_client, name):
    _measure(name, Thresholds(False, min_top_score=0.999))
    answer = open_client.post(CLASSIFY_PATH, json={"text": TEXT, "label_set": name}).json()
    plain = open_client.post(CLASSIFY_PATH, json={"text": TEXT, "labels": LABELS}).json()
    assert answer["abstained"] is True and answer["predicted"] == []
    assert answer["threshold"] == {"kind": "min_top_score", "value": 0.999}
    assert answer["label_set"] == {"name": name, "version": 1, "tuned": False, "thresholds": True}
    assert (answer["labels"], answer["scores"]) == (plain["labels"], plain["scores"])
    assert "abstained" not in plain


def test_thresholds_of_the_other_mode_are_not_applied(open_client, name):
    _measure(name, Thresholds(False, min_top_score=0.999))
    body = {"text": TEXT, "label_set": name, "multi_label": True}
    answer = open_client.post(CLASSIFY_PATH, json=body).json()
    assert "abstained" not in answer and answer["label_set"]["thresholds"] is False


def test_a_tuned_set_is_served_by_name_through_its_adapter_and_downloaded(
    open_client, name, tiny_model_dir
):
    data = random_adapter(tiny_model_dir)
    digest = hashlib.sha256(data).hexdigest()
    resources.get_measurements().put_adapter(name, 1, digest, data, {})
    _measure(name, Thresholds(False), digest)
    answer = open_client.post(CLASSIFY_PATH, json={"text": TEXT, "label_set": name}).json()
    direct = resources.get_service().classify(
        TEXT, LABELS, adapter=AdapterRef(digest, lambda: data)
    )
    assert answer["label_set"]["tuned"] is True
    assert answer["scores"] == list(direct.scores) and answer["labels"] == list(direct.labels)
    download = open_client.get(f"{LABEL_SETS_PATH}/{name}/adapter")
    assert download.status_code == 200 and download.content == data
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert {"adapter_config.json", "adapter_model.safetensors"} <= set(names)


def test_a_set_without_adapter_has_nothing_to_download(open_client, name):
    missing = open_client.get(f"{LABEL_SETS_PATH}/{name}/adapter")
    assert missing.status_code == 404 and missing.json()["code"] == "tuning.adapter_missing"


def test_tuning_routes_are_in_the_openapi_document(open_client):
    paths = open_client.get("/api/openapi.json").json()["paths"]
    assert "post" in paths[LABEL_SETS_PATH + "/{name}/tuning"]
    assert {"get", "delete"} <= set(paths[LABEL_SETS_PATH + "/{name}/tuning/{job}"])
    assert "post" in paths[LABEL_SETS_PATH + "/{name}/thresholds"]


def test_a_tuning_job_started_over_http_is_polled_to_its_report(open_client, name):
    rows = [
        {"text": f"{opening}{label}の話です。", "expected": [label]}
        for opening in ("今日は", "昨日は", "友達と")
        for label in LABELS
    ]
    started = open_client.post(f"{LABEL_SETS_PATH}/{name}/tuning", json={"rows": rows, "epochs": 1})
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["label_set"], job["version"], job["status"]) == (name, 1, "running")
    assert tuning_jobs.wait(job["id"], timeout=120)
    done = open_client.get(f"{LABEL_SETS_PATH}/{name}/tuning/{job['id']}").json()
    assert done["status"] == "done" and done["done"] == done["total"] > 0
    report = done["report"]
    assert report["held_out_rows"] == len(rows) and report["method"] == "k-fold"
    assert {"zero_shot", "tuned", "thresholds"} <= set(report)
    assert done["attached"] == report["beats_zero_shot"]
    shown = open_client.get(f"{LABEL_SETS_PATH}/{name}").json().get("measurement")
    assert (shown is not None and shown["adapter_digest"] is not None) == done["attached"]


def test_an_unknown_tuning_job_is_404(open_client, name):
    missing = open_client.get(f"{LABEL_SETS_PATH}/{name}/tuning/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "error.unknown_tuning_job"


@pytest.mark.parametrize("route", ["thresholds", "tuning"])
def test_rows_expecting_a_label_the_set_lacks_conflict_with_the_set(open_client, name, route):
    rows = [{"text": "京都を旅行しました。", "expected": ["天気"]}]
    refused = open_client.post(f"{LABEL_SETS_PATH}/{name}/{route}", json={"rows": rows})
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "eval.unknown_label" and "天気" in refused.json()["error"]


def test_too_few_rows_for_a_label_of_the_set_are_refused_before_any_job(open_client, name):
    rows = [{"text": f"{label}の話です。", "expected": [label]} for label in LABELS]
    refused = open_client.post(f"{LABEL_SETS_PATH}/{name}/tuning", json={"rows": rows})
    assert refused.status_code == 409 and refused.json()["code"] == "tuning.too_few_rows"
    assert tuning_jobs.running_here() is None


@pytest.mark.parametrize(
    ("given", "accepted"), [(2.0, True), (2, True), (2.5, False), (True, False), ("2", False)]
)
def test_tuning_integers_are_read_as_the_document_types_them(given, accepted):
    tuning = request_bodies(Settings()).tuning
    body = {"rows": [{"text": "京都を旅行しました。"}], "epochs": given, "seed": given}
    if accepted:
        read = tuning.model_validate(body)
        assert (read.epochs, read.seed) == (2, 2) and type(read.epochs) is int
    else:
        with pytest.raises(ValueError):
            tuning.model_validate(body)


def test_a_seed_past_what_torch_and_numpy_take_is_refused_in_the_document(open_client, name):
    schema = open_client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schema["TuningBody"]["properties"]["seed"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 2**32 - 1,
        "default": 0,
        "title": "Seed",
    }
    rows = [{"text": "京都を旅行しました。", "expected": ["旅行"]}]
    refused = open_client.post(
        f"{LABEL_SETS_PATH}/{name}/tuning", json={"rows": rows, "seed": 2**32}
    )
    assert refused.status_code == 400 and refused.json()["code"] == "error.bad_request"

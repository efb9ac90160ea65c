"""The JSON API in-process: every kind of bad input gets a clear answer, and the server goes on."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from core.config import BatchingSettings, ModelSettings, Settings
from core.inference import scoring
from core.inference.service import ClassifierService
from tests.conftest import loaded
from tests.web.http.conftest import client_for
from web.http.body_limit import MAX_BODY_BYTES
from web.http.classify import CLASSIFY_PATH
from web.http.request_log import LOGGER_NAME

GOOD = {"text": "そうだ京都に行こう!", "labels": ["旅行", "料理", "踊り"]}

# (case id, raw body or JSON object, expected status, expected error code or None)
BAD_INPUT = [
    ("not json", b"{text: oops", 400, "error.bad_request"),
    ("binary body", bytes(range(256)), 400, "error.bad_request"),
    ("json array", [GOOD], 400, "error.bad_request"),
    ("labels a string", {**GOOD, "labels": "旅行"}, 400, "error.bad_request"),
    ("labels of numbers", {**GOOD, "labels": [1, 2]}, 400, "error.label_not_text"),
    ("template a number", {**GOOD, "hypothesis_template": 3}, 400, "error.bad_request"),
    ("multi_label a string", {**GOOD, "multi_label": "yes"}, 400, "error.bad_request"),
    ("text missing", {"labels": GOOD["labels"]}, 400, "error.empty_text"),
    ("text empty", {**GOOD, "text": ""}, 400, "error.empty_text"),
    ("text whitespace", {**GOOD, "text": " \n\u3000\t"}, 400, "error.empty_text"),
    ("text 10,000 chars", {**GOOD, "text": "あ" * 10_000}, 400, "error.text_too_long"),
    ("text 100,000 chars", {**GOOD, "text": "a" * 100_000}, 413, "error.body_too_large"),
    ("no labels", {**GOOD, "labels": []}, 400, "error.no_labels"),
    ("500 labels", {**GOOD, "labels": [f"L{i}" for i in range(500)]}, 400, "error.too_many_labels"),
    ("10,000-char label", {**GOOD, "labels": ["あ" * 10_000]}, 400, "error.label_too_long"),
    ("template without {}", {**GOOD, "hypothesis_template": "これは例"}, 400, None),
    ("template with two {}", {**GOOD, "hypothesis_template": "{}と{}"}, 400, None),
    ("template attribute access", {**GOOD, "hypothesis_template": "{0.__class__}"}, 400, None),
    ("body over the limit", b" " * (MAX_BODY_BYTES + 1), 413, "error.body_too_large"),
]


def _post(client, body):
    if isinstance(body, bytes):
        return client.post(
            CLASSIFY_PATH, content=body, headers={"content-type": "application/json"}
        )
    return client.post(CLASSIFY_PATH, json=body)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_gets_a_clear_error_and_the_server_goes_on(open_client, body, status, code):
    response = _post(open_client, body)
    assert response.status_code == status
    data = response.json()
    assert data["error"]
    assert "Traceback" not in data["error"]
    if code:
        assert data["code"] == code
    assert _post(open_client, GOOD).status_code == 200


def test_english_clients_get_english_errors(open_client):
    response = open_client.post(
        CLASSIFY_PATH, json={**GOOD, "labels": []}, headers={"accept-language": "en-US"}
    )
    assert response.json()["error"].isascii()


def test_duplicate_labels_are_dropped_in_order(open_client):
    response = _post(open_client, {**GOOD, "labels": ["料理", "旅行", "料理"]})
    assert response.status_code == 200
    assert sorted(response.json()["labels"]) == ["料理", "旅行"]


def test_html_in_text_and_labels_comes_back_as_json_strings(open_client):
    script = "<script>alert(1)</script>"
    response = _post(open_client, {"text": script + "京都", "labels": [script, "<b>料理</b>"]})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()["labels"]) == {script, "<b>料理</b>"}


def test_a_crash_inside_one_request_is_a_500_and_others_go_on(
    open_client, ready_service, monkeypatch
):
    real = ready_service.classify

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ready_service, "classify", broken)
    response = _post(open_client, GOOD)
    assert response.status_code == 500
    assert response.json()["code"] == "error.internal"
    assert "boom" not in response.json()["error"]
    assert response.headers["x-request-id"] in response.json()["error"]
    monkeypatch.setattr(ready_service, "classify", real)
    assert _post(open_client, GOOD).status_code == 200


def test_each_request_logs_one_json_line_without_the_text(open_client, caplog):
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(caplog.handler)
    try:
        response = _post(open_client, {**GOOD, "text": "秘密の文章です"})
    finally:
        logger.removeHandler(caplog.handler)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["route"] == CLASSIFY_PATH
    assert line["status"] == 200
    assert line["labels"] == 3
    assert line["latency_ms"] >= 0
    assert "秘密" not in caplog.text


def test_a_well_formed_client_request_id_is_kept(open_client):
    response = open_client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


def test_a_forged_request_id_is_replaced(open_client):
    response = open_client.get("/healthz", headers={"x-request-id": 'x"\n{"status":200}'})
    assert response.headers["x-request-id"] != 'x"\n{"status":200}'
    assert response.headers["x-request-id"].isalnum()


def _service_client(use_service, service):
    from tests.web.http.conftest import client_for

    use_service(service)
    return client_for(service.settings)


def test_while_the_model_loads_the_api_answers_503_with_retry_after(use_service, settings):
    import threading

    from core.inference.service import ClassifierService

    gate = threading.Event()
    service = ClassifierService(
        settings.model_copy(
            update=dict(model=settings.model.model_copy(update=dict(ready_wait_seconds=0)))
        ),
        loader=lambda s: gate.wait() and None,
    )
    service.start_loading()
    client = _service_client(use_service, service)
    try:
        # A text never asked before: the result cache must not answer for the model.
        response = _post(client, {**GOOD, "text": "読み込み中に届いた文です。"})
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) > 0
        assert client.get("/healthz").json()["model"]["state"] == "loading"
    finally:
        gate.set()


def test_a_corrupt_model_directory_shows_on_healthz_and_a_retry_recovers(
    use_service, tmp_path, tiny_model_dir
):
    import shutil

    from core.config import ModelSettings, Settings
    from core.inference.service import ClassifierService

    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{ corrupt", encoding="utf-8")
    service = ClassifierService(
        Settings(model=ModelSettings(model_id=str(model_dir), num_threads=1))
    )
    client = _service_client(use_service, service)
    service.start_loading()
    assert not service.wait_ready(30)
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["model"]["state"] == "error"
    assert health.json()["model"]["error"]
    assert client.get("/readyz").status_code == 503
    assert _post(client, GOOD).status_code == 503

    shutil.rmtree(model_dir)
    shutil.copytree(tiny_model_dir, model_dir)
    assert service.start_loading()
    assert service.wait_ready(30)
    assert client.get("/readyz").status_code == 200
    assert _post(client, GOOD).status_code == 200


def _corrupt_model_dir(tmp_path):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{ corrupt", encoding="utf-8")
    return model_dir


def _service_for(model_dir, **model):
    from core.config import ModelSettings, Settings
    from core.inference.service import ClassifierService

    options = {"num_threads": 1, "load_retry_seconds": 0.0, "load_retry_max_seconds": 0.0}
    return ClassifierService(
        Settings(model=ModelSettings(model_id=str(model_dir), **{**options, **model}))
    )


def test_a_model_folder_restored_after_a_failed_start_is_picked_up_without_a_restart(
    use_service, tmp_path, tiny_model_dir
):
    import shutil

    model_dir = _corrupt_model_dir(tmp_path)
    # A slow retry: the API request itself must bring the model back.
    service = _service_for(model_dir, load_retry_seconds=3600.0, load_retry_max_seconds=3600.0)
    client = _service_client(use_service, service)
    service.start_loading()
    assert not service.wait_ready(30)
    shutil.rmtree(model_dir)
    shutil.copytree(tiny_model_dir, model_dir)
    assert _post(client, GOOD).status_code == 200
    assert client.get("/readyz").status_code == 200
    service.shutdown()


def test_a_permanently_broken_model_turns_healthz_unhealthy(use_service, tmp_path):
    model_dir = _corrupt_model_dir(tmp_path)
    # No scheduled retries: the test makes each try itself and waits for it to fail.
    service = _service_for(
        model_dir,
        unhealthy_after_failures=3,
        load_retry_seconds=3600.0,
        load_retry_max_seconds=3600.0,
    )
    client = _service_client(use_service, service)
    assert client.get("/healthz").status_code == 200
    for tries in range(1, 4):
        service.start_loading()
        service.wait_ready(30)
        assert service.status().failed_loads == tries
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "unhealthy"
    service.shutdown()


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (
            "/_stcore/upload_file/3f2a9c1e-session/9d8e7f-file",
            "/_stcore/upload_file/<session>/<file>",
        ),
        ("/_stcore/upload_file/3f2a9c1e-session", "/_stcore/upload_file/<session>/<file>"),
        ("/media/0a1b2c3d4e5f.csv", "/media/<file>"),
        ("/api/classify", "/api/classify"),
    ],
)
def test_logged_routes_never_carry_a_session_id_or_a_media_name(path, logged):
    from web.http.request_log import loggable_route

    assert loggable_route(path) == logged


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/api/label-sets/秘密の名前", "/api/label-sets/{name}"),
        ("/api/" + "A" * 60_000, "/api/" + "A" * 195 + "…"),
    ],
    ids=["a set's name", "a 60 KB path"],
)
def test_a_logged_route_names_its_template_and_never_grows_with_the_path(
    open_client, caplog, path, logged
):
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(caplog.handler)
    try:
        answer = open_client.get(path)
    finally:
        logger.removeHandler(caplog.handler)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
    assert [line["route"] for line in lines] == [logged]
    assert len(answer.content) < 1000


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"parameters": {"candidate_labels": ["旅行"]}}, 422),
        ({"inputs": "京都", "parameters": {}}, 422),
        ({"inputs": 3, "parameters": {"candidate_labels": ["旅行"]}}, 422),
        ({"inputs": "", "parameters": {"candidate_labels": ["旅行"]}}, 400),
        ({"inputs": "京都", "parameters": {"candidate_labels": []}}, 400),
        ({"inputs": "a" * 100_000, "parameters": {"candidate_labels": ["旅行"]}}, 413),
    ],
    ids=["no inputs", "no labels", "inputs a number", "empty text", "empty labels", "huge"],
)
def test_hf_protocol_refusals_say_why(open_client, body, status):
    response = open_client.post("/api/hf", json=body)
    assert response.status_code == status
    assert response.json()["error"]


def test_hf_protocol_answers_503_at_once_while_loading_unless_asked_to_wait(use_service, settings):
    import threading

    from core.inference.model_loading import load_from_settings
    from core.inference.service import ClassifierService

    gate = threading.Event()

    def gated(s):
        gate.wait()
        return load_from_settings(s)

    patient = settings.model_copy(
        update=dict(model=settings.model.model_copy(update=dict(ready_wait_seconds=60)))
    )
    service = ClassifierService(patient, loader=gated)
    service.start_loading()
    client = _service_client(use_service, service)
    body = {"inputs": "京都に行く。", "parameters": {"candidate_labels": ["旅行", "料理"]}}
    try:
        at_once = client.post("/api/hf", json=body)
        assert at_once.status_code == 503
        assert at_once.headers["retry-after"]
        answers = []
        waiting = threading.Thread(
            target=lambda: answers.append(
                client.post("/api/hf", json=body, headers={"x-wait-for-model": "true"})
            )
        )
        waiting.start()
        gate.set()
        waiting.join(60)
        assert answers[0].status_code == 200
    finally:
        gate.set()
        service.shutdown()


def test_too_many_texts_in_one_request_are_refused(open_client, ready_service):
    limit = ready_service.settings.limits.max_texts
    response = _post(open_client, {**GOOD, "text": ["京都"] * (limit + 1)})
    assert response.status_code == 400
    assert response.json()["code"] == "error.too_many_texts"


@pytest.fixture
def held_model(monkeypatch):
    """Once armed, a forward pass waits for `release`: the queue fills behind a slow model."""
    armed, running, release = threading.Event(), threading.Event(), threading.Event()
    real_forward = scoring.forward

    def held_forward(loaded_model, features):
        if armed.is_set():
            running.set()
            release.wait()
        return real_forward(loaded_model, features)

    monkeypatch.setattr(scoring, "forward", held_forward)
    yield armed, running, release
    release.set()


def test_a_full_queue_answers_busy_with_retry_after_then_serves_again(
    tiny_model_dir, held_model, use_service
):
    armed, running, release = held_model
    settings = Settings(
        model=ModelSettings(model_id=str(tiny_model_dir), num_threads=1),
        batching=BatchingSettings(max_queue_pairs=len(GOOD["labels"])),
    )
    with loaded(ClassifierService(settings)) as service:
        use_service(service)
        client = client_for(settings)
        armed.set()
        first = threading.Thread(target=client.post, args=(CLASSIFY_PATH,), kwargs={"json": GOOD})
        first.start()
        assert running.wait(60)
        busy = client.post(CLASSIFY_PATH, json={**GOOD, "text": "別の文です。"})
        release.set()
        first.join()
        assert busy.status_code == 503
        assert int(busy.headers["retry-after"]) > 0
        assert busy.json()["code"] == "model.busy"
        assert client.post(CLASSIFY_PATH, json={**GOOD, "text": "別の文です。"}).status_code == 200


def test_explain_adds_each_words_effect_on_the_top_label(open_client):
    answer = open_client.post(CLASSIFY_PATH, json={**GOOD, "explain": True}).json()
    explanation = answer["explanation"]
    assert explanation["label"] == answer["labels"][0]
    words = explanation["words"]
    assert "".join(w["word"] for w in words) == answer["sequence"]
    assert all(answer["sequence"][w["start"] : w["end"]] == w["word"] for w in words)
    assert all(isinstance(w["effect"], float) for w in words)
    assert explanation["capped"] is False


def test_explain_label_picks_another_label(open_client):
    body = {**GOOD, "explain": True, "explain_label": "踊り"}
    assert open_client.post(CLASSIFY_PATH, json=body).json()["explanation"]["label"] == "踊り"


def test_explaining_a_label_not_in_the_request_is_a_clear_400(open_client):
    body = {**GOOD, "explain": True, "explain_label": "音楽"}
    refused = open_client.post(CLASSIFY_PATH, json=body)
    assert refused.status_code == 400
    assert refused.json()["code"] == "error.explain_label"
    assert "音楽" in refused.json()["error"]


def test_explain_with_a_list_of_texts_is_a_clear_400(open_client):
    body = {**GOOD, "text": [GOOD["text"], "別の文です。"], "explain": True}
    refused = open_client.post(CLASSIFY_PATH, json=body)
    assert refused.status_code == 400
    assert refused.json()["code"] == "error.explain_one_text"


def test_without_explain_there_is_no_explanation(open_client):
    assert "explanation" not in open_client.post(CLASSIFY_PATH, json=GOOD).json()


def _scores(answer) -> dict[str, float]:
    return dict(zip(answer["labels"], answer["scores"], strict=True))


def test_wordings_score_each_label_the_best_of_its_wordings(open_client):
    body = {**GOOD, "wordings": {"旅行": ["旅行", "観光", "旅"]}}
    with_wordings = _scores(open_client.post(CLASSIFY_PATH, json=body).json())
    plain = _scores(
        open_client.post(
            CLASSIFY_PATH, json={**GOOD, "labels": ["旅行", "観光", "旅", "料理", "踊り"]}
        ).json()
    )
    best = max(plain["旅行"], plain["観光"], plain["旅"])
    # Single-label: the best wording, then shared out across the labels to sum to 1.
    shared = best + plain["料理"] + plain["踊り"]
    assert with_wordings["旅行"] == pytest.approx(best / shared, abs=1e-5)
    assert set(with_wordings) == set(GOOD["labels"])


def test_content_free_calibration_divides_out_an_empty_texts_scores(open_client):
    calibrated = _scores(
        open_client.post(CLASSIFY_PATH, json={**GOOD, "calibration": "content_free"}).json()
    )
    plain = _scores(open_client.post(CLASSIFY_PATH, json=GOOD).json())
    free = _scores(open_client.post(CLASSIFY_PATH, json={**GOOD, "text": "N/A"}).json())
    divided = {k: plain[k] / free[k] for k in plain}
    total = sum(divided.values())
    assert calibrated == pytest.approx({k: v / total for k, v in divided.items()}, abs=1e-5)


def test_batch_calibration_of_one_text_is_a_clear_400(open_client):
    refused = open_client.post(CLASSIFY_PATH, json={**GOOD, "calibration": "batch"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "experiment.batch_needs_texts"


def test_batch_calibration_over_a_list_answers_each_text(open_client):
    body = {**GOOD, "text": [GOOD["text"], "ラーメンが好きです。"], "calibration": "batch"}
    answers = open_client.post(CLASSIFY_PATH, json=body).json()
    assert [a["sequence"] for a in answers] == body["text"]


def test_explain_with_options_is_a_clear_400(open_client):
    body = {**GOOD, "explain": True, "calibration": "content_free"}
    assert open_client.post(CLASSIFY_PATH, json=body).json()["code"] == "error.explain_with_options"


def test_an_unknown_calibration_is_a_clear_400(open_client):
    refused = open_client.post(CLASSIFY_PATH, json={**GOOD, "calibration": "magic"})
    assert refused.status_code == 400


def test_labels_the_model_cannot_tell_apart_are_one_label(open_client):
    # NFKC (the tokenizer's own normalisation) makes half-width ﾃﾆｽ and ＴＶ read as テニス and TV.
    labels = ["テニス", "ﾃﾆｽ", "ＴＶ", "TV", "旅\u3000行", "旅 行"]
    response = _post(open_client, {**GOOD, "labels": labels})
    assert response.status_code == 200
    assert sorted(response.json()["labels"]) == sorted(["テニス", "ＴＶ", "旅\u3000行"])
    assert response.json()["dropped_labels"] == ["ﾃﾆｽ", "TV", "旅 行"]


def test_duplicate_labels_count_toward_the_label_limit(open_client, ready_service):
    limit = ready_service.settings.limits.max_labels
    response = _post(open_client, {**GOOD, "labels": ["旅行"] * (limit + 1)})
    assert response.status_code == 400
    assert response.json()["code"] == "error.too_many_labels"


def test_work_past_the_request_token_bound_is_refused_with_the_limit(open_client, ready_service):
    limit = ready_service.settings.limits.max_request_tokens
    long_text = "京都の古いお寺を巡りました。" * 300  # cut to the model's limit: one full pair
    response = _post(
        open_client, {**GOOD, "text": long_text, "labels": [f"L{i}" for i in range(50)]}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "error.too_much_work"
    assert f"{limit}" in response.json()["error"]


def test_explain_reports_every_pair_it_ran(open_client):
    # A text no other test sends: the pair cache would answer a seen one without a pass.
    text = "日曜は奈良で鹿を眺めて、柿の葉寿司を食べました。"
    response = _post(open_client, {**GOOD, "text": text, "explain": True})
    assert response.status_code == 200
    words = len(response.json()["explanation"]["words"])
    assert response.json()["computed_pairs"] == (words + 1) * len(GOOD["labels"])


def test_a_client_that_leaves_has_its_work_dropped(ready_service):
    import asyncio

    from tests.conftest import held_model, run_apart
    from web.http.application import build_api
    from web.http.classify import CLIENT_CLOSED_REQUEST

    body = json.dumps({**GOOD, "text": "帰ってしまう人の文です。"}).encode()
    sent: list[dict] = []
    app = build_api(ready_service.settings)
    scope = {
        "type": "http", "method": "POST", "path": CLASSIFY_PATH, "raw_path": CLASSIFY_PATH.encode(),
        "query_string": b"", "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80), "scheme": "http",
        "root_path": "", "http_version": "1.1",
    }  # fmt: skip
    with held_model(ready_service) as held:

        async def receive():
            if not sent:
                sent.append({})
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.to_thread(held.queued.acquire)  # its pairs wait for the model
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        run_apart(app(scope, receive, send))  # answered while the model is still held
        assert sent[1]["status"] == CLIENT_CLOSED_REQUEST
    assert held.ran == [1]  # only the holding pass ran; the leaver's three pairs never did
    assert ready_service._batcher._queued == 0


@pytest.mark.parametrize(
    ("lang", "says"), [("ja", "配列にしてください"), ("en", "valid list")], ids=["ja", "en"]
)
def test_a_body_of_the_wrong_shape_is_named_in_the_requests_language(open_client, lang, says):
    answer = open_client.post(
        CLASSIFY_PATH, json={**GOOD, "labels": 3}, headers={"accept-language": lang}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "error.bad_request"
    assert "labels" in answer.json()["error"] and says in answer.json()["error"]

"""Label sets over HTTP: ETags and RFC 9110 preconditions, and classification by a set's name."""

from __future__ import annotations

import uuid

import pytest

from web.http.classify import CLASSIFY_PATH
from web.http.label_sets import LABEL_SETS_PATH

SET = {
    "labels": ["旅行", "料理", "音楽"],
    "hypothesis_template": "これは{}の話です。",
    "notes": "試作",
}
TEXT = "そうだ京都に行こう!"


@pytest.fixture
def name() -> str:
    # The app's store is shared by the whole run: each test has a set name of its own.
    return f"テスト-{uuid.uuid4().hex[:8]}"


def _url(name: str) -> str:
    return f"{LABEL_SETS_PATH}/{name}"


def _create(client, name, body=SET):
    return client.put(_url(name), json=body, headers={"If-None-Match": "*"})


def test_create_only_makes_a_set_with_an_etag(open_client, name):
    created = _create(open_client, name)
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    assert created.json()["labels"] == SET["labels"]
    assert created.json()["version"] == 1


def test_create_only_refuses_a_name_that_exists(open_client, name):
    _create(open_client, name)
    again = _create(open_client, name, {"labels": ["別"]})
    assert again.status_code == 412
    assert open_client.get(_url(name)).json()["labels"] == SET["labels"]


def test_get_returns_the_set_and_its_etag(open_client, name):
    _create(open_client, name)
    got = open_client.get(_url(name))
    assert got.status_code == 200
    assert got.headers["etag"] == '"1"'
    assert got.json()["hypothesis_template"] == SET["hypothesis_template"]
    assert got.json()["notes"] == "試作"


def test_get_with_the_current_etag_is_not_modified(open_client, name):
    _create(open_client, name)
    assert open_client.get(_url(name), headers={"If-None-Match": '"1"'}).status_code == 304


def test_an_unknown_set_is_a_json_404(open_client, name):
    missing = open_client.get(_url(name))
    assert missing.status_code == 404
    assert name in missing.json()["error"]


def test_the_list_holds_the_set(open_client, name):
    _create(open_client, name)
    names = [s["name"] for s in open_client.get(LABEL_SETS_PATH).json()["label_sets"]]
    assert name in names


def test_update_with_the_read_etag_moves_the_version_on(open_client, name):
    etag = _create(open_client, name).headers["etag"]
    updated = open_client.put(_url(name), json={"labels": ["旅行"]}, headers={"If-Match": etag})
    assert updated.status_code == 200
    assert updated.headers["etag"] == '"2"'
    assert updated.json()["labels"] == ["旅行"]


def test_update_with_a_stale_etag_is_412_and_changes_nothing(open_client, name):
    etag = _create(open_client, name).headers["etag"]
    open_client.put(_url(name), json={"labels": ["旅行"]}, headers={"If-Match": etag})
    stale = open_client.put(_url(name), json={"labels": ["料理"]}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert open_client.get(_url(name)).json()["labels"] == ["旅行"]


def test_a_weak_etag_never_matches(open_client, name):
    etag = _create(open_client, name).headers["etag"]
    weak = open_client.put(_url(name), json={"labels": ["旅行"]}, headers={"If-Match": "W/" + etag})
    assert weak.status_code == 412


def test_overwriting_without_a_precondition_is_428(open_client, name):
    _create(open_client, name)
    blind = open_client.put(_url(name), json={"labels": ["旅行"]})
    assert blind.status_code == 428
    assert "If-Match" in blind.json()["error"]


def test_a_new_set_without_a_precondition_is_created(open_client, name):
    assert open_client.put(_url(name), json=SET).status_code == 201


def test_if_match_on_a_missing_set_is_404(open_client, name):
    assert open_client.put(_url(name), json=SET, headers={"If-Match": '"1"'}).status_code == 404


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"labels": "旅行"}, "error.bad_request"),
        ({"labels": []}, "error.no_labels"),
        ({"labels": ["旅行"], "hypothesis_template": "テンプレートなし"}, None),
        ({"labels": ["旅\x00行"]}, None),
    ],
    ids=["labels a string", "no labels", "template without {}", "control character"],
)
def test_a_bad_body_is_a_clear_400(open_client, name, body, code):
    refused = _create(open_client, name, body)
    assert refused.status_code == 400
    assert refused.json()["error"]
    if code:
        assert refused.json()["code"] == code


def test_delete_needs_the_current_etag(open_client, name):
    etag = _create(open_client, name).headers["etag"]
    assert open_client.delete(_url(name)).status_code == 428
    assert open_client.delete(_url(name), headers={"If-Match": '"9"'}).status_code == 412
    assert open_client.delete(_url(name), headers={"If-Match": etag}).status_code == 204
    assert open_client.get(_url(name)).status_code == 404


def test_a_set_recreated_after_delete_does_not_take_an_old_etag(open_client, name):
    etag = _create(open_client, name).headers["etag"]
    open_client.delete(_url(name), headers={"If-Match": etag})
    recreated = _create(open_client, name)
    assert recreated.status_code == 201
    assert recreated.headers["etag"] != etag
    old = open_client.put(_url(name), json={"labels": ["旅行"]}, headers={"If-Match": etag})
    assert old.status_code == 412


def test_classify_by_a_sets_name_uses_its_labels_and_template(open_client, name):
    _create(open_client, name)
    by_name = open_client.post(CLASSIFY_PATH, json={"text": TEXT, "label_set": name}).json()
    spelled = open_client.post(
        CLASSIFY_PATH,
        json={
            "text": TEXT,
            "labels": SET["labels"],
            "hypothesis_template": SET["hypothesis_template"],
        },
    ).json()
    assert by_name["labels"] == spelled["labels"]
    assert by_name["scores"] == spelled["scores"]
    assert by_name["hypothesis_template"] == SET["hypothesis_template"]


def test_a_template_in_the_request_wins_over_the_sets(open_client, name):
    _create(open_client, name)
    body = {"text": TEXT, "label_set": name, "hypothesis_template": "この文は{}です。"}
    assert (
        open_client.post(CLASSIFY_PATH, json=body).json()["hypothesis_template"]
        == "この文は{}です。"
    )


def test_classify_by_an_unknown_name_is_404(open_client, name):
    missing = open_client.post(CLASSIFY_PATH, json={"text": TEXT, "label_set": name})
    assert missing.status_code == 404
    assert missing.json()["code"] == "error.unknown_label_set"


def test_label_sets_are_behind_the_api_token(guarded_client):
    assert guarded_client.get(LABEL_SETS_PATH).status_code == 401


def test_a_set_saved_with_wordings_classifies_with_them(open_client, name):
    body = {"labels": ["旅行=旅行|観光", "料理", "踊り"]}
    _create(open_client, name, body)
    by_name = open_client.post(CLASSIFY_PATH, json={"text": TEXT, "label_set": name}).json()
    spelled = open_client.post(
        CLASSIFY_PATH,
        json={
            "text": TEXT,
            "labels": ["旅行", "料理", "踊り"],
            "wordings": {"旅行": ["旅行", "観光"]},
        },
    ).json()
    assert by_name["labels"] == spelled["labels"]
    assert by_name["scores"] == spelled["scores"]


@pytest.mark.parametrize(
    ("path_name", "code"),
    [
        ("%20pad%20", None),  # the route's own path check may refuse it first
        ("ﾃﾆｽ", "store.name_not_normal"),
        ("a%20%20b", "store.name_not_normal"),
    ],
    ids=["spaces around", "half-width look-alike", "repeated space"],
)
def test_a_name_a_route_would_change_is_refused_not_altered(open_client, name, path_name, code):
    response = _create(open_client, f"{path_name}{name}")
    assert response.status_code == 400
    if code is not None:
        assert response.json()["code"] == code
    names = [s["name"] for s in open_client.get(LABEL_SETS_PATH).json()["label_sets"]]
    assert not [saved for saved in names if saved.endswith(name)]


@pytest.mark.parametrize(
    "path_name",
    ["%FF", "%ED%A0%80", "a%E2%80%8Bb", "%2E%2E", "%2E"],
    ids=["invalid UTF-8", "an encoded surrogate", "a zero-width space", "..", "."],
)
def test_a_name_no_url_could_reach_or_tell_apart_is_refused(open_client, path_name):
    before = open_client.get(LABEL_SETS_PATH).json()["label_sets"]
    response = _create(open_client, path_name)
    assert response.status_code in (400, 404, 405)
    assert response.json()["code"]
    assert open_client.get(LABEL_SETS_PATH).json()["label_sets"] == before


def test_a_look_alike_of_a_saved_name_is_refused(open_client, name):
    assert _create(open_client, f"テニス{name}").status_code == 201
    response = _create(open_client, f"ﾃﾆｽ{name}")
    assert response.status_code == 400
    assert f"テニス{name}" in response.json()["error"]

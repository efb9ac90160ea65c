"""With access control on, nothing but status answers without credentials; with them, all works."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import API_TOKEN, PASSWORD
from web.http.classify import CLASSIFY_PATH

BODY = {"text": "そうだ京都に行こう!", "labels": ["旅行", "料理", "踊り"]}
PROTECTED = [
    ("POST", CLASSIFY_PATH),
    ("GET", "/api/defaults"),
    ("GET", "/lite"),
    ("GET", "/lite/lite.js"),
    ("POST", "/lite/api/classify"),
    ("GET", "/lite/api/defaults"),
]


def _basic(password: str) -> dict[str, str]:
    token = base64.b64encode(f"anyone:{password}".encode()).decode()
    return {"authorization": f"Basic {token}"}


def _call(client, method, path, headers=None):
    if method == "POST":
        return client.post(path, json=BODY, headers=headers or {})
    return client.get(path, headers=headers or {})


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_nothing_answers_without_credentials(guarded_client, method, path):
    response = _call(guarded_client, method, path)
    assert response.status_code == 401
    assert "www-authenticate" in response.headers
    assert "旅行" not in response.text


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_wrong_token_is_refused(guarded_client, method, path):
    response = _call(guarded_client, method, path, {"authorization": "Bearer wrong"})
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_the_api_token_opens_everything(guarded_client, method, path):
    response = _call(guarded_client, method, path, {"authorization": f"Bearer {API_TOKEN}"})
    assert response.status_code == 200


def test_the_password_through_basic_auth_opens_the_plain_page(guarded_client):
    assert guarded_client.get("/lite", headers=_basic(PASSWORD)).status_code == 200
    response = guarded_client.post(CLASSIFY_PATH, json=BODY, headers=_basic(PASSWORD))
    assert response.status_code == 200
    assert set(response.json()["labels"]) == set(BODY["labels"])


def test_health_and_readiness_stay_open_and_say_only_the_state(guarded_client, tiny_model_dir):
    for path in ("/healthz", "/readyz"):
        response = guarded_client.get(path)
        assert response.status_code == 200
        assert response.json()["model"] == {"state": "ready"}
        assert str(tiny_model_dir) not in response.text


def test_repeated_wrong_passwords_lock_the_client_out(guarded_client, guarded_service):
    limit = guarded_service.settings.auth.login_max_failures
    for _ in range(limit):
        assert guarded_client.get("/lite", headers=_basic("wrong")).status_code == 401
    locked = guarded_client.get("/lite", headers=_basic(PASSWORD))
    assert locked.status_code == 429
    assert "retry-after" in locked.headers


def test_an_open_demo_needs_no_credentials(open_client):
    assert open_client.post(CLASSIFY_PATH, json=BODY).status_code == 200
    assert open_client.get("/lite").status_code == 200


def test_guessing_from_many_addresses_locks_everyone_for_a_while(guarded_service):
    from web.http.access import GLOBAL_FAILURE_FACTOR, PasswordGuard

    guard, settings = PasswordGuard(), guarded_service.settings
    per_client = settings.auth.login_max_failures
    for i in range(per_client * GLOBAL_FAILURE_FACTOR):
        guard.check("wrong", f"10.0.0.{i // per_client}", settings)  # spread below each limit
    assert guard.seconds_locked("192.0.2.1", settings) > 0
    assert guard.check(PASSWORD, "192.0.2.1", settings) is None


@pytest.fixture
def token_only_client(ready_service):

    from core.config import AuthSettings
    from tests.web.http.conftest import client_for

    return client_for(
        ready_service.settings.model_copy(update=dict(auth=AuthSettings(api_token=API_TOKEN)))
    )


def test_api_token_alone_protects_the_api(token_only_client):
    assert token_only_client.post(CLASSIFY_PATH, json=BODY).status_code == 401
    assert token_only_client.get("/api/defaults").status_code == 401
    headers = {"authorization": f"Bearer {API_TOKEN}"}
    assert token_only_client.post(CLASSIFY_PATH, json=BODY, headers=headers).status_code == 200


def test_api_token_alone_leaves_the_plain_page_working(token_only_client):
    assert token_only_client.get("/lite").status_code == 200
    assert token_only_client.get("/lite/api/defaults").status_code == 200
    assert token_only_client.post("/lite/api/classify", json=BODY).status_code == 200


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({}, True),
        ({"ALLOWED_DOMAINS": "corp.example"}, False),
        ({"ALLOWED_EMAILS": "a@corp.example"}, False),
        ({"ALLOW_ANY_ACCOUNT": "1"}, False),
    ],
)
def test_single_sign_on_without_an_allow_list_refuses_to_start(monkeypatch, env, refused):
    from core.config import Settings
    from web.http import access

    monkeypatch.setattr(access, "oidc_configured", lambda: True)
    settings = Settings.from_env(env)
    if refused:
        with pytest.raises(access.OpenSignInRefused, match="ALLOW_ANY_ACCOUNT"):
            access.check_sign_in_setup(settings)
    else:
        access.check_sign_in_setup(settings)


def test_without_single_sign_on_nothing_is_required():
    from core.config import Settings
    from web.http import access

    access.check_sign_in_setup(Settings.from_env({}))


def test_the_document_asks_for_credentials_exactly_when_access_control_is_on(
    guarded_client, open_client
):
    guarded = guarded_client.get("/api/openapi.json").json()["paths"]
    opened = open_client.get("/api/openapi.json").json()["paths"]
    assert guarded["/api/classify"]["post"]["security"] == [{"bearer": []}, {"basic": []}]
    assert guarded["/lite"]["get"]["security"] == [{"basic": []}]
    assert "text/plain" in guarded["/lite"]["get"]["responses"]["401"]["content"]
    assert "security" not in opened["/api/classify"]["post"]
    assert "security" not in guarded["/healthz"]["get"]

"""POST /auth/session trades the login page's grant for a signed, HttpOnly cookie; the gate
accepts that cookie; /auth/logout deletes it."""

from __future__ import annotations

from core.auth import GRANT_PURPOSE, issue_token
from tests.web.http.conftest import client_for
from web.http.login_cookie import COOKIE_NAME, kept_login_valid, new_grant


def _cookie_header(response) -> str:
    return response.headers["set-cookie"]


def test_a_fresh_grant_gets_a_login_cookie_the_gate_accepts(guarded_service):
    settings = guarded_service.settings
    reply = client_for(settings).post("/auth/session", json={"grant": new_grant(settings)})
    assert reply.status_code == 204
    header = _cookie_header(reply)
    assert "HttpOnly" in header and "SameSite=strict" in header and "Path=/" in header
    assert f"Max-Age={int(settings.auth.login_session_hours * 3600)}" in header
    assert kept_login_valid(settings, reply.cookies[COOKIE_NAME])


def test_behind_an_https_proxy_the_cookie_is_secure(guarded_service):
    settings = guarded_service.settings
    reply = client_for(settings).post(
        "/auth/session",
        json={"grant": new_grant(settings)},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" in _cookie_header(reply)


def test_an_expired_or_forged_grant_gets_no_cookie(guarded_service):
    settings = guarded_service.settings
    expired = issue_token(settings.auth.signing_key, GRANT_PURPOSE, -1)
    for grant in (expired, "1.2.3", "a" * 50):
        reply = client_for(settings).post("/auth/session", json={"grant": grant})
        assert reply.status_code == 403
        assert reply.json()["code"] == "error.login_grant"
        assert "set-cookie" not in reply.headers


def test_without_a_password_there_is_no_login_to_keep(ready_service):
    settings = ready_service.settings
    reply = client_for(settings).post("/auth/session", json={"grant": new_grant(settings)})
    assert reply.status_code == 403
    assert not kept_login_valid(settings, new_grant(settings))


def test_a_grant_is_not_a_login_cookie(guarded_service):
    settings = guarded_service.settings
    assert not kept_login_valid(settings, new_grant(settings))


def test_a_body_without_a_grant_is_a_clear_400(guarded_service):
    reply = client_for(guarded_service.settings).post("/auth/session", json={})
    assert reply.status_code == 400


def test_log_out_deletes_the_cookie(guarded_service):
    reply = client_for(guarded_service.settings).post("/auth/logout")
    assert reply.status_code == 204
    header = _cookie_header(reply)
    assert header.startswith(f'{COOKIE_NAME}="";') or "Max-Age=0" in header

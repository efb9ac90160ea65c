"""Who may use the HTTP routes, and whether the Streamlit pages need a login.

Access control is off by default (an open demo, like the seed). It is on when APP_PASSWORD or
APP_PASSWORD_HASH is set, or when an [auth] section (OIDC) is in Streamlit's secrets. Then:
- the JSON API needs `Authorization: Bearer <API_TOKEN>` (or the password through Basic auth,
  which is how the plain-HTTP page's own fetch() calls get through);
- the plain-HTTP page needs the password through the browser's Basic-auth prompt;
- /healthz and /readyz stay open and say nothing but the model's state.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st
from fastapi import APIRouter, Depends, Security
from fastapi.security.http import HTTPBase
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.auth import Throttle, basic_password, bearer_token_ok, verify_password
from core.config import Settings
from web.text import header_lang, message

REALM = 'Basic realm="zeroshot", charset="UTF-8"'
# Clients whose Basic-auth failures are remembered; the oldest are forgotten first.
MAX_TRACKED_CLIENTS = 10_000
# Failed tries from all clients together before everyone waits: a spread-out guessing run (many
# addresses) is slowed too, at the price of a short wait for all while it lasts.
GLOBAL_FAILURE_FACTOR = 20
# Passwords already verified, so a PBKDF2 hash costs once per password, not once per request.
MAX_VERIFIED = 16


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


class OpenSignInRefused(RuntimeError):
    """Single sign-on with no allow list would let in any account at the provider."""


def check_sign_in_setup(settings: Settings) -> None:
    """Refuse to start open: OIDC needs ALLOWED_EMAILS / ALLOWED_DOMAINS, or ALLOW_ANY_ACCOUNT=1."""
    auth = settings.auth
    if (
        oidc_configured()
        and not (auth.allowed_emails or auth.allowed_domains)
        and not auth.allow_any_account
    ):
        raise OpenSignInRefused(
            "[auth] (single sign-on) is configured but neither ALLOWED_EMAILS nor ALLOWED_DOMAINS "
            "is set: any account at the provider could sign in. Set one of them, or "
            "ALLOW_ANY_ACCOUNT=1 if that is really meant."
        )


def access_control_on(settings: Settings) -> bool:
    return settings.auth.password_required or oidc_configured()


class PasswordGuard:
    """Every password check of the process (login form and Basic auth) goes through here.

    Failed tries are counted per client address and for the whole process, so neither a new
    browser session nor a new connection starts with a clean slate; a PBKDF2 hash is verified
    once per password (then remembered, keyed by an HMAC, never stored in clear).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._throttles: OrderedDict[str, Throttle] = OrderedDict()
        self._global: Throttle | None = None
        self._key = secrets.token_bytes(32)
        self._verified: OrderedDict[bytes, None] = OrderedDict()

    def _throttle(self, client: str, settings: Settings) -> Throttle:
        auth = settings.auth
        throttle = self._throttles.pop(client, None) or Throttle(
            auth.login_max_failures, auth.login_lockout_seconds
        )
        self._throttles[client] = throttle
        while len(self._throttles) > MAX_TRACKED_CLIENTS:
            self._throttles.popitem(last=False)
        return throttle

    def _global_throttle(self, settings: Settings) -> Throttle:
        if self._global is None:
            auth = settings.auth
            self._global = Throttle(
                auth.login_max_failures * GLOBAL_FAILURE_FACTOR, auth.login_lockout_seconds
            )
        return self._global

    def seconds_locked(self, client: str, settings: Settings) -> float:
        """How long `client` (or everyone, under a process-wide lockout) must wait; 0 if not."""
        with self._lock:
            return max(
                self._throttle(client, settings).seconds_left(),
                self._global_throttle(settings).seconds_left(),
            )

    def failures_left(self, client: str, settings: Settings) -> int:
        with self._lock:
            throttle = self._throttle(client, settings)
            return throttle.max_failures - throttle.failures

    def check(self, password: str, client: str, settings: Settings) -> bool | None:
        """True/False for the password; None while this client (or everyone) is locked out.

        Blocking (PBKDF2 by design takes ~0.3 s): call it from a worker thread, never the loop.
        """
        mark = hmac.new(self._key, password.encode(), hashlib.sha256).digest()
        with self._lock:
            throttle = self._throttle(client, settings)
            everyone = self._global_throttle(settings)
            if throttle.locked() or everyone.locked():
                return None
            if mark in self._verified:
                throttle.record(True)
                return True
        auth = settings.auth
        ok = verify_password(password, auth.app_password, auth.app_password_hash)
        with self._lock:
            throttle.record(ok)
            if not ok:
                everyone.record(False)
            if ok:
                self._verified[mark] = None
                while len(self._verified) > MAX_VERIFIED:
                    self._verified.popitem(last=False)
        return ok


GUARD = PasswordGuard()


def api_protected(settings: Settings) -> bool:
    """The JSON API needs credentials with access control on, or with API_TOKEN set alone."""
    return access_control_on(settings) or bool(settings.auth.api_token)


def authorized(request: Request, settings: Settings, api: bool = True) -> bool | None:
    """True if the request may pass, False if not, None if its client is locked out.

    `api`: a JSON API route (API_TOKEN alone protects those); otherwise a page, which only a
    password or single sign-on protects.
    """
    if not (api_protected(settings) if api else access_control_on(settings)):
        return True
    header = request.headers.get("authorization")
    if bearer_token_ok(header, settings.auth.api_token):
        return True
    password = basic_password(header)
    if password is None or not settings.auth.password_required:
        return False
    client = request.client.host if request.client else "-"
    return GUARD.check(password, client, settings)


def refusal(verdict: bool | None, page: bool, lang: str) -> Response:
    if verdict is None:
        body = {"error": message("login.locked_http", lang), "code": "auth.locked"}
        return JSONResponse(body, status_code=429, headers={"Retry-After": "60"})
    headers = {"WWW-Authenticate": REALM if page else f"Bearer, {REALM}"}
    if page:
        return Response(message("login.required_http", lang), status_code=401, headers=headers)
    body = {"error": message("login.required_http", lang), "code": "auth.required"}
    return JSONResponse(body, status_code=401, headers=headers)


class AccessRefused(Exception):
    """No credentials, wrong ones (`verdict` False) or a locked-out client (None)."""

    def __init__(self, verdict: bool | None, page: bool) -> None:
        super().__init__("access refused")
        self.verdict = verdict
        self.page = page


def access_refused(request: Request, error: AccessRefused) -> Response:
    return refusal(error.verdict, error.page, header_lang(request.headers.get("accept-language")))


# The credentials a protected route takes, for the OpenAPI document (either one will do);
# `authorized` checks them.
BEARER = HTTPBase(scheme="bearer", scheme_name="bearer", auto_error=False)
BASIC = HTTPBase(scheme="basic", scheme_name="basic", auto_error=False)


def page_refusal(settings: Settings) -> dict[int, dict[str, Any]]:
    """The OpenAPI answer of a page route without the password: the browser's Basic-auth
    prompt with a line of text (none when the pages are open)."""
    if not access_control_on(settings):
        return {}
    text = {"text/plain": {"schema": {"type": "string"}}}
    return {401: {"content": text, "description": "The password is needed (Basic auth)"}}


def access_dependencies(settings: Settings, page: bool = False) -> list[Any]:
    """FastAPI dependencies that let a request through only with access (none when the route is
    open under these settings, so the document says exactly what a call needs)."""
    if not (access_control_on(settings) if page else api_protected(settings)):
        return []

    async def check(request: Request) -> None:
        # PBKDF2 takes ~0.3 s on purpose: off the event loop, so /healthz answers meanwhile.
        verdict = await run_in_threadpool(authorized, request, settings, not page)
        if verdict is not True:
            raise AccessRefused(verdict, page)

    schemes = [BASIC] if page else [BEARER, BASIC]
    return [Depends(check), *(Security(scheme) for scheme in schemes)]


def add_guarded_route(
    router: APIRouter,
    settings: Settings,
    path: str,
    endpoint: Callable[..., Any],
    *,
    page: bool = False,
    responses: dict[int | str, dict[str, Any]] | None = None,
    **options: Any,
) -> None:
    """A route behind the API's access rule (or, `page`, the pages'), its refusals documented."""
    router.add_api_route(
        path,
        endpoint,
        dependencies=[*access_dependencies(settings, page=page), *options.pop("dependencies", [])],
        responses={**(responses or {}), **(page_refusal(settings) if page else {})},
        **options,
    )

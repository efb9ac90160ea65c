"""The login page that stands before every page when access control is on."""

from __future__ import annotations

import json
import math

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.auth import email_allowed
from web import resources
from web.http import access
from web.http.access import oidc_configured
from web.http.login_cookie import (
    COOKIE_NAME,
    LOGOUT_PATH,
    SESSION_PATH,
    kept_login_valid,
    new_grant,
)
from web.http.streamlit_guard import SIGNED_IN
from web.ui.i18n import t

_AUTHENTICATED = "authenticated"
# The browser is yet to be given its login cookie (after a right password) or told to drop it.
_KEEP_PENDING = "login_keep_pending"
_FORGET_PENDING = "login_forget_pending"
# Logged out in this session: a cookie the browser may still send does not sign it in again.
_LOGGED_OUT = "logged_out"


def _client() -> str:
    """The browser's address as the server sees it: the key of the process-wide throttle."""
    address = st.context.ip_address
    # No address (a test harness, some proxies): all such sessions share one throttle.
    return address if isinstance(address, str) and address else "-"


def _oidc_user_allowed() -> bool:
    settings = resources.get_settings()
    return bool(st.user.get("is_logged_in")) and email_allowed(
        st.user.get("email"),
        settings.auth.allowed_emails,
        settings.auth.allowed_domains,
        email_verified=st.user.get("email_verified") is True,
    )


def _may_enter() -> bool:
    if oidc_configured():
        return _oidc_user_allowed()
    settings = resources.get_settings()
    if settings.auth.password_required:
        if st.session_state.get(_AUTHENTICATED):
            return True
        # A reload, or a new tab: the cookie kept from an earlier login in this browser.
        cookie = st.context.cookies.get(COOKIE_NAME)
        if not st.session_state.get(_LOGGED_OUT) and kept_login_valid(settings, cookie):
            st.session_state[_AUTHENTICATED] = True
            return True
        return False
    return True


def _post_from_browser(path: str, body: dict[str, str]) -> None:
    """Have the browser post `body` to one of our routes, so the answer's cookie is its own.
    Only our own values go in (a path and a signed grant), JSON-quoted."""
    options = {
        "method": "POST",
        "credentials": "same-origin",
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
    script = f"<script>fetch({json.dumps(path)}, {json.dumps(options)});</script>"
    st.html(script, unsafe_allow_javascript=True)


def keep_login_in_browser() -> None:
    """Right after a password login: give the browser its login cookie (see login_cookie)."""
    if st.session_state.pop(_KEEP_PENDING, False):
        _post_from_browser(SESSION_PATH, {"grant": new_grant(resources.get_settings())})


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def signed_in() -> bool:
    """May this browser session see the app's pages? Kept in step with who may upload."""
    allowed = _may_enter()
    session_id = _session_id()
    if session_id is not None:
        if allowed:
            SIGNED_IN.add(session_id)
        else:
            SIGNED_IN.discard(session_id)
    return allowed


def _check_password() -> None:
    candidate = st.session_state.get("login_password", "")
    st.session_state["login_password"] = ""
    ok = access.GUARD.check(candidate, _client(), resources.get_settings())
    if ok:
        st.session_state[_AUTHENTICATED] = True
        st.session_state[_KEEP_PENDING] = True
        st.session_state.pop(_LOGGED_OUT, None)
    elif ok is False:
        st.session_state["login_failed"] = True


def log_out() -> None:
    st.session_state[_AUTHENTICATED] = False
    st.session_state[_LOGGED_OUT] = True
    st.session_state[_FORGET_PENDING] = True


def login_page() -> None:
    st.title(t("app.title"))
    st.subheader(t("login.title"))
    if oidc_configured():
        if st.user.get("is_logged_in"):
            st.error(t("login.not_allowed", email=st.user.get("email", "?")))
            st.button(t("login.logout"), key="logout", on_click=st.logout)
        else:
            st.button(t("login.oidc"), key="login_oidc", type="primary", on_click=st.login)
        return
    if st.session_state.pop(_FORGET_PENDING, False):
        _post_from_browser(LOGOUT_PATH, {})
    settings = resources.get_settings()
    locked = access.GUARD.seconds_locked(_client(), settings)
    if locked:
        st.session_state.pop("login_failed", None)
        st.error(t("login.locked", seconds=math.ceil(locked)))
    elif st.session_state.pop("login_failed", False):
        st.error(t("login.wrong", left=access.GUARD.failures_left(_client(), settings)))
    with st.form("login_form"):
        st.text_input(t("login.password"), type="password", key="login_password")
        st.form_submit_button(
            t("login.submit"), type="primary", key="login_submit", on_click=_check_password
        )


# Everyone who knows the shared password is one team: they share one list of recent workspaces.
PASSWORD_ACCOUNT = "team"


def account() -> str:
    """Who is signed in: the address with single sign-on, the team with the password, else ""."""
    if oidc_configured():
        return str(st.user.get("email") or "") if _oidc_user_allowed() else ""
    if resources.get_settings().auth.password_required:
        return PASSWORD_ACCOUNT if st.session_state.get(_AUTHENTICATED) else ""
    return ""


def account_box() -> None:
    """The sidebar's who-am-I and log-out, when access control is on."""
    if oidc_configured():
        st.sidebar.caption(t("login.signed_in_as", who=st.user.get("email", "?")))
        st.sidebar.button(t("login.logout"), key="logout", on_click=st.logout)
    elif resources.get_settings().auth.password_required:
        keep_login_in_browser()
        st.sidebar.button(t("login.logout"), key="logout", on_click=log_out)

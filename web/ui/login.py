"""The login page that stands before every page when access control is on."""

from __future__ import annotations

import math

import streamlit as st

from core.auth import Throttle, email_allowed, verify_password
from web import resources
from web.http.access import oidc_configured
from web.ui.i18n import t

_AUTHENTICATED = "authenticated"
_THROTTLE = "login_throttle"


def _throttle() -> Throttle:
    settings = resources.get_settings()
    if _THROTTLE not in st.session_state:
        st.session_state[_THROTTLE] = Throttle(
            settings.auth.login_max_failures, settings.auth.login_lockout_seconds
        )
    return st.session_state[_THROTTLE]


def _oidc_user_allowed() -> bool:
    settings = resources.get_settings()
    return bool(st.user.get("is_logged_in")) and email_allowed(
        st.user.get("email"), settings.auth.allowed_emails, settings.auth.allowed_domains
    )


def signed_in() -> bool:
    """May this browser session see the app's pages?"""
    if oidc_configured():
        return _oidc_user_allowed()
    if resources.get_settings().auth.password_required:
        return bool(st.session_state.get(_AUTHENTICATED))
    return True


def _check_password() -> None:
    throttle = _throttle()
    if throttle.locked():
        return
    settings = resources.get_settings()
    candidate = st.session_state.get("login_password", "")
    ok = verify_password(candidate, settings.auth.app_password, settings.auth.app_password_hash)
    throttle.record(ok)
    st.session_state["login_password"] = ""
    if ok:
        st.session_state[_AUTHENTICATED] = True
    else:
        st.session_state["login_failed"] = True


def log_out() -> None:
    st.session_state[_AUTHENTICATED] = False


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
    throttle = _throttle()
    if throttle.locked():
        st.error(t("login.locked", seconds=math.ceil(throttle.seconds_left())))
    elif st.session_state.pop("login_failed", False):
        st.error(t("login.wrong", left=throttle.max_failures - throttle.failures))
    with st.form("login_form"):
        st.text_input(t("login.password"), type="password", key="login_password")
        st.form_submit_button(
            t("login.submit"), type="primary", key="login_submit", on_click=_check_password
        )


def account_box() -> None:
    """The sidebar's who-am-I and log-out, when access control is on."""
    if oidc_configured():
        st.sidebar.caption(t("login.signed_in_as", who=st.user.get("email", "?")))
        st.sidebar.button(t("login.logout"), key="logout", on_click=st.logout)
    elif resources.get_settings().auth.password_required:
        st.sidebar.button(t("login.logout"), key="logout", on_click=log_out)

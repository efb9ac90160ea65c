"""With APP_PASSWORD set, every page stands behind the login page (AppTest, one session each)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSWORD, ROOT
from tests.pages.conftest import new_session


@pytest.fixture
def guarded_app(guarded_service) -> AppTest:
    return new_session()


def _log_in(at: AppTest, password: str) -> AppTest:
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click()
    at.run()
    assert not at.exception
    return at


# Every page file, so a page added later is checked without anyone remembering to list it.
PAGES = sorted(f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py"))
APP_WIDGET_PREFIXES = (
    "classify_",
    "labels_",
    "examples_",
    "compare_",
    "batch_",
    "eval_",
    "exp_",
    "workspace_",
    "store_",
)


def _shows_app_content(at: AppTest) -> bool:
    widgets = [
        *at.text_area,
        *at.text_input,
        *at.checkbox,
        *at.toggle,
        *at.button,
        *at.selectbox,
        *at.radio,
        *at.get("file_uploader"),
    ]
    return any(str(w.key).startswith(APP_WIDGET_PREFIXES) for w in widgets if w.key)


def test_the_login_page_comes_first_and_hides_the_app(guarded_app):
    assert guarded_app.text_input(key="login_password")
    assert not _shows_app_content(guarded_app)


def test_every_page_is_known():
    assert len(PAGES) == 7


@pytest.mark.parametrize("page", PAGES)
def test_no_page_is_reachable_by_switching_without_logging_in(guarded_app, page):
    guarded_app.switch_page(page).run()
    assert not guarded_app.exception
    assert guarded_app.text_input(key="login_password")
    assert not _shows_app_content(guarded_app)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_its_content_once_logged_in(guarded_app, page):
    _log_in(guarded_app, PASSWORD)
    guarded_app.switch_page(page).run()
    assert not guarded_app.exception
    assert _shows_app_content(guarded_app)


def test_a_wrong_password_says_so_and_stays_on_the_login_page(guarded_app):
    _log_in(guarded_app, "wrong")
    assert len(guarded_app.error) == 1
    assert "2" in guarded_app.error[0].value
    assert not _shows_app_content(guarded_app)


def test_the_right_password_opens_the_app(guarded_app):
    _log_in(guarded_app, PASSWORD)
    assert _shows_app_content(guarded_app)


def test_fail_once_then_pass(guarded_app):
    _log_in(guarded_app, "wrong")
    _log_in(guarded_app, PASSWORD)
    assert _shows_app_content(guarded_app)
    assert not guarded_app.error


def test_log_out_returns_to_the_login_page(guarded_app):
    _log_in(guarded_app, PASSWORD)
    guarded_app.sidebar.button(key="logout").click()
    guarded_app.run()
    assert not _shows_app_content(guarded_app)
    assert guarded_app.text_input(key="login_password")


def test_too_many_failures_lock_even_the_right_password_out(guarded_app, guarded_service):
    for _ in range(guarded_service.settings.auth.login_max_failures):
        _log_in(guarded_app, "wrong")
    _log_in(guarded_app, PASSWORD)
    assert not _shows_app_content(guarded_app)
    assert "秒" in guarded_app.error[0].value


def test_a_new_session_does_not_reset_the_lockout(guarded_service):
    for _ in range(guarded_service.settings.auth.login_max_failures):
        _log_in(new_session(), "wrong")  # a script opening a new session per guess
    fresh = _log_in(new_session(), PASSWORD)
    assert not _shows_app_content(fresh)
    assert "秒" in fresh.error[0].value


def test_the_password_field_is_emptied_after_each_try(guarded_app):
    _log_in(guarded_app, "wrong")
    assert guarded_app.text_input(key="login_password").value == ""


def test_single_sign_on_shows_only_its_button_until_signed_in(guarded_app, guarded_service):

    from web import resources

    settings = guarded_service.settings
    # Single sign-on refuses to start without an allow list; give it one.
    sso = settings.model_copy(
        update=dict(auth=settings.auth.model_copy(update=dict(allowed_domains=("corp.example",))))
    )
    guarded_app.secrets["auth"] = {
        "redirect_uri": "http://localhost:8080/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://accounts.example/.well-known/openid-configuration",
    }
    with resources.using(sso, guarded_service):
        guarded_app.run()
    assert guarded_app.button(key="login_oidc")
    assert not _shows_app_content(guarded_app)

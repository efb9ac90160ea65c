"""A password login kept across reloads: a signed, HttpOnly cookie the page asks for once.

Streamlit cannot set a cookie from a script run, so after a right password the login page hands
the browser a grant (signed, valid for a minute) and a tiny same-origin script posts it here; the
answer sets the cookie. On the next visit the login gate reads the cookie from the WebSocket's
request and lets the session in until it expires. Nothing is stored on the server, so any task
behind the load balancer accepts it; changing the password (or SESSION_SECRET) ends every one.
"""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from core.auth import GRANT_PURPOSE, SESSION_PURPOSE, issue_token, token_valid
from core.config import Settings
from web.http.bodies import request_bodies
from web.http.body_limit import LimitedRoute
from web.http.errors import Refusal, refusals

COOKIE_NAME = "zeroshot_login"
SESSION_PATH = "/auth/session"
LOGOUT_PATH = "/auth/logout"
# Long enough for the page's script to post it, short enough to be useless if it leaks.
GRANT_SECONDS = 60


def new_grant(settings: Settings) -> str:
    return issue_token(settings.auth.signing_key, GRANT_PURPOSE, GRANT_SECONDS)


def kept_login_valid(settings: Settings, cookie: str | None) -> bool:
    """Does this cookie keep a password login? Never without a password configured."""
    auth = settings.auth
    return auth.password_required and token_valid(auth.signing_key, cookie, SESSION_PURPOSE)


def _secure(request: Request) -> bool:
    # Behind App Runner or an ALB the browser speaks HTTPS to the proxy: the cookie then only
    # travels over HTTPS. (A forged header could only make it stricter.)
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto.split(",")[0].strip() == "https"


def login_router(settings: Settings) -> APIRouter:
    grant_body = request_bodies(settings).login_grant
    router = APIRouter(route_class=LimitedRoute, tags=["login"])

    @router.post(
        SESSION_PATH,
        summary="Keep a password login across reloads: trade the login page's grant for a cookie",
        status_code=204,
        responses=refusals(413),
        operation_id="keep_login",
    )
    async def keep_login(request: Request, body: grant_body) -> Response:  # type: ignore[valid-type]
        """Trade a grant from the login page for the login cookie (403 for a bad grant)."""
        auth = settings.auth
        if not auth.password_required or not token_valid(
            auth.signing_key, body.grant, GRANT_PURPOSE
        ):
            raise Refusal(403, "error.login_grant")
        lifetime = int(auth.login_session_hours * 3600)
        response = Response(status_code=204)
        response.set_cookie(
            COOKIE_NAME,
            issue_token(auth.signing_key, SESSION_PURPOSE, lifetime),
            max_age=lifetime,
            path="/",
            httponly=True,
            samesite="strict",
            secure=_secure(request),
        )
        return response

    @router.post(
        LOGOUT_PATH,
        summary="Forget a kept login (log out)",
        status_code=204,
        operation_id="forget_login",
    )
    async def forget_login(request: Request) -> Response:
        """Delete the login cookie."""
        response = Response(status_code=204)
        response.delete_cookie(
            COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=_secure(request)
        )
        return response

    return router

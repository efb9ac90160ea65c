"""A plain-HTTP page for hosts with no WebSocket (App Runner): HTML + fetch, no Streamlit UI."""

import html
from functools import cache
from pathlib import Path
from string import Template
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, HTMLResponse

from core.config import Settings
from core.labels.defaults import DEFAULT_EXAMPLES, DEFAULT_LABELS
from web.http.access import access_dependencies, add_guarded_route, page_refusal
from web.http.errors import refusals
from web.http.schemas import DefaultsResponse
from web.text import message

LITE_DIR = Path(__file__).parent / "lite"
LITE_PATH = "/lite"
DEFAULTS_PATH = "/api/defaults"
LITE_CLASSIFY_PATH = LITE_PATH + "/api/classify"
LITE_DEFAULTS_PATH = LITE_PATH + "/api/defaults"
# The only files under /lite/ that are served; nothing else in the folder is reachable.
ASSETS = {"lite.js": "text/javascript", "lite.css": "text/css"}
# Only our own files may run or style the page; nothing may frame it.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LangQuery = Annotated[Literal["ja", "en"], Query(description="The page's language")]
PAGE_TEXT_KEYS = {
    "title": "lite.title",
    "intro": "lite.intro",
    "working": "lite.working",
    "network_error": "lite.network_error",
    "switch_language": "lite.switch_language",
    "text_label": "classify.text",
    "text_placeholder": "classify.text_placeholder",
    "labels_label": "classify.labels",
    "custom_label": "classify.custom_label",
    "custom_help": "classify.custom_label_help",
    "template_label": "classify.template",
    "template_help": "classify.template_help",
    "multi_label": "classify.multi_label",
    "submit": "classify.submit",
    "examples_label": "lite.examples",
    "results_label": "classify.results",
}


@cache
def _page_template() -> Template:
    return Template((LITE_DIR / "index.html").read_text(encoding="utf-8"))


def render_page(lang: str, template: str, http_only: bool) -> str:
    """The page in `lang`; every value is HTML-escaped, and none of them comes from a user."""
    other = "en" if lang == "ja" else "ja"
    base = "/" if http_only else LITE_PATH
    values = {name: message(key, lang) for name, key in PAGE_TEXT_KEYS.items()}
    values |= {"lang": lang, "other_lang": other, "template": template}
    escaped = {name: html.escape(value, quote=True) for name, value in values.items()}
    escaped["other_lang_href"] = f"{base}?lang={other}"
    escaped["full_app_link"] = (
        "" if http_only else f'<a href="/">{html.escape(message("lite.full_app", lang))}</a>'
    )
    return _page_template().substitute(escaped)


def lite_router(settings: Settings) -> APIRouter:
    """The page, its two files, and the defaults it starts with (also `GET /api/defaults`)."""
    router = APIRouter(tags=["plain page"])
    page_answer: dict[str, Any] = {
        "methods": ["GET"],
        "response_class": HTMLResponse,
        "responses": {200: {"content": {"text/html": {}}}, **refusals(page=True)},
    }

    async def lite_page(lang: LangQuery = "ja") -> HTMLResponse:
        page = render_page(lang, settings.model.hypothesis_template, settings.http_only)
        return HTMLResponse(page, headers=SECURITY_HEADERS)

    pages = [(LITE_PATH, "The plain-HTTP page (no WebSocket)")]
    if settings.http_only:
        pages.insert(0, ("/", "The plain page at the root (HTTP_ONLY=1)"))
    for path, summary in pages:
        add_guarded_route(
            router, settings, path, lite_page, page=True, summary=summary, **page_answer
        )

    @router.get(
        LITE_PATH + "/{name}",
        summary="The plain page's script and style",
        response_class=FileResponse,
        responses={
            200: {"content": {media: {} for media in ASSETS.values()}},
            **refusals(404, page=True),
            **page_refusal(settings),
        },
        dependencies=access_dependencies(settings, page=True),
        operation_id="lite_asset",
    )
    async def lite_asset(name: str) -> FileResponse:
        if name not in ASSETS:
            raise HTTPException(404)
        return FileResponse(LITE_DIR / name, media_type=ASSETS[name], headers=SECURITY_HEADERS)

    async def defaults() -> DefaultsResponse:
        return DefaultsResponse(
            labels=list(DEFAULT_LABELS),
            examples=list(DEFAULT_EXAMPLES),
            hypothesis_template=settings.model.hypothesis_template,
            max_labels=settings.limits.max_labels,
            model=settings.model.model_id,
        )

    described = {"methods": ["GET"], "response_model": DefaultsResponse, "responses": refusals()}
    summary = "The default labels, examples and template (what the plain page starts with)"
    add_guarded_route(
        router, settings, DEFAULTS_PATH, defaults, summary=summary, tags=["api"], **described
    )
    summary = "The plain page's defaults call"
    add_guarded_route(
        router, settings, LITE_DEFAULTS_PATH, defaults, page=True, summary=summary, **described
    )
    return router

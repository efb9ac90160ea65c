"""A Model Context Protocol server at /mcp (the official `mcp` SDK, streamable HTTP).

AI assistants call two tools: `classify` (a text against labels or a saved label set) and
`list_label_sets`. It is served by the same process as the app, behind the same access control
as the JSON API, and uses the same model service and store.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.config import Settings
from core.errors import InputError, ModelBusy, ModelNotReady, StoreUnavailable
from core.inference.request import check_unicode
from core.labels.serving import UnknownLabelSet, classify_with_set
from web import resources
from web.http.access import authorized, refusal
from web.http.body_limit import MAX_BODY_BYTES
from web.http.errors import Refusal, refusal_response
from web.text import header_lang, message

MCP_PATH = "/mcp"
SERVER_NAME = "zeroshot-ja"
INSTRUCTIONS = (
    "Japanese zero-shot text classification with an NLI model. Call `classify` with a Japanese "
    "text and candidate labels (or the name of a saved label set from `list_label_sets`); the "
    "answer ranks the labels, best first. / 日本語テキストのゼロショット分類。"
)

# The language of the call being answered (its Accept-Language): a tool's refusal is in it.
# Set by _Guarded around the SDK's handling; the call's tasks inherit it.
_LANG: ContextVar[str] = ContextVar("mcp_lang", default="en")

# The session manager of the server built last: the app's lifespan runs it.
_current: StreamableHTTPSessionManager | None = None


class _Refused(ToolError):
    """A tool call the app refuses: the SDK answers it as the tool's error with our message
    (what the assistant sees) and logs it without a traceback."""


def _classify_tool(
    text: str,
    labels: list[str] | None,
    label_set: str | None,
    hypothesis_template: str | None,
    multi_label: bool | None,
) -> dict[str, Any]:
    decision = None
    try:
        check_unicode([text, labels, label_set, hypothesis_template])
        if label_set:
            # Served as /api/classify serves a set: its version's wordings, calibration,
            # adapter and thresholds (core.labels.serving).
            use = resources.resolve_label_set(
                label_set, labels=labels or None, template=hypothesis_template,
                multi_label=multi_label,
            )  # fmt: skip
            answer = classify_with_set(resources.get_service(), use, [text])
            result, decision = answer.results[0], answer.decisions[0]
        else:
            result = resources.classify(text, labels or [], hypothesis_template, bool(multi_label))
    except UnknownLabelSet as missing:
        raise _Refused(
            message("error.unknown_label_set", _LANG.get(), name=missing.name[:100])
        ) from None
    except (InputError, StoreUnavailable) as error:
        raise _Refused(error.message(_LANG.get())) from None
    except ModelNotReady:
        raise _Refused(message("model.not_ready", _LANG.get())) from None
    except ModelBusy:
        raise _Refused(message("model.busy", _LANG.get())) from None
    answer_json = {
        "labels": list(result.labels),
        "scores": list(result.scores),
        "multi_label": result.multi_label,
        "hypothesis_template": result.hypothesis_template,
        "truncated": result.truncated,
        "model": result.model_id,
    }
    if label_set:
        answer_json["label_set"] = {"name": use.saved.name, "version": use.saved.version}
    if decision is not None:
        answer_json["abstained"] = decision.abstained
        answer_json["predicted"] = [label for label in result.labels if label in decision.predicted]
    return answer_json


def build_mcp() -> MCPServer:
    server = MCPServer(SERVER_NAME, instructions=INSTRUCTIONS)

    @server.tool(
        description=(
            "Rank candidate labels for a Japanese text, best first (zero-shot NLI). Give `labels`, "
            "or `label_set` (a saved set's name; its labels and template are used). "
            "/ 日本語テキストに対し候補ラベルをスコア順に並べます。"
        )
    )
    async def classify(
        text: Annotated[str, Field(description="The text to classify / 分類するテキスト")],
        labels: Annotated[
            list[str] | None, Field(description="Candidate labels / 候補ラベル (例: 旅行, 料理)")
        ] = None,
        label_set: Annotated[
            str | None, Field(description="A saved label set's name / 保存済みラベルセットの名前")
        ] = None,
        hypothesis_template: Annotated[
            str | None,
            Field(description="Exactly one {} / 仮説テンプレート (例: この例は{}です。)"),
        ] = None,
        multi_label: Annotated[
            bool | None,
            Field(
                description="Judge each label alone (default: the set's own, else false) "
                "/ 各ラベルを独立に判定"
            ),
        ] = None,
    ) -> dict[str, Any]:
        return await run_in_threadpool(
            _classify_tool, text, labels, label_set, hypothesis_template, multi_label
        )

    @server.tool(
        description=(
            "The team's saved label sets: name, labels, template, notes. "
            "/ チームの保存済みラベルセットの一覧。"
        )
    )
    async def list_label_sets() -> list[dict[str, Any]]:
        try:
            saved = await run_in_threadpool(lambda: resources.get_store().list())
        except (InputError, StoreUnavailable) as error:
            raise _Refused(error.message(_LANG.get())) from None
        return [
            {
                "name": item.name,
                "labels": list(item.labels),
                "hypothesis_template": item.template,
                "notes": item.notes,
                "version": item.version,
            }
            for item in saved
        ]

    return server


class _Guarded:
    """The MCP endpoint behind the JSON API's access rule."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        verdict = await run_in_threadpool(authorized, request, self.settings, True)
        if verdict is not True:
            lang = header_lang(request.headers.get("accept-language"))
            await refusal(verdict, False, lang)(scope, receive, send)
            return
        if request.method != "POST":
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive)
        except Refusal as refused:
            await refusal_response(request, refused)(scope, receive, send)
            return
        if body is None:  # the client left mid-body: nobody to answer, nothing to log
            return
        # English unless asked otherwise: an assistant reads it, and MCP clients seldom say.
        accept = request.headers.get("accept-language")
        token = _LANG.set(header_lang(accept) if accept else "en")
        try:
            await self.app(scope, _replaying(body, receive), send)
        finally:
            _LANG.reset(token)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body (None if the client left first), read before the SDK sees it:
    the SDK answers a client that leaves mid-body with a 500 and a logged traceback. Refusal
    413 past MAX_BODY_BYTES, as on every JSON route; 400 `error.bad_unicode` for a lone
    surrogate anywhere in it, as on every route (the SDK's parser calls it a parse error)."""
    chunks, size = [], 0
    while True:
        event = await receive()
        if event["type"] == "http.disconnect":
            return None
        chunk = event.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refusal(413, "error.body_too_large", limit=MAX_BODY_BYTES)
        chunks.append(chunk)
        if not event.get("more_body", False):
            break
    body = b"".join(chunks)
    try:
        check_unicode(json.loads(body))
    except InputError as error:
        raise Refusal(400, error.key, **error.params) from None
    except ValueError:
        pass  # not JSON: the SDK answers that in its own protocol
    return body


def _replaying(body: bytes, receive: Receive) -> Receive:
    """`receive` with the body already read given back first."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def mcp_route(settings: Settings) -> Route:
    """The /mcp route; its session manager is run by `running_mcp` in the app's lifespan."""
    global _current
    server = build_mcp()
    # Stateless JSON answers: any task behind a load balancer can answer any call.
    server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, json_response=True, host="0.0.0.0"
    )
    _current = server.session_manager
    app = _Guarded(StreamableHTTPASGIApp(server.session_manager), settings)
    return Route(MCP_PATH, endpoint=app, methods=["GET", "POST", "DELETE"])


@asynccontextmanager
async def running_mcp() -> AsyncIterator[None]:
    """Run the MCP session manager for as long as the server runs."""
    if _current is None:
        yield
        return
    async with _current.run():
        yield

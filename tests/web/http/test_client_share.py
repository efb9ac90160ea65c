"""One client address has at most MAX_CLIENT_REQUESTS requests in work at once (issue 19: a
client's CPU share around the model)."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.conftest import held_model, run_apart
from web.http.application import build_api
from web.http.classify import CLASSIFY_PATH
from web.http.client_share import ClientShare
from web.http.errors import Refusal

LABELS = ["旅行", "料理", "踊り"]


def _scope(client: str) -> dict:
    return {
        "type": "http", "method": "POST", "path": CLASSIFY_PATH, "raw_path": CLASSIFY_PATH.encode(),
        "query_string": b"", "headers": [(b"content-type", b"application/json")],
        "client": (client, 5000), "server": ("127.0.0.1", 80), "scheme": "http",
        "root_path": "", "http_version": "1.1",
    }  # fmt: skip


def test_a_client_past_its_share_is_told_to_wait_and_others_are_not(ready_service):
    app = build_api(ready_service.settings)
    limit = ready_service.settings.limits.max_client_requests

    async def scenario(held):
        leave = asyncio.Event()
        number = iter(range(100))

        async def call(client: str) -> list[dict]:
            body = json.dumps({"text": f"順番を待つ文です。{next(number)}", "labels": LABELS})
            sent: list[dict] = []
            read = []

            async def receive():
                if not read:
                    read.append(True)
                    return {"type": "http.request", "body": body.encode(), "more_body": False}
                await leave.wait()  # waiting ones leave at the end: their work is dropped
                return {"type": "http.disconnect"}

            async def send(message):
                sent.append(message)

            await app(_scope(client), receive, send)
            return sent

        async def queued() -> None:
            await asyncio.to_thread(held.queued.acquire)

        waiting = [asyncio.create_task(call("10.0.0.1")) for _ in range(limit)]
        for _ in waiting:
            await queued()
        refused = await call("10.0.0.1")
        other = asyncio.create_task(call("10.0.0.2"))
        await queued()  # another client's request reached the model's queue
        leave.set()
        await asyncio.gather(*waiting, other)
        return refused

    with held_model(ready_service) as held:
        refused = run_apart(scenario(held))
    headers = dict(refused[0]["headers"])
    assert refused[0]["status"] == 429
    assert headers[b"retry-after"] == b"1"
    body = json.loads(refused[1]["body"])
    assert body["code"] == "error.client_busy" and str(limit) in body["error"]


def test_a_place_is_given_back_when_the_work_ends_or_fails():
    share = ClientShare(1)

    async def scenario():
        with pytest.raises(RuntimeError):
            async with share.held("a"):
                raise RuntimeError("the route failed")
        async with share.held("a"):
            with pytest.raises(Refusal):
                async with share.held("a"):
                    pass
        async with share.held("a"):
            pass

    run_apart(scenario())

"""What an honest client meets while another client attacks: its p95 during each attack beside
its quiet p95, in the same run, on the live server.

    python -m bench.attacks [--seconds 20] [--threads 1] [--quantize int8] [--model DIR]

Starts the app as the container does (BERT-base-shaped model unless --model is given), then an
honest client from 127.0.0.1, in a process of its own, sends, once a second, `/api/classify`
with 3 labels (a new text each time, so the model works) and `GET /healthz`. Attackers connect
from 127.0.0.2 (another client address on loopback) and run, one after the other, for a fixed
time each:

- long text × 50 labels, and the largest request the cost bound accepts (long text × 20 labels)
- explain × 50 labels on a 152-character text, and explain × 3 labels
- a bulk session: lists of 16 paragraphs × 3 labels, back to back
- aborted POSTs: bodies cut off mid-way, and full requests whose client leaves at once
- upload flooding: 5 MB uploads under made-up session ids, then one honest upload

Bounded in count and time; loopback only. Prints one row per phase: the honest API and healthz
p95, their ratio to the quiet p95, and what the attacker got (status codes).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import queue
import socket
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from urllib.parse import urlparse

import httpx

from bench.common import LABEL_POOL, PARAGRAPHS, SENTENCES, bert_base_dir, machine, percentile
from bench.live_server import READY_TIMEOUT_SECONDS, live_server
from core.config import BatchingSettings, LimitSettings

HONEST_ADDRESS, ATTACKER_ADDRESS = "127.0.0.1", "127.0.0.2"
HONEST_LABELS = list(LABEL_POOL[:3])
# A request longer than this counts as a failure of the guarantee, not a wait.
REQUEST_TIMEOUT_SECONDS = 150
# Abort attacks: sockets per round, and in all per phase (the probe: 300 in 1.6 s).
ABORTS_PER_ROUND = 20
MAX_ABORTS = 300
UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOADS = 40  # 200 MB: past the per-client budget (100 MB), short of the process's (400 MB)
LONG_TEXT = ("".join(PARAGRAPHS) * 3)[:5000]
TEXT_152 = ("".join(SENTENCES))[:152]
# The guarantee's unit: one forward pass of this many padded tokens (the default setting).
PASS_TOKENS = BatchingSettings().max_batch_tokens
# MAX_LABELS distinct labels.
FIFTY_LABELS = [*LABEL_POOL, *(f"{label}の話" for label in LABEL_POOL[:20])]


@dataclass
class Phase:
    name: str
    api: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    honest_errors: int = 0
    attacker: Counter = field(default_factory=Counter)
    note: str = ""
    # The phase's window on the machine's monotonic clock (the honest process's samples too).
    start: float = 0.0
    end: float = 0.0


def _client(address: str, timeout: float = REQUEST_TIMEOUT_SECONDS) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def honest_process(url: str, samples, stop) -> None:
    """Once a second: a new 3-label classification, then /healthz, each timed; every sample
    (its start on the machine's monotonic clock, kind, seconds, ok) put on `samples`. Run in a
    process of its own: in the attackers' process it would wait for their threads' GIL, and
    measure that instead of the server."""
    numbers = count()
    with _client(HONEST_ADDRESS) as client:
        while not stop.is_set():
            began = time.monotonic()
            text = f"{SENTENCES[next(numbers) % len(SENTENCES)]}({next(numbers)})"
            for path, kind in (("/api/classify", "api"), ("/healthz", "health")):
                started = time.monotonic()
                try:
                    if kind == "api":
                        response = client.post(
                            url + path, json={"text": text, "labels": HONEST_LABELS}
                        )
                    else:
                        response = client.get(url + path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                samples.put((started, kind, time.monotonic() - started, ok))
            stop.wait(max(0.0, 1.0 - (time.monotonic() - began)))


def _collect(process, samples, phases: list[Phase]) -> None:
    """Drain the honest process's samples until it ends; each counts for the phase it started in."""
    records = []
    deadline = time.monotonic() + REQUEST_TIMEOUT_SECONDS
    while (process.is_alive() or not samples.empty()) and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            records.append(samples.get(timeout=1))
    process.join(5)
    for started, kind, took, ok in records:
        for phase in phases:
            if phase.start <= started < phase.end:
                getattr(phase, kind).append(took)
                phase.honest_errors += not ok


def _post_loop(url: str, body: dict, phase: Phase, stop: threading.Event) -> None:
    with _client(ATTACKER_ADDRESS) as client:
        while not stop.is_set():
            try:
                phase.attacker[client.post(url + "/api/classify", json=body).status_code] += 1
            except httpx.HTTPError as exc:
                phase.attacker[type(exc).__name__] += 1


def _aborted_bodies(url: str, phase: Phase, stop: threading.Event) -> None:
    """POSTs that promise a body and close half-way, round after round."""
    host, port = urlparse(url).hostname, urlparse(url).port
    head = (
        f"POST /api/classify HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        "Content-Length: 10000\r\n\r\n"
    ).encode()
    while not stop.is_set() and phase.attacker["aborted body"] < MAX_ABORTS:
        sockets = []
        for _ in range(ABORTS_PER_ROUND):
            sock = socket.create_connection(
                (host, port), timeout=5, source_address=(ATTACKER_ADDRESS, 0)
            )
            sock.sendall(head + b'{"text": "' + "途中".encode() * 100)
            sockets.append(sock)
        for sock in sockets:
            sock.close()
        phase.attacker["aborted body"] += len(sockets)


def _aborted_work(url: str, phase: Phase, stop: threading.Event) -> None:
    """Full requests at the cost bound whose client leaves as soon as they are sent."""
    import json

    host, port = urlparse(url).hostname, urlparse(url).port
    while not stop.is_set():
        body = json.dumps(
            {"text": f"{LONG_TEXT}{time.monotonic()}", "labels": list(LABEL_POOL[:20])}
        ).encode()
        head = (
            f"POST /api/classify HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        sock = socket.create_connection(
            (host, port), timeout=5, source_address=(ATTACKER_ADDRESS, 0)
        )
        sock.sendall(head + body)
        sock.close()
        phase.attacker["left after sending"] += 1
        stop.wait(0.5)


def _uploads(url: str, phase: Phase, stop: threading.Event) -> None:
    """5 MB uploads under made-up sessions from one address, then one honest upload."""
    data = b"x" * UPLOAD_BYTES
    with _client(ATTACKER_ADDRESS) as client:
        for number in range(MAX_UPLOADS):
            if stop.is_set():
                break
            try:
                path = f"/_stcore/upload_file/flood-{number}/file-1"
                phase.attacker[client.put(url + path, content=data).status_code] += 1
            except httpx.HTTPError as exc:
                phase.attacker[type(exc).__name__] += 1
    with _client(HONEST_ADDRESS) as client:
        response = client.put(url + "/_stcore/upload_file/honest/file-1", content=b"id,text\n")
        phase.note = f"honest upload after the flood: {response.status_code}"


def attacks(url: str) -> list[tuple[str, Callable[[Phase, threading.Event], None], int]]:
    """(name, attacker body, threads) for each phase after the quiet one."""

    def posting(body: dict) -> Callable[[Phase, threading.Event], None]:
        return lambda phase, stop: _post_loop(url, body, phase, stop)

    return [
        ("long text x 50 labels", posting({"text": LONG_TEXT, "labels": FIFTY_LABELS}), 4),
        (
            "long text x 20 labels (at the bound)",
            lambda phase, stop: _varied(url, LONG_TEXT, list(LABEL_POOL[:20]), phase, stop),
            2,
        ),
        (
            "explain x 50 labels (152 chars)",
            posting({"text": TEXT_152, "labels": FIFTY_LABELS, "explain": True}),
            4,
        ),
        (
            "explain x 3 labels (152 chars)",
            lambda phase, stop: _varied(url, TEXT_152, HONEST_LABELS, phase, stop, explain=True),
            2,
        ),
        (
            "bulk: 16 paragraphs x 3 labels",
            lambda phase, stop: _varied(url, None, HONEST_LABELS, phase, stop),
            2,
        ),
        ("aborted POST bodies", lambda phase, stop: _aborted_bodies(url, phase, stop), 2),
        ("clients leaving mid-work", lambda phase, stop: _aborted_work(url, phase, stop), 2),
        ("upload flooding", lambda phase, stop: _uploads(url, phase, stop), 1),
    ]


def _varied(
    url: str,
    text: str | None,
    labels: list[str],
    phase: Phase,
    stop: threading.Event,
    explain: bool = False,
) -> None:
    """Requests with a new text each time (the pair cache never answers); `text` None: a list
    of 16 paragraphs (bulk)."""
    numbers = count()
    with _client(ATTACKER_ADDRESS) as client:
        while not stop.is_set():
            n = next(numbers)
            if text is None:
                body: dict = {"text": [f"{p}{n}" for p in PARAGRAPHS[:10] + PARAGRAPHS[:6]]}
            else:
                body = {"text": f"{n}{text}"[: len(text)], "explain": explain}
            body["labels"] = labels
            try:
                phase.attacker[client.post(url + "/api/classify", json=body).status_code] += 1
            except httpx.HTTPError as exc:
                phase.attacker[type(exc).__name__] += 1


def run_phase(phase: Phase, attacker, threads: int, seconds: float) -> None:
    stop = threading.Event()
    phase.start = time.monotonic()
    workers = [
        threading.Thread(target=attacker, args=(phase, stop), daemon=True) for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    stop.wait(seconds)
    stop.set()
    phase.end = time.monotonic()
    for worker in workers:
        worker.join(REQUEST_TIMEOUT_SECONDS)


def unit_seconds(model_dir: str, threads: int, quantize: str, max_tokens: int):
    """(one forward pass of `max_tokens` padded tokens, 8 pairs; tokenizing the largest request
    a client may send, MAX_REQUEST_TOKENS of distinct paragraphs): medians, in this process
    before the server starts. The units the guarantee is stated in, measured in the same run."""
    from core.inference.model_loading import load_model

    loaded = load_model(model_dir, threads, quantize)
    return _pass_seconds(loaded, max_tokens), _tokenizing_seconds(loaded)


def _tokenizing_seconds(loaded) -> float:
    from core.config import DEFAULT_TEMPLATE, LimitSettings
    from core.inference.request import fill_template
    from core.inference.scoring import encode_pairs

    limit = LimitSettings().max_request_tokens
    hypothesis = [fill_template(DEFAULT_TEMPLATE, HONEST_LABELS[0])]
    times = []
    for round_number in range(3):
        started, tokens, number = time.perf_counter(), 0, 0
        while tokens < limit:
            text = f"{round_number}-{number}{PARAGRAPHS[number % len(PARAGRAPHS)]}"
            tokens += len(encode_pairs(loaded, text, hypothesis)[0].features["input_ids"])
            number += 1
        times.append(time.perf_counter() - started)
    return sorted(times)[1]


def _pass_seconds(loaded, max_tokens: int) -> float:
    import torch

    rows, width = 8, max_tokens // 8
    ids = torch.randint(5, loaded.model.config.vocab_size, (rows, width))
    segments = torch.zeros_like(ids)
    segments[:, width // 2 :] = 1
    times = []
    with torch.inference_mode():
        for _ in range(4):
            started = time.perf_counter()
            loaded.model(
                input_ids=ids, token_type_ids=segments, attention_mask=torch.ones_like(ids)
            )
            times.append(time.perf_counter() - started)
    return sorted(times[1:])[1]


def p95_ms(values: list[float]) -> float:
    return percentile(values, 95) * 1000 if values else float("nan")


def main(argv: list[str] | None = None) -> list[Phase]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--threads", type=int, default=1, help="NUM_THREADS (1 vCPU: 1)")
    parser.add_argument("--quantize", default="", help="QUANTIZE of the server (int8)")
    parser.add_argument("--model", help="model directory (default: the BERT-base-shaped one)")
    parser.add_argument("--only", help="run only the phases whose name holds this")
    args = parser.parse_args(argv)
    model_dir = args.model or str(bert_base_dir())
    env = {"MODEL_ID": model_dir, "NUM_THREADS": str(args.threads), "QUANTIZE": args.quantize}
    print(f"{machine()}; server NUM_THREADS={args.threads} QUANTIZE={args.quantize or 'fp32'}")
    one_pass, tokenizing = unit_seconds(model_dir, args.threads, args.quantize, PASS_TOKENS)
    print(f"one pass of {PASS_TOKENS} tokens (8 x {PASS_TOKENS // 8}): {one_pass * 1000:.0f} ms")
    print(f"tokenizing the largest request: {tokenizing * 1000:.0f} ms")
    phases: list[Phase] = []
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp), **env) as server:
        server.wait_for_model_state("ready", READY_TIMEOUT_SECONDS)
        spawn = multiprocessing.get_context("spawn")
        samples, stop = spawn.Queue(), spawn.Event()
        honest = spawn.Process(target=honest_process, args=(server.url, samples, stop))
        honest.start()
        quiet = Phase("quiet")
        run_phase(quiet, lambda phase, stop: stop.wait(), 1, args.seconds)
        phases.append(quiet)
        for name, attacker, threads in attacks(server.url):
            if args.only and args.only not in name:
                continue
            phase = Phase(name)
            run_phase(phase, attacker, threads, args.seconds)
            phases.append(phase)
        stop.set()
        _collect(honest, samples, phases)
        log = server.log().splitlines()
        errors = [line for line in log if '"status": 500' in line]
        causes = Counter(
            line.strip() for line in log if line.strip().endswith("Error") or "Error:" in line
        )
    report(phases, one_pass, tokenizing)
    print(f"server 500s logged: {len(errors)}; error lines: {dict(causes.most_common(5))}")
    return phases


def report(phases: list[Phase], one_pass: float, tokenizing: float) -> None:
    """A row per phase. The bound (docs/security.md): the quiet p95, plus two passes of
    MAX_BATCH_TOKENS (the one running when the request arrives, and its own, which the
    micro-batcher may fill with other clients' pairs), plus the attacking client's
    MAX_CLIENT_REQUESTS largest requests tokenized (the CPU it may take around the model), all
    measured above in the same run; `× bound` ≤ 1 keeps the guarantee."""
    quiet = phases[0]
    quiet_api, quiet_health = p95_ms(quiet.api), p95_ms(quiet.health)
    places = LimitSettings().max_client_requests
    bound = quiet_api + 2 * one_pass * 1000 + places * tokenizing * 1000
    print(
        f"bound: quiet API p95 {quiet_api:.0f} ms + 2 x one pass {one_pass * 1000:.0f} ms"
        f" + {places} x tokenizing {tokenizing * 1000:.0f} ms = {bound:.0f} ms"
    )
    print(
        "| phase | honest API p95 ms | × quiet | × bound | honest /healthz p95 ms | × quiet "
        "| honest errors | attacker got |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for phase in phases:
        api, health = p95_ms(phase.api), p95_ms(phase.health)
        got = ", ".join(f"{key}: {n}" for key, n in sorted(phase.attacker.items(), key=str))
        if phase.note:
            got += f"; {phase.note}"
        print(
            f"| {phase.name} | {api:.0f} | {api / quiet_api:.2f} | {api / bound:.2f} "
            f"| {health:.0f} | {health / quiet_health:.2f} | {phase.honest_errors} | {got or '-'} |"
        )


if __name__ == "__main__":
    main()

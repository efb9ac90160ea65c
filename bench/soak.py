"""Soak: 16 clients for a fixed time against /api/classify and page loads, on 127.0.0.1.

    python -m bench.soak [--seconds 60] [--clients 16] [--warmup 10] [--model DIR]

Starts the app as the container does (BERT-base-shaped model unless --model is given). Each
client loops until the time is up, taking turns: a classification with a unique text (so the
model works, not the result cache), the Streamlit page, the plain-HTTP page. Reports requests,
errors and p95 per kind, and the server's RSS once warm and at the end. Exits 1 if any request
failed or RSS grew by more than 10 % after warm-up.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.common import LABEL_POOL, TEXTS, bert_base_dir, client_from, machine, percentile
from bench.live_server import live_server

# Most a warm server's RSS may grow during the soak: more means something accumulates per request.
MAX_RSS_GROWTH = 0.10
# A request on a loaded 2-vCPU box takes well under this; a stuck one counts as an error.
REQUEST_TIMEOUT_SECONDS = 60
KINDS = ("api", "page", "lite")


def rss_mb(pid: int) -> float:
    """Resident memory now (not the peak): growth over time is what a leak shows."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class SoakResult:
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    rss_warm_mb: float = 0.0
    rss_end_mb: float = 0.0

    @property
    def total_errors(self) -> int:
        return sum(self.errors.values())

    @property
    def rss_growth(self) -> float:
        return self.rss_end_mb / self.rss_warm_mb - 1

    @property
    def passed(self) -> bool:
        return self.total_errors == 0 and self.rss_growth <= MAX_RSS_GROWTH


def _one(http: httpx.Client, url: str, kind: str, n: int, labels: list[str]) -> bool:
    if kind == "api":
        body = {"text": f"{TEXTS[n % len(TEXTS)]}(soak{n})", "labels": labels}
        response = http.post(url + "/api/classify", json=body)
        return response.status_code == 200 and len(response.json()["labels"]) == len(labels)
    path = "/" if kind == "page" else "/lite"
    response = http.get(url + path)
    return response.status_code == 200 and "<html" in response.text.lower()


def soak(url: str, clients: int, seconds: float, labels: list[str], result: SoakResult) -> None:
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        with client_from(offset, REQUEST_TIMEOUT_SECONDS) as http:
            turn = offset
            while time.monotonic() < deadline:
                kind = KINDS[turn % len(KINDS)]
                turn += 1
                with lock:
                    n = next(counter)
                started = time.perf_counter()
                try:
                    ok = _one(http, url, kind, n, labels)
                except (httpx.HTTPError, ValueError, KeyError):
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    result.latencies[kind].append(elapsed)
                    result.errors[kind] += not ok

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def report(result: SoakResult, clients: int) -> None:
    print(f"{clients} clients for {result.seconds:.0f} s after warm-up\n")
    print("| kind | requests | errors | p95 ms |")
    print("|---|---:|---:|---:|")
    for kind in KINDS:
        seconds = result.latencies[kind]
        p95 = percentile(seconds, 95) * 1000 if seconds else float("nan")
        print(f"| {kind} | {len(seconds)} | {result.errors[kind]} | {p95:.0f} |")
    print()
    print(f"RSS once warm: {result.rss_warm_mb:.0f} MB; at the end: {result.rss_end_mb:.0f} MB")
    print(f"RSS growth: {result.rss_growth:+.1%} (limit {MAX_RSS_GROWTH:+.0%})")
    print(f"errors: {result.total_errors}; {'PASS' if result.passed else 'FAIL'}")


def main(argv: list[str] | None = None) -> SoakResult:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60, help="soak time after warm-up")
    parser.add_argument("--warmup", type=float, default=10, help="same load, not measured")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--labels", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="NUM_THREADS of the server")
    parser.add_argument("--model", help="model directory (default: the BERT-base-shaped one)")
    args = parser.parse_args(argv)
    model_dir = args.model or str(bert_base_dir())
    labels = list(LABEL_POOL[: args.labels])
    print(f"Machine: {machine()}")
    print(f"Server: NUM_THREADS={args.threads}, model {Path(model_dir).name}")
    env = {"MODEL_ID": model_dir, "NUM_THREADS": str(args.threads)}
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp), **env) as server:
        server.wait_until("/readyz", 200, 300)
        soak(server.url, args.clients, args.warmup, labels, SoakResult(args.warmup))
        result = SoakResult(args.seconds, rss_warm_mb=rss_mb(server.process.pid))
        soak(server.url, args.clients, args.seconds, labels, result)
        result.rss_end_mb = rss_mb(server.process.pid)
    report(result, args.clients)
    return result


if __name__ == "__main__":
    sys.exit(0 if main().passed else 1)

"""Load on the real server: /api/classify with 1, 4 and 16 concurrent clients, on 127.0.0.1.

    python -m bench.load [--threads 2] [--requests 48] [--labels 3] [--quantize int8] [--rounds 5]

Starts the app as the container does (the Dockerfile's ENV; MAX_BATCH_PAIRS, BATCH_WAIT_MS,
OMP_WAIT_POLICY and GOMP_SPINCOUNT from the caller's environment override it), with the
BERT-base-shaped model, and reports: time from process start to /healthz 200 and /readyz 200; per
concurrency level throughput, p50, p95, errors and server CPU per request for a bounded number of
requests (every text unique, so the result cache is not what is measured); 16 clients against one
over several rounds; a repeated identical request (the cache); the bare forward it wraps; and the
server's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.common import (
    LABEL_POOL,
    TEMPLATE,
    TEXTS,
    bert_base_dir,
    client_from,
    machine,
    summary,
)
from bench.live_server import live_server

CONCURRENCY = (1, 4, 16)
# A request on a loaded 2-vCPU box takes well under this; a stuck one counts as an error.
REQUEST_TIMEOUT_SECONDS = 120
CACHE_RUNS = 20
TUNABLES = ("MAX_BATCH_PAIRS", "BATCH_WAIT_MS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_level(url: str, clients: int, total: int, labels: list[str], tag: str):
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def client(index: int) -> None:
        nonlocal errors
        with client_from(index, REQUEST_TIMEOUT_SECONDS) as http:
            for i in counter:
                # A unique text per request: the result cache must not answer for the model.
                body = {"text": f"{TEXTS[i % len(TEXTS)]}({tag}{i})", "labels": labels}
                started = time.perf_counter()
                try:
                    ok = http.post(url + "/api/classify", json=body).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return total / wall, *summary(latencies), errors


def bare_forward_p50(
    model_dir: str, threads: int, quantize: str, labels: list[str], runs: int
) -> float:
    """The in-process forward pass the API wraps, on the same thread count, for comparison."""
    import torch

    from core.config import ModelSettings, Settings
    from core.inference import scoring
    from core.inference.model_loading import load_model
    from core.inference.request import build_request

    torch.set_num_threads(threads)
    loaded = load_model(model_dir, threads, quantize)
    settings = Settings(model=ModelSettings(model_id=model_dir))
    seconds = []
    for i in range(runs + 2):
        request = build_request(f"{TEXTS[i % len(TEXTS)]}(bare{i})", labels, settings, TEMPLATE)
        started = time.perf_counter()
        scoring.classify(loaded, request)
        if i >= 2:
            seconds.append(time.perf_counter() - started)
    return summary(seconds)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2, help="NUM_THREADS of the server")
    parser.add_argument("--requests", type=int, default=48, help="requests per level")
    parser.add_argument("--labels", type=int, default=3)
    parser.add_argument("--quantize", default="", choices=["", "int8"])
    parser.add_argument("--rounds", type=int, default=5, help="1- and 16-client rounds to compare")
    args = parser.parse_args()
    model_dir = str(bert_base_dir())
    labels = list(LABEL_POOL[: args.labels])

    bare = bare_forward_p50(model_dir, args.threads, args.quantize, labels, args.requests // 2)
    print(f"Machine: {machine()}")
    print(f"Server: NUM_THREADS={args.threads} QUANTIZE={args.quantize or 'off'}, BERT-base shape")
    print(f"Labels per request: {args.labels}; requests per level: {args.requests}\n")
    env = {"MODEL_ID": model_dir, "NUM_THREADS": str(args.threads), "QUANTIZE": args.quantize}
    # Knobs to try against the defaults without editing the Dockerfile.
    env.update({name: os.environ[name] for name in TUNABLES if name in os.environ})
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp), **env) as server:
        server.wait_until("/healthz", 200, 60)
        health_s = time.monotonic() - server.started_at
        server.wait_until("/readyz", 200, 300)
        ready_s = time.monotonic() - server.started_at
        print(f"process start → /healthz 200: {health_s:.2f} s; → /readyz 200: {ready_s:.2f} s")
        rss_idle = peak_rss_mb(server.process.pid)
        print(f"peak RSS with the model loaded, before load: {rss_idle:.0f} MB\n")

        print("| clients | throughput req/s | p50 ms | p95 ms | errors | server CPU ms/request |")
        print("|---:|---:|---:|---:|---:|---:|")
        results = {}
        for clients in CONCURRENCY:
            cpu_before = cpu_seconds(server.process.pid)
            results[clients] = run_level(server.url, clients, args.requests, labels, f"c{clients}-")
            cpu_ms = (cpu_seconds(server.process.pid) - cpu_before) / args.requests * 1000
            throughput, p50, p95, errors = results[clients]
            row = [f"{throughput:.2f}", f"{p50:.0f}", f"{p95:.0f}", str(errors), f"{cpu_ms:.0f}"]
            print(f"| {clients} | " + " | ".join(row) + " |")

        body = {"text": TEXTS[0], "labels": labels}
        httpx.post(server.url + "/api/classify", json=body, timeout=REQUEST_TIMEOUT_SECONDS)
        repeated = []
        with httpx.Client() as http:
            for _ in range(CACHE_RUNS):
                started = time.perf_counter()
                http.post(server.url + "/api/classify", json=body)
                repeated.append(time.perf_counter() - started)
        cache_p50, cache_p95 = summary(repeated)
        api_p50 = results[1][1]
        print()
        print(f"bare forward p50 (in process, same threads): {bare:.0f} ms")
        print(f"/api/classify p50 with 1 client: {api_p50:.0f} ms ({api_p50 / bare - 1:+.1%})")
        print(f"repeated identical request: p50 {cache_p50:.1f} ms, p95 {cache_p95:.1f} ms")
        # One pair of levels swings by +-10 % on a shared 2-vCPU box: repeat them back to back.
        ratios = [results[16][0] / results[1][0]]
        for round_ in range(1, args.rounds):
            one = run_level(server.url, 1, args.requests, labels, f"r{round_}-1-")[0]
            many = run_level(server.url, 16, args.requests, labels, f"r{round_}-16-")[0]
            ratios.append(many / one)
        rounds = ", ".join(f"{ratio:.2f}" for ratio in ratios)
        print(
            f"throughput 16 clients / 1 client: {statistics.median(ratios):.2f}x "
            f"(median of {len(ratios)} rounds: {rounds})"
        )
        print(f"server peak RSS after all levels: {peak_rss_mb(server.process.pid):.0f} MB")


if __name__ == "__main__":
    main()

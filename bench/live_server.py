"""Start the real app as the container does (`streamlit run app.py`), on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# Importing torch and streamlit on a busy 2-core CI box can take this long.
START_TIMEOUT_SECONDS = 60
READY_TIMEOUT_SECONDS = 120
POLL_SECONDS = 0.05
# Debian's Chromium, as the browser tests and bench/cold_start.py drive it. Without the
# background-networking flags it keeps dialling hosts this sandbox refuses.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    started_at: float
    # The process's environment: where its store is (core.config.Settings.from_env).
    env: dict[str, str] = field(default_factory=dict, repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until(self, path: str, status: int, timeout: float) -> httpx.Response:
        deadline = time.monotonic() + timeout
        last: httpx.Response | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                last = httpx.get(self.url + path, timeout=5)
                if last.status_code == status:
                    return last
            except httpx.TransportError:
                pass
            time.sleep(POLL_SECONDS)
        raise TimeoutError(f"{path} never answered {status} (last: {last}):\n{self.log()}")

    def wait_for_model_state(self, state: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        body: dict = {}
        while time.monotonic() < deadline:
            body = self.wait_until("/healthz", 200, timeout).json()
            if body["model"]["state"] == state:
                return body
            time.sleep(POLL_SECONDS)
        raise TimeoutError(f"model never reached {state} (last: {body}):\n{self.log()}")


@contextmanager
def live_server(tmp_dir: Path, port: int | None = None, **env: str) -> Iterator[LiveServer]:
    """The app exactly as the Dockerfile's CMD runs it, with the image's ENV.

    Only the address (127.0.0.1, not 0.0.0.0) and the port differ, set through Streamlit's env;
    a `port` of its own (a task restarted behind the same proxy), else a free one.
    """
    from tests.dockerfile import read_dockerfile, runtime_env

    command = read_dockerfile().cmd
    executable = shutil.which(command[0], path=str(Path(sys.executable).parent)) or shutil.which(
        command[0]
    )
    port = port or free_port()
    log_path = tmp_dir / f"server-{port}.log"
    full_env = {
        **os.environ,
        **runtime_env(),
        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
        "STREAMLIT_SERVER_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    with log_path.open("w") as log:
        started_at = time.monotonic()
        process = subprocess.Popen(
            [executable, *command[1:]],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path, started_at, full_env)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

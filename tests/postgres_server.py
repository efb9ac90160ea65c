"""A real PostgreSQL server on 127.0.0.1 for tests: start, stop, freeze, thaw (Debian's package)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from glob import glob
from pathlib import Path

import pytest

from bench.live_server import free_port

# Debian's postgresql package puts its server programs here, one folder per major version.
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# initdb + start on a 2-core box takes a few seconds; far slower means something is wrong.
PG_START_SECONDS = 60


def _pg_bin() -> Path:
    found = sorted(glob(PG_BIN_GLOB))
    if not found:
        pytest.fail("PostgreSQL is not installed: .ci/run installs Debian's postgresql package")
    return Path(found[-1])


def _as_postgres(*command: str) -> list[str]:
    # The server refuses to run as root; CI runs as root, so run it as the package's user.
    return ["runuser", "-u", "postgres", "--", *command]


class PostgresServer:
    def __init__(self, home: Path) -> None:
        self.bin_dir = _pg_bin()
        self.home = home
        self.data = home / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            _as_postgres(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *args),
            check=check,
            capture_output=True,
            timeout=PG_START_SECONDS,
        )

    def init(self) -> None:
        subprocess.run(
            _as_postgres(
                str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
            ),
            check=True,
            capture_output=True,
            timeout=PG_START_SECONDS,
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data}"
        # With -l the server does not hold our output pipe open.
        self._pg_ctl("-o", options, "-l", str(self.home / "log"), "-w", "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop", check=False)

    def _pids(self) -> list[int]:
        """The postmaster and every backend it has forked."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """Stop every server process in its tracks: connections stay open, nothing answers."""
        for pid in self._pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._pids():
            os.kill(pid, signal.SIGCONT)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    # Not under pytest's tmp folder: that is private to root, and the server runs as postgres.
    home = Path(tempfile.mkdtemp(prefix="zeroshot-pg-"))
    shutil.chown(home, "postgres")
    server = PostgresServer(home)
    server.init()
    server.start()
    try:
        yield server
    finally:
        with suppress(OSError, ValueError):
            server.thaw()
        server.stop()
        shutil.rmtree(home, ignore_errors=True)

"""Debian's nginx on 127.0.0.1 as stand-ins for the two kinds of host in front of the app.

- like an ALB (ECS, ECS Express Mode): forwards WebSocket upgrades;
- like App Runner: HTTP/1.1 only, the upgrade is not passed on, requests cut at 120 s.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.live_server import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_TIMEOUT_SECONDS = 10

_COMMON = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log {tmp}/access.log;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
{upgrade}
    }}
  }}
}}
"""
FORWARD_UPGRADE = """      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;"""
# App Runner passes requests, not upgrades: the WebSocket handshake never reaches the app.
DROP_UPGRADE = """      proxy_set_header Upgrade "";
      proxy_set_header Connection "";"""


@contextmanager
def nginx_proxy(tmp_dir: Path, upstream_port: int, websockets: bool) -> Iterator[str]:
    tmp_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = tmp_dir / "nginx.conf"
    conf.write_text(
        _COMMON.format(
            tmp=tmp_dir,
            port=port,
            upstream=upstream_port,
            upgrade=FORWARD_UPGRADE if websockets else DROP_UPGRADE,
        )
    )
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp_dir), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited: {process.stderr.read().decode()}")
            try:
                httpx.get(url + "/healthz", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)

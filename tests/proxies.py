"""Debian's nginx on 127.0.0.1 as stand-ins for the kinds of host in front of the app.

- like an ALB (ECS, ECS Express Mode): forwards WebSocket upgrades;
- like App Runner: HTTP/1.1 only, the upgrade is not passed on, requests cut at 120 s;
- like an ALB with sticky sessions in front of several tasks (copilot/zeroshot-full's
  `http.stickiness`): the balancer's cookie names the task, a browser without it gets one.
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

_CONFIG = """
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
{routing}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://{target};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
{upgrade}
{headers}
    }}
  }}
}}
"""
FORWARD_UPGRADE = """      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;"""
# App Runner passes requests, not upgrades: the WebSocket handshake never reaches the app.
DROP_UPGRADE = """      proxy_set_header Upgrade "";
      proxy_set_header Connection "";"""


# The ALB's duration-based stickiness, as nginx: its cookie (AWSALB) names the task; a browser
# without one is given a task (an equal share each) and the cookie, renewed on every answer, as
# the ALB does. X-Task says which task answered, for the tests.
_STICKY_ROUTING = """{upstreams}
  split_clients "${{remote_port}}${{msec}}" $new_task {{
{split}
  }}
  map $cookie_{cookie} $task {{
    default $new_task;
{known}
  }}"""
_STICKY_HEADERS = """      add_header Set-Cookie "{cookie}=$task; Path=/" always;
      add_header X-Task $task always;"""
STICKY_COOKIE = "AWSALB"


@contextmanager
def _running(tmp_dir: Path, config: str, port: int) -> Iterator[str]:
    conf = tmp_dir / "nginx.conf"
    conf.write_text(config)
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


@contextmanager
def nginx_proxy(tmp_dir: Path, upstream_port: int, websockets: bool) -> Iterator[str]:
    tmp_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = _CONFIG.format(
        tmp=tmp_dir,
        port=port,
        routing="",
        target=f"127.0.0.1:{upstream_port}",
        upgrade=FORWARD_UPGRADE if websockets else DROP_UPGRADE,
        headers="",
    )
    with _running(tmp_dir, config, port) as url:
        yield url


@contextmanager
def sticky_proxy(tmp_dir: Path, tasks: dict[str, int]) -> Iterator[str]:
    """One address in front of several tasks ({name: port}), each browser kept on one task by
    the cookie STICKY_COOKIE=<name>, as an ALB target group with stickiness keeps it."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    names = sorted(tasks)
    share = 100 / len(names)
    routing = _STICKY_ROUTING.format(
        cookie=STICKY_COOKIE,
        upstreams="\n".join(
            f"  upstream task_{name} {{ server 127.0.0.1:{tasks[name]}; }}" for name in names
        ),
        split="\n".join(f"    {share:.1f}% {name};" for name in names[:-1])
        + f"\n    * {names[-1]};",
        known="\n".join(f"    {name} {name};" for name in names),
    )
    config = _CONFIG.format(
        tmp=tmp_dir,
        port=port,
        routing=routing,
        target="task_$task",
        upgrade=FORWARD_UPGRADE,
        headers=_STICKY_HEADERS.format(cookie=STICKY_COOKIE),
    )
    with _running(tmp_dir, config, port) as url:
        yield url

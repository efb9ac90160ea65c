"""The Dockerfile's contract (CMD, ENV, EXPOSE): tests run the app as the image does."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


@dataclass
class DockerfileContract:
    cmd: list[str]
    env: dict[str, str] = field(default_factory=dict)
    exposed: list[int] = field(default_factory=list)
    healthcheck: str = ""
    user: str = ""
    text: str = ""


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def read_dockerfile() -> DockerfileContract:
    text = DOCKERFILE.read_text(encoding="utf-8")
    contract = DockerfileContract(cmd=[], text=text)
    for keyword, rest in _instructions(text):
        if keyword == "CMD":
            contract.cmd = json.loads(rest)
        elif keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                contract.env[name] = value
        elif keyword == "EXPOSE":
            contract.exposed += [int(port.split("/")[0]) for port in rest.split()]
        elif keyword == "HEALTHCHECK":
            contract.healthcheck = rest
        elif keyword == "USER":
            contract.user = rest
    return contract


def runtime_env(**overrides: str) -> dict[str, str]:
    """The image's ENV, minus build-arg references (the tests supply their own model)."""
    env = {k: v for k, v in read_dockerfile().env.items() if "${" not in v}
    return env | overrides

"""A bulk run's output: a folder of numbered parts, each written whole or not at all, and a
manifest naming the arguments they were made with.

Part k holds input rows [k * part_rows, (k + 1) * part_rows) in input order. A part is written
to a temporary name and then moved to its own (a rename on a local disk; on S3 an object is
whole once its upload completes), so a part that exists is finished: a rerun with the same
arguments skips it. Paths are local or any URI pyarrow.fs knows (s3://, gs://, hdfs://).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow.fs as pafs

MANIFEST = "_manifest.json"
TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"
PART_DIGITS = 5
_PART_NAME = re.compile(r"^part-(\d+)\.(parquet|csv)$")


def open_folder(uri: str) -> tuple[pafs.FileSystem, str]:
    """The filesystem and path of a local path or a URI (s3://bucket/key, …)."""
    if "://" not in uri:
        uri = os.path.abspath(uri)
    return pafs.FileSystem.from_uri(uri)


def arguments_hash(arguments: Mapping[str, Any]) -> str:
    """A stable digest of what makes the output what it is."""
    text = json.dumps(arguments, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class OutputFolder:
    """Numbered parts and a manifest under one folder."""

    filesystem: pafs.FileSystem
    path: str
    suffix: str  # "parquet" or "csv"

    @classmethod
    def at(cls, uri: str, suffix: str) -> OutputFolder:
        filesystem, path = open_folder(uri)
        return cls(filesystem, path.rstrip("/"), suffix)

    def _join(self, name: str) -> str:
        return posixpath.join(self.path, name)

    def part_name(self, part: int) -> str:
        return f"part-{part:0{PART_DIGITS}d}.{self.suffix}"

    def _exists(self, path: str) -> bool:
        return self.filesystem.get_file_info(path).type == pafs.FileType.File

    def manifest(self) -> dict[str, Any] | None:
        path = self._join(MANIFEST)
        if not self._exists(path):
            return None
        with self.filesystem.open_input_stream(path) as stream:
            return json.loads(stream.read().decode("utf-8"))

    def _files(self) -> list[pafs.FileInfo]:
        if self.filesystem.get_file_info(self.path).type != pafs.FileType.Directory:
            return []
        selector = pafs.FileSelector(self.path, recursive=False)
        return [info for info in self.filesystem.get_file_info(selector) if info.is_file]

    def done_parts(self) -> set[int]:
        """Parts written whole (a part half-written by a crash has only its temporary name)."""
        found = (_PART_NAME.match(info.base_name) for info in self._files())
        return {int(match.group(1)) for match in found if match and match.group(2) == self.suffix}

    def write(self, name: str, data: bytes) -> None:
        """`data` under `name`, whole or not at all: a temporary name first, then moved."""
        self.filesystem.create_dir(self.path, recursive=True)
        temp = self._join(f"{TEMP_PREFIX}{name}.{os.getpid()}{TEMP_SUFFIX}")
        with self.filesystem.open_output_stream(temp) as stream:
            stream.write(data)
        self.filesystem.move(temp, self._join(name))

    def write_part(self, part: int, data: bytes) -> None:
        self.write(self.part_name(part), data)

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        self.write(MANIFEST, text.encode("utf-8"))

    def clear(self) -> None:
        """Remove every part, temporary file and the manifest (a run started over)."""
        for info in self._files():
            name = info.base_name
            ours = _PART_NAME.match(name) or name == MANIFEST
            leftover = name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)
            if ours or leftover:
                self.filesystem.delete_file(info.path)

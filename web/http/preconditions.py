"""A saved set's ETag and If-Match, as RFC 9110 (section 13.1.1) reads them: shared by the
label-set routes and the routes that write what was measured about a set version."""

from __future__ import annotations

from core.labels.store import SavedSet


def etag(saved: SavedSet) -> str:
    """The set version's strong entity tag: its version number, quoted."""
    return f'"{saved.version}"'


def matches(header: str, saved: SavedSet | None) -> bool:
    """If-Match: strong comparison (a weak tag never matches); `*` matches any current set."""
    if saved is None:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or etag(saved) in tags

"""Bulk classification of a whole corpus on Ray Data: `python -m core.bulk classify` (see
__main__.py and docs/bulk.md). Needs the `bulk` extra (pip install ".[bulk]"); nothing else in
the app imports it."""

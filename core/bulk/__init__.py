"""Bulk classification of a whole corpus on Ray Data: `python -m core.bulk classify` (see
__main__.py and docs/bulk.md). Needs requirements-bulk.txt; nothing else in the app imports it."""

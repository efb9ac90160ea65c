"""Fixtures for the inference layer live in tests/conftest.py (pages count passes too)."""

"""The typed errors core raises."""

from __future__ import annotations

from core.messages import DEFAULT_LANGUAGE, message


class InputError(ValueError):
    """Bad input a person can fix; the message says how."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(message(key, DEFAULT_LANGUAGE, **params))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return message(self.key, lang, **self.params)


class ModelError(RuntimeError):
    """The model cannot be loaded or is unusable for zero-shot NLI."""


class ModelNotReady(RuntimeError):
    """The model is still loading, or failed to load."""

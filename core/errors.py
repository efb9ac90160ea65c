"""The typed errors core raises."""

from __future__ import annotations

from core.messages import DEFAULT_LANGUAGE, message


class InputError(ValueError):
    """Bad input a person can fix; the message says how."""

    def __init__(self, key: str, index: int | None = None, **params: object) -> None:
        self.key = key
        self.params = params
        # Which item of a list was bad (from 0), when the input was a list.
        self.index = index
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        text = message(self.key, lang, **self.params)
        if self.index is None:
            return text
        return message("error.text_item", lang, index=self.index, detail=text)

    def at(self, index: int) -> InputError:
        """The same error, said of item `index` of a list."""
        return InputError(self.key, index=index, **self.params)


class Conflict(InputError):
    """Someone else changed or took what this change was based on: read it again, then retry.
    HTTP: 412 Precondition Failed."""


class Mismatch(InputError):
    """Well-formed input that does not fit the current state of what it names: rows expecting a
    label the saved set does not have, or too few rows for one of its labels. Change the input
    or the set, then retry. HTTP: 409 Conflict (RFC 9110 section 15.5.10: the request conflicts
    with the current state of the target resource)."""


class StoreUnavailable(RuntimeError):
    """The database behind saved sets, workspaces and jobs cannot be reached now (not the
    user's fault: nothing to fix in the input; try again). HTTP: 503 with Retry-After."""

    def __init__(self, key: str = "store.unreachable", **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return message(self.key, lang, **self.params)


class ModelError(RuntimeError):
    """The model cannot be loaded or is unusable for zero-shot NLI."""


class ModelNotReady(RuntimeError):
    """The model is still loading, or failed to load."""


class ModelBusy(RuntimeError):
    """Too much work is already waiting for the model: come back in a moment."""


class Cancelled(RuntimeError):
    """The work's caller has gone (a closed tab, a dropped connection, a stopped job): the work
    was dropped, nobody is waiting for its answer."""

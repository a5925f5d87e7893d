"""Results of pure functions of text, remembered between builds, so that each is worked out once.

Rendering a field's Markdown (Pygments above all) and converting it for the text formats are the
expensive parts of a build. A Memo starts from what an earlier build computed (the caller loads it
from disk and checks that it was written by this very version of cardsmith and its libraries),
computes what it does not know, and records every result asked for, so that the next build's
cache holds exactly this build's results.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

Arg = str | tuple[tuple[str, str], ...]


def key_of(function: Callable[..., str], args: tuple[Arg, ...]) -> bytes:
    """The key of a result: the function's name and its arguments (length-prefixed, so none runs into the next)."""
    parts = [f"{function.__module__}.{function.__qualname__}"]
    parts += [arg if isinstance(arg, str) else json.dumps(arg, ensure_ascii=False) for arg in args]
    blob = "".join(f"{len(part)}:{part}" for part in parts)
    return hashlib.blake2b(blob.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Memo:
    """Call a pure function of text, or give back its result from this build or the last one."""

    def __init__(self, known: Mapping[bytes, str] | None = None) -> None:
        self._known = known or {}
        self._used: dict[bytes, str] = {}

    def __call__(self, function: Callable[..., str], *args: Any) -> str:
        key = key_of(function, args)
        value = self._used.get(key)
        if value is None:
            value = self._known.get(key)
            if value is None:
                value = function(*args)
            self._used[key] = value
        return value

    def lookup(self, key: bytes) -> str | None:
        """A result by its key, counted as used; None when neither build has it."""
        value = self._used.get(key)
        if value is None:
            value = self._known.get(key)
            if value is not None:
                self._used[key] = value
        return value

    def knows(self, key: bytes) -> bool:
        return key in self._used or key in self._known

    def add(self, key: bytes, value: str) -> None:
        """Record a result computed elsewhere (by a worker process, or a loader)."""
        self._used[key] = value

    @property
    def used(self) -> dict[bytes, str]:
        """Every result asked for in this build: what the next build's cache needs."""
        return self._used

    @property
    def unchanged(self) -> bool:
        """Whether this build asked for exactly what the previous one knew (nothing to save)."""
        return self._used.keys() == self._known.keys()

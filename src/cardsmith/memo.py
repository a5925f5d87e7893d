"""Results of pure functions of text, remembered between builds, so that each is worked out once.

Rendering a field's Markdown (Pygments above all) and converting it for the text formats are the
expensive parts of a build. A Memo starts from what an earlier build computed (the caller loads it
from disk and checks that it was written by this very version of cardsmith and its libraries),
computes what it does not know, and records every result asked for, so that the next build's
cache holds exactly this build's results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, KeysView, Mapping
from typing import Any

Arg = str | tuple[tuple[str, str], ...]


def _feed(digest: Any, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def key_of(function: Callable[..., str], args: tuple[Arg, ...]) -> bytes:
    """The key of a result: the function's name and its arguments, each length-prefixed so none runs into the next."""
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, f"{function.__module__}.{function.__qualname__}")
    for arg in args:
        if isinstance(arg, str):
            digest.update(b"s")
            _feed(digest, arg)
        else:
            digest.update(b"p%d" % len(arg))
            for first, second in arg:
                _feed(digest, first)
                _feed(digest, second)
    return digest.digest()


class Recorder:
    """A Memo that also notes the keys of everything asked through it (what one output was built from)."""

    def __init__(self, memo: Memo) -> None:
        self.memo = memo
        self.keys: dict[bytes, None] = {}

    def __call__(self, function: Callable[..., str], *args: Any) -> str:
        key = key_of(function, args)
        self.keys[key] = None
        return self.memo.get(key, function, *args)

    @property
    def used(self) -> bytes:
        return b"".join(self.keys)


class Memo:
    """Call a pure function of text, or give back its result from this build or the last one."""

    def __init__(self, known: Mapping[bytes, str] | None = None) -> None:
        self._known = known or {}
        self._used: dict[bytes, str | Callable[[], str]] = {}

    def __call__(self, function: Callable[..., str], *args: Any) -> str:
        return self.get(key_of(function, args), function, *args)

    def get(self, key: bytes, function: Callable[..., str], *args: Any) -> str:
        """`function(*args)`, whose key the caller already has."""
        value = self.lookup(key)
        if value is None:
            value = self._used[key] = function(*args)
        return value

    def lookup(self, key: bytes) -> str | None:
        """A result by its key, counted as used; None when neither build has it."""
        value = self._used.get(key)
        if callable(value):
            value = self._used[key] = value()
        if value is None:
            value = self._known.get(key)
            if value is not None:
                self._used[key] = value
        return value

    def knows(self, key: bytes) -> bool:
        return key in self._used or key in self._known

    def keep(self, keys: bytes) -> None:
        """Count results of the last build as used without asking for them (`keys`: 16-byte keys, joined).

        An output that is not built again still needs its results next time it is.
        """
        for start in range(0, len(keys), 16):
            key = keys[start : start + 16]
            if key not in self._used and key in self._known:
                self._used[key] = self._known[key]

    def add(self, key: bytes, value: str | Callable[[], str]) -> None:
        """Record a result computed elsewhere (by a worker process, or a loader).

        A result given as a function is made only when asked for or written to the cache, so that a
        build does not hold a large text it may never need (a question file's cards as JSON).
        """
        self._used[key] = value

    @property
    def used(self) -> dict[bytes, str | Callable[[], str]]:
        """Every result asked for in this build: what the next build's cache needs."""
        return self._used

    def fresh(self) -> Iterator[bytes]:
        """The keys of the results this build made, or made again (the last build had none, or another)."""
        for key, value in self._used.items():
            if self._known.get(key) is not value:
                yield key

    @property
    def known(self) -> KeysView[bytes]:
        """The keys of the results of the last build."""
        return self._known.keys()

    @property
    def unchanged(self) -> bool:
        """Whether this build asked for exactly what the previous one knew (nothing to save)."""
        return self._used.keys() == self._known.keys()

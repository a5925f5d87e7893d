"""Closest-match suggestions for messages ("did you mean …?")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates most like `word`, best first."""
    pool = sorted(set(candidates))
    by_fold = {c.casefold(): c for c in pool}
    found = difflib.get_close_matches(word.casefold(), list(by_fold), n=n, cutoff=cutoff)
    return [by_fold[f] for f in found]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix, or nothing."""
    found = closest(word, candidates, n=1)
    return f" (did you mean '{found[0]}'?)" if found else ""

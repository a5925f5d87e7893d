"""Python version ranges as cards write them (`python: ">=3.13"`, `">=3.11,<3.14"`), read and matched (pure)."""

from __future__ import annotations

import re

_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*([0-9]+(?:\.[0-9]+){0,2})\s*")
Range = tuple[tuple[str, tuple[int, ...]], ...]


def parse_range(text: str) -> tuple[Range, str]:
    """The clauses of a range, and "" — or () and why it cannot be read."""
    clauses = []
    for part in text.split(","):
        match = _CLAUSE.fullmatch(part)
        if match is None:
            return (), "write a range of versions such as '>=3.13' or '>=3.11,<3.14'"
        clauses.append((match.group(1), tuple(int(n) for n in match.group(2).split("."))))
    return tuple(clauses), ""


def matches(clauses: Range, version: tuple[int, ...]) -> bool:
    """Whether a version (e.g. sys.version_info[:3]) is in the range; each clause compares as many parts as it has."""
    for op, wanted in clauses:
        have = tuple(version[: len(wanted)])
        ok = {
            ">=": have >= wanted,
            "<=": have <= wanted,
            ">": have > wanted,
            "<": have < wanted,
            "==": have == wanted,
            "!=": have != wanted,
        }[op]
        if not ok:
            return False
    return True

"""Problems found in the sources, and the exceptions that carry them to the command line."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a source file; line and column start at 1 (0 means unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col or 1}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the sources, compiler-style."""

    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message}"


def error(location: Location, message: str) -> Problem:
    """Make an error problem."""
    return Problem(Severity.ERROR, location, message)


def warning(location: Location, message: str) -> Problem:
    """Make a warning problem."""
    return Problem(Severity.WARNING, location, message)


def has_errors(problems: tuple[Problem, ...] | list[Problem]) -> bool:
    """Tell whether any problem is an error (warnings alone do not stop a build)."""
    return any(p.severity is Severity.ERROR for p in problems)


def sort_problems(problems: list[Problem] | tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Order problems by file and position, keeping the order of problems at one place."""
    return tuple(sorted(problems, key=lambda p: (p.location.path, p.location.line, p.location.col)))


class CardsmithError(Exception):
    """Base class of everything cardsmith reports without a traceback."""


class ProblemsError(CardsmithError):
    """The sources have errors; nothing was written."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class OutputError(CardsmithError):
    """An output folder or file cannot be written."""

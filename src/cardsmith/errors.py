"""Problems found in the sources, and the exceptions that carry them to the command line."""

from __future__ import annotations

from cardsmith.model import Location, Problem, Severity

__all__ = [
    "CardsmithError",
    "Location",
    "OutputError",
    "Problem",
    "ProblemsError",
    "Severity",
    "error",
    "has_errors",
    "sort_problems",
    "warning",
]


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

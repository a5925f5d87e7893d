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


# --- Problems as GitHub Actions annotations (`cardsmith check --format-errors github`) ------------


def _escape_data(text: str) -> str:
    """A workflow command's message as GitHub's runner reads it back (actions/toolkit, `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property value (`escapeProperty`): `:` and `,` separate properties."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """A problem as the workflow command that annotates its line: `::error file=…,line=…,col=…::message`."""
    where = problem.location
    fields = [f"file={_escape_property(where.path)}"] if where.path else []
    if where.line:
        fields += [f"line={where.line}", f"col={where.col or 1}"]
    properties = " " + ",".join(fields) if fields else ""
    return f"::{problem.severity.value}{properties}::{_escape_data(problem.message)}"

"""Quizlet: text to paste into Create → Import, with Quizlet's default separators.

Quizlet's import has no quoting: a tab ends the term and a newline ends the card (docs/formats.md §5,
[3p]), so each card is flattened to one line, line breaks shown as ` ⏎ ` and tabs as spaces.
There are no ids: every import makes new terms.
"""

from __future__ import annotations

from cardsmith.exporters import text
from cardsmith.exporters.base import Convert, Output
from cardsmith.exporters.plain_csv import front_back
from cardsmith.model import BuiltDeck, Sides


def line(sides: Sides, convert: Convert) -> str:
    """One card: term, tab, definition."""
    front, back = front_back(sides, convert)
    return text.flatten_lines(front) + "\t" + text.flatten_lines(back)


def file_name(deck: BuiltDeck) -> str:
    return f"{deck.config.id}-quizlet.txt"


class QuizletExporter:
    name = "quizlet"
    description = "Quizlet import text (term<TAB>definition, one card per line)"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (file_name(deck),)

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        return (Output(file_name(deck), deck.notes),)

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        lines = [line(note.sides, convert) for note in output.notes]
        return ("\n".join(lines) + "\n").encode("utf-8")

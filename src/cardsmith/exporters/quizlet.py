"""Quizlet: text to paste into Create → Import, with Quizlet's default separators.

Quizlet's import has no quoting: a tab ends the term and a newline ends the card (FORMATS.md §5,
[3p]), so each card is flattened to one line, line breaks shown as ` ⏎ ` and tabs as spaces.
There are no ids: every import makes new terms.
"""

from __future__ import annotations

from cardsmith.exporters import text
from cardsmith.exporters.base import BuiltDeck
from cardsmith.exporters.plain_csv import front_back


def line(note_sides: text.Sides) -> str:
    """One card: term, tab, definition."""
    front, back = front_back(note_sides)
    return text.flatten_lines(front) + "\t" + text.flatten_lines(back)


class QuizletExporter:
    name = "quizlet"
    description = "Quizlet import text (term<TAB>definition, one card per line)"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (f"{deck.config.id}-quizlet.txt",)

    def export(self, deck: BuiltDeck) -> dict[str, bytes]:
        lines = [line(text.sides(note)) for note in deck.notes]
        return {f"{deck.config.id}-quizlet.txt": ("\n".join(lines) + "\n").encode("utf-8")}

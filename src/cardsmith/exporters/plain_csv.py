"""Plain CSV for spreadsheets and apps that import generic CSV: one row per note, plain text.

RFC 4180: comma-separated, every field quoted, quotes doubled, CRLF between records, UTF-8.
Fields keep their line breaks inside the quotes; code stays line by line.
"""

from __future__ import annotations

import csv
import io

from cardsmith.exporters import text
from cardsmith.exporters.base import BuiltDeck

COLUMNS = ("id", "front", "back", "tags", "deck")


def front_back(note_sides: text.Sides) -> tuple[str, str]:
    """Plain-text front and back; the extra explanation follows the answer after a blank line."""
    front = text.fill_blanks(text.to_plain(note_sides.front))
    back = text.to_plain(note_sides.back)
    extra = text.to_plain(note_sides.extra)
    return front, back + ("\n\n" + extra if extra else "")


class CsvExporter:
    name = "csv"
    description = "Plain CSV (id, front, back, tags, deck) for spreadsheets and generic importers"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (f"{deck.config.id}.csv",)

    def export(self, deck: BuiltDeck) -> dict[str, bytes]:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for note in deck.notes:
            front, back = front_back(text.sides(note))
            writer.writerow((note.card_id, front, back, " ".join(note.tags), note.deck.name))
        return {f"{deck.config.id}.csv": buffer.getvalue().encode("utf-8")}

"""Plain CSV for spreadsheets and apps that import generic CSV: one row per note, plain text.

RFC 4180: comma-separated, every field quoted, quotes doubled, CRLF between records, UTF-8.
Fields keep their line breaks inside the quotes; code stays line by line.

The file starts with a UTF-8 byte-order mark: Excel takes a CSV without one for the legacy
code page (Windows-1251 on a Russian system), so a double-clicked file would show the Cyrillic
as gibberish. Readers that know UTF-8 skip the mark (Python reads it with `utf-8-sig`); the
other text formats are for their apps' own importers and carry none.

A spreadsheet reads a cell that starts with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(…)`
links anywhere, DDE formulas start programs). As OWASP recommends for CSV exports ("CSV
Injection"), a cell starting with one of those, a tab or a carriage return gets a `'` in front,
which makes it text; every field is quoted and its quotes doubled anyway. A legitimate `-1` or
`--verbose` therefore reads `'-1` in the file: the accepted price of the rule.
"""

from __future__ import annotations

import csv
import io

from cardsmith.exporters import text
from cardsmith.exporters.base import Convert, Output
from cardsmith.model import BuiltDeck, Sides

COLUMNS = ("id", "front", "back", "tags", "deck")
BOM = "\ufeff"  # encoded as EF BB BF
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list


def neutralised(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a `'` in front."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def front_back(sides: Sides, convert: Convert) -> tuple[str, str]:
    """Plain-text front and back; the extra explanation follows the answer after a blank line."""
    front = text.fill_blanks(convert(text.to_plain, sides.front))
    back = convert(text.to_plain, sides.back)
    extra = convert(text.to_plain, sides.extra)
    return front, back + ("\n\n" + extra if extra else "")


def file_name(deck: BuiltDeck) -> str:
    return f"{deck.config.id}.csv"


class CsvExporter:
    name = "csv"
    description = "Plain CSV (id, front, back, tags, deck) for spreadsheets and generic importers"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (file_name(deck),)

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        return (Output(file_name(deck), deck.notes),)

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        buffer = io.StringIO(newline="")
        buffer.write(BOM)
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for note in output.notes:
            front, back = front_back(note.sides, convert)
            cells = (note.id, front, back, " ".join(note.tags), note.deck.name)
            writer.writerow(tuple(map(neutralised, cells)))
        return buffer.getvalue().encode("utf-8")

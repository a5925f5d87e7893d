"""Anki's own text import with file headers: updates the notes an `.apkg` of this deck brought in.

Rows carry the `.apkg`'s GUIDs, note type names and deck names, so Anki's CSV importer matches
every row to the note it already has and updates it in place (docs/formats.md §1.1, "How a row matches
an existing note"). The note types must already be in the collection: import one `.apkg` first.
"""

from __future__ import annotations

import re

from cardsmith.exporters.base import Convert, Output
from cardsmith.model import BuiltDeck

# Anki reads the headers only while lines start with `#`, so they come first, `#separator`
# before anything else (rslib import_export/text/csv/metadata.rs). `#if matches` is set because
# Anki remembers the last choice as the default: a learner who once picked "keep current" would
# otherwise silently get no updates.
HEADER = (
    "#separator:tab",
    "#html:true",
    "#guid column:1",
    "#notetype column:2",
    "#deck column:3",
    "#tags column:4",
    "#if matches:update current",
)
META_COLUMNS = 4
_NEEDS_QUOTES = re.compile('["\t\n\r]')


def quote(field: str) -> str:
    """A field as Anki's CSV reader needs it.

    Quotes are honoured even with a tab separator, and a line starting with `#` is a comment
    (rslib build_csv_reader: `comment(Some(b'#'))`); Anki's GUID alphabet contains `#`, so a
    GUID or field starting with one is quoted too (docs/formats.md §1.1, "Body parsing rules").
    """
    if field.startswith("#") or _NEEDS_QUOTES.search(field):
        return '"' + field.replace('"', '""') + '"'
    return field


def file_name(deck: BuiltDeck) -> str:
    return f"{deck.config.id}-anki.txt"


class AnkiCsvExporter:
    name = "anki-csv"
    description = "Anki text import with GUIDs (updates notes of an imported .apkg)"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (file_name(deck),)

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        return (Output(file_name(deck), deck.notes),)

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        # Anki takes the column count from the first row and truncates longer rows when the
        # note type varies per row (ankitects/anki#4417), so every row is padded to the widest
        # note type; extra columns are ignored.
        width = max(len(notetype.fields) for notetype in deck.notetypes)
        names = {notetype.key: notetype.name for notetype in deck.notetypes}
        lines = list(HEADER)
        for note in output.notes:
            fields = list(note.values) + [""] * (width - len(note.fields))
            meta = [note.guid, names[note.notetype], note.deck.name, " ".join(note.tags)]
            lines.append("\t".join(quote(value) for value in meta + fields))
        return ("\n".join(lines) + "\n").encode("utf-8")

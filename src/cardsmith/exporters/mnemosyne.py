"""Mnemosyne: its tab-separated import, two columns (front, back), one line per note.

Mnemosyne's importer (libmnemosyne/file_formats/tsv.py) splits each line on tabs with no quoting,
`rstrip()`s it (an empty back would drop the second column and abort the whole import with
"Badly formed input"), and turns every `&#NNN;` into a character (`int()` on the number, so a hex
`&#x27;` crashes it). Fields are HTML: code is `<pre><code>` with `<br>` line breaks, and the
HTML here never contains `&#` (markdown-it escapes with named entities only).
"""

from __future__ import annotations

import html

from cardsmith.exporters import text
from cardsmith.exporters.base import BuiltDeck

EMPTY = "<br>"  # what Mnemosyne's own exporter writes for an empty field


def _blank(hint: str) -> str:
    return html.escape(text.blank_label(hint), quote=False)


def front_back(note_sides: text.Sides) -> tuple[str, str]:
    """Front and back as one-line HTML; the extra explanation follows the answer after a rule."""
    front = text.fill_blanks(text.to_html(note_sides.front), _blank)
    back = text.to_html(note_sides.back)
    if note_sides.extra:
        back += "<hr>" + text.to_html(note_sides.extra)
    return front or EMPTY, back or EMPTY


class MnemosyneExporter:
    name = "mnemosyne"
    description = "Mnemosyne tab-separated import (front<TAB>back, HTML)"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (f"{deck.config.id}-mnemosyne.txt",)

    def export(self, deck: BuiltDeck) -> dict[str, bytes]:
        lines = ["\t".join(front_back(text.sides(note))) for note in deck.notes]
        return {f"{deck.config.id}-mnemosyne.txt": ("\n".join(lines) + "\n").encode("utf-8")}

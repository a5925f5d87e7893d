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
from cardsmith.exporters.base import Convert, Output
from cardsmith.model import BuiltDeck, Sides

EMPTY = "<br>"  # what Mnemosyne's own exporter writes for an empty field


def _blank(hint: str) -> str:
    return html.escape(text.blank_label(hint), quote=False)


def front_back(sides: Sides, convert: Convert) -> tuple[str, str]:
    """Front and back as one-line HTML; the extra explanation follows the answer after a rule."""
    front = text.fill_blanks(convert(text.to_html, sides.front), _blank)
    back = convert(text.to_html, sides.back)
    if sides.extra:
        back += "<hr>" + convert(text.to_html, sides.extra)
    return front or EMPTY, back or EMPTY


def file_name(deck: BuiltDeck) -> str:
    return f"{deck.config.id}-mnemosyne.txt"


class MnemosyneExporter:
    name = "mnemosyne"
    description = "Mnemosyne tab-separated import (front<TAB>back, HTML)"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (file_name(deck),)

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        return (Output(file_name(deck), deck.notes),)

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        lines = ["\t".join(front_back(note.sides, convert)) for note in output.notes]
        return ("\n".join(lines) + "\n").encode("utf-8")

"""The reference for bench.py: the bare minimum with the same libraries, on the same notes.

    python bench/reference.py CARDS_DIR OUT.apkg

Reads every question file, renders each field with markdown-it-py and Pygments (one formatter,
as cardsmith does), and writes one package with genanki: no checks, no lock, no per-phase
packages, no cache. bench.py runs it with a private TMPDIR, because genanki leaves its temporary
database there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import genanki
import yaml
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

FORMATTER = HtmlFormatter()


def highlight_code(code: str, lang: str, attrs: str) -> str:
    try:
        return str(highlight(code, get_lexer_by_name(lang), FORMATTER))
    except ClassNotFound:
        return ""


def main() -> None:
    cards_dir, out = Path(sys.argv[1]), sys.argv[2]
    md = MarkdownIt("commonmark", {"highlight": highlight_code})
    model = genanki.Model(
        1607392319,
        "Simple",
        fields=[{"name": "Q"}, {"name": "A"}, {"name": "E"}],
        templates=[{"name": "Card 1", "qfmt": "{{Q}}", "afmt": "{{A}}<br>{{E}}"}],
    )
    deck = genanki.Deck(2059400110, "Bench")
    for path in sorted(cards_dir.rglob("*.yaml")):
        if path.name == "deck.yaml":
            continue
        for card in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["cards"]:
            fields = [md.render(card["q"]), md.render(card["a"]), md.render(card.get("extra", ""))]
            deck.add_note(genanki.Note(model=model, guid=genanki.guid_for(card["id"]), fields=fields))
    genanki.Package(deck).write_to_file(out)


if __name__ == "__main__":
    main()

"""A static HTML page with every card as Anki would show it: for authors, without Anki (pure).

Each note's cards are rendered from cardsmith's own templates with a small subset of Anki's
template language: `{{Field}}`, `{{#Field}}…{{/Field}}`, `{{FrontSide}}`, `{{cloze:Text}}` (by
the cloze module, exactly as Anki's filter) and `{{type:Back}}`, which is all cardsmith's note
types use.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from cardsmith import cloze
from cardsmith.model import BuiltDeck, Note, NoteType, Problem

_SECTION = re.compile(r"\{\{#([^}]+)\}\}(.*?)\{\{/\1\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{([^#/}][^}]*)\}\}")

# A card box stands for Anki's window: the padding for Anki's page margin; `min-width: 0` lets a
# box narrower than its longest code line scroll that line instead of overflowing the page; the
# type-in box is drawn as Anki's reviewer.css and inline field size draw it.
_PAGE_CSS = """
body { margin: 0; background: #e5e5ea; font-family: sans-serif; }
body.nightMode { background: #000; }
header { position: sticky; top: 0; z-index: 1; display: flex; align-items: center; justify-content: space-between;
  gap: 0.5em 1em; background: #1d1d1f; color: #fff; padding: 0.5em 1em; }
header .title { min-width: 0; overflow-wrap: anywhere; }
header label { flex: none; white-space: nowrap; }
h2 { font-size: 1em; margin: 2em 1em 0.5em; color: #6e6e73; }
.nightMode h2 { color: #98989d; }
.note { display: flex; flex-wrap: wrap; gap: 1em; margin: 0 1em 1em; }
.side { flex: 1 1 20em; min-width: 0; max-width: 40em; margin: 0; border-radius: 8px; padding: 0.8em 1em 1em;
  box-shadow: 0 1px 3px #0003; }
.side > .label { font: 12px monospace; color: #6e6e73; margin-bottom: 0.8em; overflow-wrap: anywhere; }
.side.nightMode > .label { color: #98989d; }
.side #typeans { width: 100%; box-sizing: border-box; line-height: 1.75; font-size: 1em; }
.side.nightMode { color-scheme: dark; }
.side.nightMode #typeans { background: #2c2c2e; color: #e5e5ea; border: 1px solid #48484a; }
.problems { margin: 1em; padding: 0.8em 1em; border: 1px solid #d70015; border-left-width: 6px; border-radius: 8px;
  background: #fff2f2; color: #1d1d1f; }
.problems h1 { font-size: 1.1em; margin: 0 0 0.5em; color: #a4000f; }
.problems ol { margin: 0; padding-left: 1.5em; }
.problems li { font: 13px/1.5 monospace; overflow-wrap: anywhere; }
.nightMode .problems { background: #3b1418; border-color: #ff6961; color: #f5f5f7; }
.nightMode .problems h1 { color: #ff9f9a; }
"""

_SCRIPT = (
    "document.getElementById('night').addEventListener('change',function(e){"
    "document.body.classList.toggle('nightMode',e.target.checked);"
    "document.querySelectorAll('.card').forEach(function(c){c.classList.toggle('nightMode',e.target.checked)});});"
)


def render_template(template: str, fields: dict[str, str], ordinal: int, answer: bool, front: str = "") -> str:
    """Fill one of cardsmith's templates the way Anki does for card `ordinal`."""

    def section(match: re.Match[str]) -> str:
        return match.group(2) if fields.get(match.group(1), "").strip() else ""

    def field(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name == "FrontSide":
            return front
        if name.startswith("cloze:"):
            return cloze.card_side(fields.get(name[6:], ""), ordinal, question=not answer)
        if name.startswith("type:"):
            if answer:
                return f'<code id="typeans">{fields.get(name[5:], "")}</code>'
            return '<input id="typeans" placeholder="…" disabled>'
        return fields.get(name, "")

    return _FIELD.sub(field, _SECTION.sub(section, template))


def card_label(notetype: NoteType, number: int) -> str:
    """What an author calls card `number` of a note: empty for the one card of a basic note."""
    if notetype.cloze:
        return f"cloze {number}"
    if len(notetype.templates) == 2:
        return "forward" if number == 1 else "reverse"
    return "type-in" if notetype.key == "type-in" else ""


def card_sides(note: Note, notetype: NoteType) -> list[tuple[str, str, str]]:
    """(label, question, answer) for every card the note makes in Anki."""
    fields = dict(note.fields)
    sides = []
    for number in note.cards:
        template = notetype.templates[0 if notetype.cloze else number - 1]
        label = card_label(notetype, number)
        question = render_template(template.front, fields, number, answer=False)
        sides.append((label, question, render_template(template.back, fields, number, True, question)))
    return sides


def problems_box(problems: Sequence[Problem]) -> str:
    """A box listing every problem of the sources, or nothing if there is none."""
    if not problems:
        return ""
    count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
    items = "".join(f"<li>{html.escape(str(problem))}</li>" for problem in problems)
    return f'<section class="problems" role="alert"><h1>{count} in the sources</h1><ol>{items}</ol></section>'


def preview_page(deck: BuiltDeck, problems: Sequence[Problem] = ()) -> str:
    """The whole page: decks as headings, each card's question and answer side by side.

    `problems` (errors and warnings of the sources) are listed in a box at the top.
    """
    parts = [
        f'<!doctype html>\n<html lang="{html.escape(deck.config.language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(deck.config.title)} — preview</title>",
        f"<style>{deck.stylesheet}{_PAGE_CSS}</style></head><body>",
        f'<header><span class="title">{html.escape(deck.config.title)}: {len(deck.notes)} notes</span>'
        '<label><input type="checkbox" id="night"> night mode</label></header>',
        problems_box(problems),
    ]
    current = ""
    for note in deck.notes:
        if note.deck.name != current:
            current = note.deck.name
            parts.append(f"<h2>{html.escape(current.replace('::', ' › '))}</h2>")
        parts.append(f'<div class="note" id="{html.escape(note.id)}">')
        for label, question, answer in card_sides(note, deck.notetype(note.notetype)):
            for side, body in (("front", question), ("back", answer)):
                tag = html.escape(" · ".join(part for part in (note.id, label, side) if part))
                parts.append(f'<div class="side card"><div class="label">{tag}</div>{body}</div>')
        parts.append("</div>")
    parts.append(f"<script>{_SCRIPT}</script></body></html>\n")
    return "\n".join(parts)

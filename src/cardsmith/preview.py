"""A static HTML page with every card as Anki would show it: for authors, without Anki (pure).

Each note's cards are rendered from cardsmith's own templates with a small subset of Anki's
template language: `{{Field}}`, `{{#Field}}…{{/Field}}`, `{{FrontSide}}`, `{{cloze:Text}}` (by
the cloze module, exactly as Anki's filter) and `{{type:Back}}`, which is all cardsmith's note
types use.
"""

from __future__ import annotations

import html
import re

from cardsmith import cloze
from cardsmith.model import BuiltDeck, Note, NoteType

_SECTION = re.compile(r"\{\{#([^}]+)\}\}(.*?)\{\{/\1\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{([^#/}][^}]*)\}\}")

_PAGE_CSS = """
body { margin: 0; background: #e5e5ea; font-family: sans-serif; }
body.nightMode { background: #000; }
header { position: sticky; top: 0; background: #1d1d1f; color: #fff; padding: 0.5em 1em; z-index: 1; }
header label { float: right; }
h2 { font-size: 1em; margin: 2em 1em 0.5em; color: #6e6e73; }
.note { display: flex; flex-wrap: wrap; gap: 1em; margin: 0 1em 1em; }
.side { flex: 1 1 22em; max-width: 34em; border-radius: 8px; padding: 0.8em 0; box-shadow: 0 1px 3px #0003; }
.side > .label { font: 11px monospace; color: #8e8e93; padding: 0 1em; }
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


def card_sides(note: Note, notetype: NoteType) -> list[tuple[str, str, str]]:
    """(label, question, answer) for every card the note makes in Anki."""
    fields = dict(note.fields)
    sides = []
    for number in note.cards:
        template = notetype.templates[0 if notetype.cloze else number - 1]
        label = f"c{number}" if notetype.cloze else template.name
        question = render_template(template.front, fields, number, answer=False)
        sides.append((label, question, render_template(template.back, fields, number, True, question)))
    return sides


def preview_page(deck: BuiltDeck) -> str:
    """The whole page: decks as headings, each card's question and answer side by side."""
    parts = [
        '<!doctype html>\n<html lang="ru"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(deck.config.title)} — preview</title>",
        f"<style>{deck.stylesheet}{_PAGE_CSS}</style></head><body>",
        f"<header>{html.escape(deck.config.title)}: {len(deck.notes)} notes"
        '<label><input type="checkbox" id="night"> night mode</label></header>',
    ]
    current = ""
    for note in deck.notes:
        if note.deck.name != current:
            current = note.deck.name
            parts.append(f"<h2>{html.escape(current.replace('::', ' › '))}</h2>")
        parts.append(f'<div class="note" id="{html.escape(note.id)}">')
        for label, question, answer in card_sides(note, deck.notetype(note.notetype)):
            for side, body in (("front", question), ("back", answer)):
                tag = html.escape(f"{note.id} · {label} · {side}")
                parts.append(f'<div class="side card"><div class="label">{tag}</div>{body}</div>')
        parts.append("</div>")
    parts.append(f"<script>{_SCRIPT}</script></body></html>\n")
    return "\n".join(parts)

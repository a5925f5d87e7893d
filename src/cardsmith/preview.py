"""The card browser: every card as Anki would show it, on one HTML page (pure).

`cardsmith preview` writes it alone, for authors; `cardsmith site` writes it as the deck site's
`cards.html`. It is one page either way: every card's front and back, rendered from cardsmith's
own templates with the note type stylesheet, in curriculum order, with a stable anchor per note
(`#card-id`), a search box and filters by phase, week and tag (the only parts that need
JavaScript), and light and dark themes that follow the system, with a switch that works without
JavaScript too (CSS `:has`).

The templates are filled with a small subset of Anki's template language: `{{Field}}`,
`{{#Field}}…{{/Field}}`, `{{FrontSide}}`, `{{cloze:Text}}` (by the cloze module, exactly as Anki's
filter) and `{{type:Back}}`, which is all cardsmith's note types use. Anki's night mode is the
class `nightMode` on the card's page; here the stylesheet's night rules are applied under the
page's dark theme instead (`themed`), so the cards are dark exactly when the page is.

The page chrome (`page_start`, `THEME_SWITCH`, `PAGE_CSS`) is shared with the site's landing page.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cardsmith import cloze
from cardsmith.model import BuiltDeck, Note, NoteType, Problem

_SECTION = re.compile(r"\{\{#([^}]+)\}\}(.*?)\{\{/\1\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{([^#/}][^}]*)\}\}")

# The dark theme: chosen with the switch, or the system's with Auto. Each weighs as one class
# (`:root`), as Anki's `.nightMode` does, so that a night rule of the stylesheet keeps its
# specificity and wins or loses against the same rules (`pre.highlight code` still outweighs the
# night `code`). The page's own ids start with `_`, which no card id can (questions.ID_PATTERN):
# `#card-id` is always the card's.
DARK = ":root:where(:has(#_dark:checked))"
SYSTEM_DARK = ":root:where(:not(:has(#_light:checked)))"
SYSTEM_IS_DARK = "@media (prefers-color-scheme: dark)"
_NIGHT = re.compile(r"\.(?:nightMode|night_mode)(?![\w-])")

# Light and dark colours of the page around the cards, as custom properties; the cards keep the
# note type stylesheet's own colours. Contrast of text on its background is at least 4.5:1.
_COLOURS = {
    "page": ("#e5e5ea", "#000000"),
    "panel": ("#ffffff", "#1c1c1e"),
    "text": ("#1d1d1f", "#f5f5f7"),
    "muted": ("#5b5b60", "#a1a1a6"),
    "bar": ("#1d1d1f", "#1c1c1e"),
    "bar-text": ("#ffffff", "#f5f5f7"),
    "line": ("#c7c7cc", "#48484a"),
    "link": ("#0a58ca", "#6ea8fe"),
    "field": ("#ffffff", "#2c2c2e"),
}


def _colours(which: int) -> str:
    return " ".join(f"--{name}: {pair[which]};" for name, pair in _COLOURS.items())


PAGE_CSS = f"""
:root {{ color-scheme: light; {_colours(0)} }}
{DARK} {{ color-scheme: dark; {_colours(1)} }}
{SYSTEM_IS_DARK} {{ {SYSTEM_DARK} {{ color-scheme: dark; {_colours(1)} }} }}
body {{ margin: 0; background: var(--page); color: var(--text);
  font: 16px/1.5 -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }}
a {{ color: var(--link); }}
.bar {{ position: sticky; top: 0; z-index: 2; background: var(--bar); color: var(--bar-text);
  padding: 0.4em 1em; display: flex; flex-wrap: wrap; align-items: center; gap: 0.4em 1.2em; }}
.bar a {{ color: var(--bar-text); }}
.bar nav {{ display: flex; gap: 1em; }}
.bar nav a[aria-current] {{ font-weight: bold; text-decoration: none; }}
.bar .title {{ font-size: 1em; margin: 0; min-width: 0; overflow-wrap: anywhere; flex: 1 1 12em; }}
.theme {{ border: 0; margin: 0; padding: 0; display: flex; align-items: center; gap: 0.3em; flex: none; }}
.theme legend {{ float: left; margin-right: 0.4em; }}
.theme input {{ position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }}
.theme label {{ padding: 0.1em 0.6em; border: 1px solid #8e8e93; border-radius: 1em; cursor: pointer; }}
.theme input:checked + label {{ background: var(--bar-text); color: var(--bar); border-color: var(--bar-text); }}
.theme input:focus-visible + label {{ outline: 2px solid #6ea8fe; outline-offset: 2px; }}
.filters {{ flex: 1 1 100%; display: flex; flex-wrap: wrap; align-items: end; gap: 0.4em 1em; margin: 0; }}
.filters[hidden] {{ display: none; }}
.filters label {{ display: flex; flex-direction: column; font-size: 0.8em; }}
.filters input, .filters select {{ font: inherit; font-size: 1.2em; max-width: 16em; min-width: 0; height: 1.9em; box-sizing: border-box;
  background: var(--field); color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 0.15em 0.4em; }}
.filters input {{ width: 14em; }}
.filters output {{ font-size: 0.9em; padding-bottom: 0.3em; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }}
@media (max-width: 700px) {{
  .bar {{ position: static; }}
  .filters label {{ flex: 1 1 40%; }}
  .filters input, .filters select {{ width: 100%; max-width: none; box-sizing: border-box; }}
}}
"""

# A card box stands for Anki's window: the padding for Anki's page margin; `min-width: 0` lets a
# box narrower than its longest code line scroll that line instead of overflowing the page; the
# type-in box is drawn as Anki's reviewer.css and inline field size draw it.
_BROWSER_CSS = """
main { padding-bottom: 2em; }
h2 { font-size: 1em; margin: 2em 1em 0.5em; color: var(--muted); }
.note { margin: 0 1em 1.5em; scroll-margin-top: 9em; }
.note:target .side { box-shadow: 0 0 0 3px var(--link); }
.note-head { margin: 0 0 0.3em; font: 13px/1.4 monospace; color: var(--muted); overflow-wrap: anywhere; }
.note-head a { color: var(--muted); }
.sides { display: flex; flex-wrap: wrap; gap: 1em; }
.side { flex: 1 1 20em; min-width: 0; max-width: 40em; margin: 0; border-radius: 8px; padding: 0.8em 1em 1em;
  box-shadow: 0 1px 3px #0003; }
.side > .label { font: 12px monospace; color: #636366; margin-bottom: 0.8em; overflow-wrap: anywhere; }
.side #typeans { width: 100%; box-sizing: border-box; line-height: 1.75; font-size: 1em;
  background: var(--field); color: var(--text); border: 1px solid var(--line); }
.empty { margin: 2em 1em; }
.problems { margin: 1em; padding: 0.8em 1em; border: 1px solid #d70015; border-left-width: 6px; border-radius: 8px;
  background: #fff2f2; color: #1d1d1f; }
.problems h2 { font-size: 1.1em; margin: 0 0 0.5em; color: #a4000f; }
.problems ol { margin: 0; padding-left: 1.5em; }
.problems li { font: 13px/1.5 monospace; overflow-wrap: anywhere; }
@media (max-width: 700px) { .note { margin: 0 0.5em 1.5em; scroll-margin-top: 0.5em; } .side { padding: 0.6em 0.7em 0.8em; } }
"""
_BROWSER_DARK_CSS = """
.side > .label { color: #aeaeb2; }
.problems { background: #3b1418; border-color: #ff6961; color: #f5f5f7; }
.problems h2 { color: #ff9f9a; }
"""

# The theme switch: three radio buttons, so that CSS alone (`:has`) applies the choice; a script
# remembers it from page to page when JavaScript is on.
THEME_SWITCH = (
    '<fieldset class="theme" lang="en"><legend>Theme</legend>'
    '<input type="radio" name="_theme" id="_auto" value="auto" checked><label for="_auto">Auto</label>'
    '<input type="radio" name="_theme" id="_light" value="light"><label for="_light">Light</label>'
    '<input type="radio" name="_theme" id="_dark" value="dark"><label for="_dark">Dark</label>'
    "</fieldset>"
    "<script>(function(){var k='cardsmith-theme',v;try{v=localStorage.getItem(k)}catch(e){}"
    "var r=v&&document.getElementById('_'+v);if(r&&r.name==='_theme')r.checked=true;"
    "document.querySelectorAll('input[name=_theme]').forEach(function(i){i.addEventListener('change',function(){"
    "try{localStorage.setItem(k,i.value)}catch(e){}})})})();</script>"
)

# The favicon is inline, so that browsers do not ask the server for `/favicon.ico`.
_ICON = (
    '<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 16 16%22%3E'
    '%3Crect x=%222%22 y=%221%22 width=%2212%22 height=%2214%22 rx=%222%22 fill=%22%230a58ca%22/%3E%3C/svg%3E">'
)

_SCRIPT = """
(function(){
var form=document.getElementById('_filters');form.hidden=false;
var q=document.getElementById('_search'),ph=document.getElementById('_phase'),
wk=document.getElementById('_week'),tg=document.getElementById('_tag'),out=document.getElementById('_count'),
empty=document.getElementById('_empty'),notes=[].slice.call(document.querySelectorAll('.note')),
decks=[].slice.call(document.querySelectorAll('section.deck'));
function norm(s){return s.toLocaleLowerCase().replace(/ё/g,'е');}
var texts=notes.map(function(n){return norm(n.textContent+' '+n.id+' '+(n.dataset.tags||''));});
function apply(e){
  var words=norm(q.value).split(/\\s+/).filter(Boolean),shown=0;
  if(e&&e.target===wk&&wk.value)ph.value=wk.value.split('.')[0];
  if(wk.value&&ph.value&&wk.value.split('.')[0]!==ph.value)wk.value='';
  [].forEach.call(wk.querySelectorAll('optgroup'),function(g){
    var o=g.querySelector('option');g.hidden=g.disabled=!!(ph.value&&o&&o.value.split('.')[0]!==ph.value);});
  notes.forEach(function(n,i){
    var ok=(!ph.value||n.dataset.phase===ph.value)&&(!wk.value||n.dataset.week===wk.value)
      &&(!tg.value||(' '+n.dataset.tags+' ').indexOf(' '+tg.value+' ')>=0)
      &&words.every(function(w){return texts[i].indexOf(w)>=0;});
    n.hidden=!ok;if(ok)shown++;});
  decks.forEach(function(d){d.hidden=!d.querySelector('.note:not([hidden])');});
  out.value=shown===notes.length?notes.length+' notes':shown+' of '+notes.length+' notes';
  empty.hidden=shown>0;
  var p=new URLSearchParams();
  if(q.value)p.set('q',q.value);if(ph.value)p.set('phase',ph.value);if(wk.value)p.set('week',wk.value);
  if(tg.value)p.set('tag',tg.value);
  try{history.replaceState(null,'',(p.toString()?'?'+p:location.pathname.split('/').pop())+location.hash);}catch(e){}
}
var start=new URLSearchParams(location.search);
q.value=start.get('q')||'';[[ph,'phase'],[wk,'week'],[tg,'tag']].forEach(function(s){
  var v=start.get(s[1]);if(v&&s[0].querySelector('option[value="'+CSS.escape(v)+'"]'))s[0].value=v;});
[q,ph,wk,tg].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});
form.addEventListener('submit',function(e){e.preventDefault();});
function reveal(){
  var t=location.hash&&document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if(t&&t.closest('[hidden]')){q.value='';ph.value='';wk.value='';tg.value='';apply();t.scrollIntoView();}
}
apply();reveal();window.addEventListener('hashchange',reveal);
})();
"""


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
            return '<input id="typeans" placeholder="…" aria-label="the answer, typed" disabled>'
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
    return f'<section class="problems" role="alert" lang="en"><h2>{count} in the sources</h2><ol>{items}</ol></section>'


# --- The stylesheet's night mode, under the page's dark theme -------------------------------------


def _blocks(css: str) -> list[tuple[str, str]]:
    """The top-level (prelude, body) pairs of a stylesheet; an at-rule's body holds its own blocks."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    found, start = [], 0
    while (opening := css.find("{", start)) >= 0:
        depth, end = 1, opening + 1
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        found.append((css[start:opening].strip(), css[opening + 1 : end - 1]))
        start = end
    return found


def _selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and not depth:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def _night(selector: str, context: str) -> str:
    """A night-mode selector under `context` instead: `.nightMode .cs-id` -> `<context> .cs-id`.

    `.nightMode` marks Anki's page in night mode; a card on this page is inside the root element,
    which carries the context, so `.nightMode.card` becomes `<context> .card` too.
    """
    return f"{context} {' '.join(_NIGHT.sub(' ', selector).split())}".strip()


def themed(css: str, dark_css: str = "") -> str:
    """`css` with each night-mode rule (`.nightMode …`, `.night_mode …`) applied under the page's dark
    theme instead, in its place (for the switch, then for a dark system with Auto); then `dark_css`,
    the page's own rules for the dark theme."""
    out = []
    for prelude, body in _blocks(css):
        if prelude.startswith("@"):
            out.append(f"{prelude} {{\n{themed(body)}}}\n")
            continue
        selectors = _selectors(prelude)
        night = [s for s in selectors if _NIGHT.search(s)]
        plain = [s for s in selectors if not _NIGHT.search(s)]
        if plain:
            out.append(f"{', '.join(plain)} {{{body}}}\n")
        if night:
            dark = ", ".join(dict.fromkeys(_night(s, DARK) for s in night))
            system = ", ".join(dict.fromkeys(_night(s, SYSTEM_DARK) for s in night))
            out.append(f"{dark} {{{body}}}\n{SYSTEM_IS_DARK} {{ {system} {{{body}}} }}\n")
    for prelude, body in _blocks(dark_css):
        selectors = _selectors(prelude)
        dark = ", ".join(f"{DARK} {s}" for s in selectors)
        system = ", ".join(f"{SYSTEM_DARK} {s}" for s in selectors)
        out.append(f"{dark} {{{body}}}\n{SYSTEM_IS_DARK} {{ {system} {{{body}}} }}\n")
    return "".join(out)


def page_start(deck: BuiltDeck, title: str, css: str, nav: str = "", heading: str = "p") -> str:
    """The page's head and its bar: `title`, the deck's language, `nav` links, the deck's title (in a
    `heading` element), the theme switch."""
    language = html.escape(deck.config.language)
    return (
        f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{html.escape(title)}</title>\n{_ICON}\n<style>{css}</style></head><body>\n"
        f'<header class="bar">{nav}<{heading} class="title">{html.escape(deck.config.title)}</{heading}>{THEME_SWITCH}'
    )


# --- The page ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    """A value of a filter: what the select sends, what it shows, how many notes have it."""

    value: str
    label: str
    count: int


def _without_number(part: str) -> str:
    """A deck name part without the ordinal cardsmith puts in front of it (`01 Фаза 1` -> `Фаза 1`)."""
    number, _, rest = part.partition(" ")
    return rest if number.isdigit() and rest else part


def phase_of(note: Note) -> str:
    """The phase filter's value of a note: its phase's ordinal."""
    return str(note.phase)


def week_of(note: Note) -> str:
    """The week filter's value of a note: `phase.week` ordinals, or '' for a topic straight under a phase."""
    if len(note.deck.parts) < 3:
        return ""
    number = note.deck.parts[2].partition(" ")[0]
    return f"{note.phase}.{int(number)}" if number.isdigit() else ""


def own_tags(note: Note) -> tuple[str, ...]:
    """The tags the author gave the card (not the `phase::`, `week::` and `topic::` of its place)."""
    return tuple(tag for tag in note.tags if "::" not in tag)


def phases(deck: BuiltDeck) -> list[Group]:
    """The phases of the deck's notes, in order, with their names and note counts."""
    found: dict[str, Group] = {}
    for note in deck.notes:
        key = phase_of(note)
        old = found.get(key)
        label = _without_number(note.deck.parts[1]) if len(note.deck.parts) > 1 else key
        found[key] = Group(key, label, (old.count if old else 0) + 1)
    return list(found.values())


def weeks(deck: BuiltDeck) -> list[tuple[str, list[Group]]]:
    """The weeks of the notes by phase name, in order."""
    found: dict[str, dict[str, Group]] = {}
    for note in deck.notes:
        key = week_of(note)
        if not key:
            continue
        phase = found.setdefault(_without_number(note.deck.parts[1]), {})
        old = phase.get(key)
        phase[key] = Group(key, _without_number(note.deck.parts[2]), (old.count if old else 0) + 1)
    return [(name, list(groups.values())) for name, groups in found.items()]


def tags(deck: BuiltDeck) -> list[Group]:
    """The authors' tags, alphabetically, with their note counts."""
    counts: dict[str, int] = {}
    for note in deck.notes:
        for tag in own_tags(note):
            counts[tag] = counts.get(tag, 0) + 1
    return [Group(tag, tag, counts[tag]) for tag in sorted(counts, key=lambda t: (t.casefold(), t))]


def _option(group: Group) -> str:
    return f'<option value="{html.escape(group.value)}">{html.escape(group.label)} ({group.count})</option>'


def _filters(deck: BuiltDeck) -> str:
    """The search box and the filters: hidden until the script shows them (they need it)."""
    week_options = "".join(
        f'<optgroup label="{html.escape(phase)}">{"".join(map(_option, groups))}</optgroup>'
        for phase, groups in weeks(deck)
    )
    return (
        '<form class="filters" id="_filters" role="search" hidden>'
        '<label lang="en">Search <input type="search" id="_search" placeholder="words, code, card id" '
        'autocomplete="off"></label>'
        f'<label lang="en">Phase <select id="_phase"><option value="">all</option>'
        f"{''.join(map(_option, phases(deck)))}</select></label>"
        f'<label lang="en">Week <select id="_week"><option value="">all</option>{week_options}</select></label>'
        f'<label lang="en">Tag <select id="_tag"><option value="">all</option>{"".join(map(_option, tags(deck)))}'
        "</select></label>"
        f'<output id="_count" for="_search _phase _week _tag" aria-live="polite" lang="en">{len(deck.notes)} notes</output>'
        "</form>"
    )


_IMG_SRC = re.compile(r'(<img [^>]*?src=")([^"]*)(")')
_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml"}


def inline_media(deck: BuiltDeck) -> Callable[[str], str]:
    """Where an image is found when the page is one file alone: in the page itself, as a `data:` address."""
    files = dict(deck.media)

    def src(name: str) -> str:
        kind = _TYPES.get(name.rpartition(".")[2].lower(), "application/octet-stream")
        return f"data:{kind};base64,{base64.b64encode(files[name]).decode()}"

    return src


def _with_media(body: str, names: set[str], src: Callable[[str], str]) -> str:
    """The side's images pointed at `src(name)` (the fields name the packaged file, as Anki's media folder has it)."""

    def point(match: re.Match[str]) -> str:
        name = html.unescape(match.group(2))
        return match.group(1) + html.escape(src(name)) + match.group(3) if name in names else match.group(0)

    return _IMG_SRC.sub(point, body) if "<img " in body else body


def preview_page(
    deck: BuiltDeck,
    problems: Sequence[Problem] = (),
    *,
    nav: str = "",
    media: Callable[[str], str] | None = None,
) -> str:
    """The card browser: decks as headings, each note's cards with their fronts and backs side by side.

    `problems` (errors and warnings of the sources) are listed in a box at the top. `nav` is the
    links to the site's other pages; `media(name)` is where a packaged image is found (by
    default, inside the page).
    """
    title = f"{deck.config.title} — cards"
    css = themed(deck.stylesheet) + PAGE_CSS + _BROWSER_CSS + themed("", _BROWSER_DARK_CSS)
    parts = [
        page_start(deck, title, css, nav, heading="h1"),
        _filters(deck),
        "</header>\n<main>",
        problems_box(problems),
        '<p class="empty" id="_empty" lang="en" hidden>No card matches. Change the search or the filters.</p>',
    ]
    names = {name for name, _ in deck.media}
    src = media or inline_media(deck)
    current = ""
    for note in deck.notes:
        if note.deck.name != current:
            if current:
                parts.append("</section>")
            current = note.deck.name
            heading = " › ".join(_without_number(part) for part in note.deck.parts[1:]) or note.deck.parts[0]
            week = week_of(note)
            parts.append(
                f'<section class="deck" data-phase="{phase_of(note)}" data-week="{week}"><h2>{html.escape(heading)}</h2>'
            )
        note_id = html.escape(note.id)
        tag_text = html.escape(" ".join(own_tags(note)))
        shown_tags = f" · {html.escape(' · '.join(own_tags(note)))}" if own_tags(note) else ""
        parts.append(
            f'<article class="note" id="{note_id}" data-phase="{phase_of(note)}" data-week="{week_of(note)}" '
            f'data-tags="{tag_text}"><p class="note-head"><a href="#{note_id}">{note_id}</a>{shown_tags}</p>'
            '<div class="sides">'
        )
        for label, question, answer in card_sides(note, deck.notetype(note.notetype)):
            for side, body in (("front", question), ("back", answer)):
                tag = html.escape(" · ".join(part for part in (label, side) if part))
                shown = _with_media(body, names, src)
                parts.append(f'<div class="side card"><div class="label" lang="en">{tag}</div>{shown}</div>')
        parts.append("</div></article>")
    if current:
        parts.append("</section>")
    parts.append(f"</main>\n<script>{_SCRIPT}</script></body></html>\n")
    return "\n".join(parts)

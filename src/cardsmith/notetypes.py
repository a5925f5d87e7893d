"""cardsmith's note types: frozen fields and templates with hard-coded ids, and the stylesheet.

Anki matches note types by id on import. Changing a note type's fields or templates after a
release makes every existing note "conflicting" and silently not updated unless the learner
ticks "merge note types", so the ids and the field and template lists below are frozen (a
golden test pins them). Template text and CSS may change: they update in place.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import replace
from urllib.parse import quote

from cardsmith.model import CardType, NoteType, Template
from cardsmith.model import NoteField as Field

_TOPIC = '<div class="cs-topic">{{Topic}}</div>\n'
_EXTRA = '{{#Extra}}<div class="cs-extra">{{Extra}}</div>{{/Extra}}\n'
_ID = '<div class="cs-id">{{Card ID}}</div>'
_FRONT = _TOPIC + '<div class="cs-q">{{Front}}</div>'
_BACK_OF_FRONT = _FRONT + '\n<hr id="answer">\n<div class="cs-a">{{Back}}</div>\n' + _EXTRA + _ID
_FRONT_OF_BACK = _TOPIC + '<div class="cs-q">{{Back}}</div>'
_BACK_OF_BACK = _FRONT_OF_BACK + '\n<hr id="answer">\n<div class="cs-a">{{Front}}</div>\n' + _EXTRA + _ID

BASIC = NoteType(
    key="basic",
    name="cardsmith Basic",
    id=1740583101001,
    cloze=False,
    fields=(
        Field("Front", 1740583101101),
        Field("Back", 1740583101102),
        Field("Extra", 1740583101103),
        Field("Topic", 1740583101104),
        Field("Card ID", 1740583101105),
    ),
    templates=(Template("Card 1", 1740583101201, _FRONT, _BACK_OF_FRONT),),
)

REVERSED = NoteType(
    key="reversed",
    name="cardsmith Reversed",
    id=1740583102001,
    cloze=False,
    fields=(
        Field("Front", 1740583102101),
        Field("Back", 1740583102102),
        Field("Extra", 1740583102103),
        Field("Topic", 1740583102104),
        Field("Card ID", 1740583102105),
    ),
    templates=(
        Template("Card 1", 1740583102201, _FRONT, _BACK_OF_FRONT),
        Template("Card 2", 1740583102202, _FRONT_OF_BACK, _BACK_OF_BACK),
    ),
)

CLOZE = NoteType(
    key="cloze",
    name="cardsmith Cloze",
    id=1740583103001,
    cloze=True,
    fields=(
        Field("Text", 1740583103101),
        Field("Extra", 1740583103102),
        Field("Topic", 1740583103103),
        Field("Card ID", 1740583103104),
    ),
    templates=(
        Template(
            "Cloze",
            1740583103201,
            _TOPIC + '<div class="cs-q">{{cloze:Text}}</div>',
            _TOPIC + '<div class="cs-q">{{cloze:Text}}</div>\n' + _EXTRA + _ID,
        ),
    ),
)

TYPE_IN = NoteType(
    key="type-in",
    name="cardsmith Type-in",
    id=1740583104001,
    cloze=False,
    fields=(
        Field("Front", 1740583104101),
        Field("Back", 1740583104102),
        Field("Extra", 1740583104103),
        Field("Topic", 1740583104104),
        Field("Card ID", 1740583104105),
    ),
    templates=(
        Template(
            "Card 1",
            1740583104201,
            _FRONT + "\n{{type:Back}}",
            _FRONT + '\n<hr id="answer">\n{{type:Back}}\n' + _EXTRA + _ID,
        ),
    ),
)

NOTETYPES: dict[str, NoteType] = {nt.key: nt for nt in (BASIC, REVERSED, CLOZE, TYPE_IN)}

_PLACEHOLDER = re.compile(r"(\{id\}|\{title\})")


def report_href(report_url: str, title: str) -> str:
    """`deck.yaml`'s `report_url` as the `href` of a template: `{id}` becomes the card's id, `{title}` the deck's.

    Everything is escaped for an HTML attribute; the deck title is percent-encoded as well. The
    id comes from the note's `Card ID` field (`{{Card ID}}`), whose text is a card id: letters,
    digits, `-`, `_` and `.`, which need no encoding in a URL. config.py has checked that the
    template is an http(s) address without other braces, so nothing in it reads as Anki's template
    syntax.
    """
    parts = []
    for part in _PLACEHOLDER.split(report_url):
        if part == "{id}":
            parts.append("{{Card ID}}")
        elif part == "{title}":
            parts.append(html.escape(quote(title, safe=""), quote=True))
        else:
            parts.append(html.escape(part, quote=True))
    return "".join(parts)


@functools.lru_cache(maxsize=16)
def for_deck(report_url: str = "", title: str = "") -> dict[str, NoteType]:
    """The note types of a deck: NOTETYPES, with the card id at the bottom a "report a mistake" link if it has a `report_url`.

    The link is in the templates, not in a field: changing the address changes the note types
    (which Anki updates on import when they are newer) and no note. Without a `report_url` these
    are NOTETYPES themselves, so decks that set none keep their templates byte for byte.
    """
    if not report_url:
        return NOTETYPES
    link = f'<div class="cs-id"><a href="{report_href(report_url, title)}" style="color: inherit">{{{{Card ID}}}}</a></div>'
    return {
        key: replace(
            notetype,
            templates=tuple(
                replace(t, front=t.front.replace(_ID, link), back=t.back.replace(_ID, link)) for t in notetype.templates
            ),
        )
        for key, notetype in NOTETYPES.items()
    }


FOR_CARD_TYPE: dict[CardType, NoteType] = {
    CardType.BASIC: BASIC,
    CardType.REVERSED: REVERSED,
    CardType.CLOZE: CLOZE,
    CardType.TYPE_IN: TYPE_IN,
}

# How the stylesheet meets the reviewers (Anki desktop's Chromium, AnkiDroid's WebView, AnkiMobile's
# WebKit); each choice was checked in the Anki 26.9.3 desktop app (light, dark, 1280 and 800px):
# - `.card` is the reviewer's <body>. It sets no margin, padding or width, so Anki's own page margin
#   (20px on desktop) stays and the breadcrumb does not touch the window's edge.
# - Prose keeps a readable measure (920px, 46em of the 20px text; the children of the fields but
#   code blocks and tables), while code blocks take the window's whole width: a 100-character line
#   fits a 1280px window instead of being cut at about 92.
# - A line still too long scrolls sideways rather than wrapping (`pre-wrap` breaks the alignment
#   that code and EXPLAIN output rely on). The cue is a shadow at the edge that hides more text,
#   drawn with `background-attachment: local` gradients: pure CSS, no script, implemented by Chromium
#   (desktop, AnkiDroid) and WebKit (AnkiMobile); phones hide scrollbars until one scrolls.
# - Code stays about 13.5px or more on a phone, also in `Extra` (whose text is smaller).
# - Anki writes the field's font (genanki's default: "Liberation Sans") inline on the type-in box,
#   which only `!important` outweighs (the note types here set no field fonts).
# - The card id is read out when reporting a mistake: at least 4.5:1 (WCAG AA) on the card's
#   light and dark backgrounds and on Anki's own (#f5f5f5 and #2c2c2c).
_BASE_CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.45;
  text-align: left;
  color: #1d1d1f;
  background-color: #ffffff;
  overflow-wrap: break-word;
}
.cs-topic, .cs-q > :not(pre):not(table), .cs-a > :not(pre):not(table), .cs-extra > :not(pre):not(table) { max-width: 920px; }
.cs-topic { font-size: 0.65em; color: #6e6e73; margin-bottom: 0.8em; }
.cs-extra { font-size: 0.85em; color: #424245; margin-top: 1em; padding-top: 0.6em; border-top: 1px dashed #c7c7cc; }
.cs-id { font-size: 0.7em; color: #636366; margin-top: 1.5em; text-align: right; }
code, pre, kbd, samp { font-family: "JetBrains Mono", "Fira Code", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
code { font-size: 0.88em; background: #f2f2f5; border-radius: 4px; padding: 0.05em 0.3em; }
pre.highlight {
  --cs-code: #f6f8fa;
  --cs-code-clear: rgba(246, 248, 250, 0);
  --cs-edge: rgba(0, 0, 0, 0.22);
  text-align: left;
  font-size: 0.8em;
  line-height: 1.4;
  background:
    linear-gradient(to right, var(--cs-code) 40%, var(--cs-code-clear)) left / 2.5em 100% no-repeat local,
    linear-gradient(to left, var(--cs-code) 40%, var(--cs-code-clear)) right / 2.5em 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, var(--cs-edge), rgba(0, 0, 0, 0)) left / 1em 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, var(--cs-edge), rgba(0, 0, 0, 0)) right / 1em 100% no-repeat scroll,
    var(--cs-code);
  border: 1px solid #e1e4e8;
  border-radius: 6px;
  padding: 0.7em 0.9em;
  overflow-x: auto;
  white-space: pre;
}
pre.highlight code { background: none; padding: 0; font-size: 1em; }
.cs-extra pre.highlight { font-size: 0.88em; }
@media (max-width: 480px) { .card { font-size: 18px; } pre.highlight { font-size: 0.75em; padding: 0.5em 0.6em; } }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #d1d1d6; padding: 0.25em 0.6em; text-align: left; }
.cloze { font-weight: bold; color: #0a58ca; }
input#typeans { font-family: "JetBrains Mono", "Fira Code", Menlo, Consolas, "DejaVu Sans Mono", monospace !important; }
.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card { color: #e5e5ea; background-color: #1c1c1e; }
.nightMode .cs-topic, .night_mode .cs-topic { color: #98989d; }
.nightMode .cs-extra, .night_mode .cs-extra { color: #c7c7cc; border-top-color: #48484a; }
.nightMode .cs-id, .night_mode .cs-id { color: #aeaeb2; }
.nightMode code, .night_mode code { background: #2c2c2e; }
.nightMode pre.highlight, .night_mode pre.highlight {
  --cs-code: #161b22;
  --cs-code-clear: rgba(22, 27, 34, 0);
  --cs-edge: rgba(200, 210, 230, 0.3);
  border-color: #30363d;
  color-scheme: dark;
}
.nightMode th, .nightMode td, .night_mode th, .night_mode td { border-color: #48484a; }
.nightMode .cloze, .night_mode .cloze { color: #6ea8fe; }
"""


@functools.cache
def stylesheet() -> str:
    """The one stylesheet of every cardsmith note type: base, light and dark highlighting."""
    from pygments.formatters import HtmlFormatter

    light: str = HtmlFormatter(style="default").get_style_defs("pre.highlight")  # type: ignore[no-untyped-call]
    dark: str = HtmlFormatter(style="monokai").get_style_defs(  # type: ignore[no-untyped-call]
        [".nightMode pre.highlight", ".night_mode pre.highlight"]
    )
    # The formatter's own background rules would fight the `pre.highlight` rules above.
    keep = [
        line
        for line in (light + "\n" + dark).splitlines()
        if "{ background" not in line and " .hll " not in line and "line-height" not in line
    ]
    return _BASE_CSS + "\n".join(keep) + "\n"

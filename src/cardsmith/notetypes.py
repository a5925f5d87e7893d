"""cardsmith's note types: frozen fields and templates with hard-coded ids, and the stylesheet.

Anki matches note types by id on import. Changing a note type's fields or templates after a
release makes every existing note "conflicting" and silently not updated unless the learner
ticks "merge note types", so the ids and the field and template lists below are frozen (a
golden test pins them). Template text and CSS may change: they update in place.
"""

from __future__ import annotations

import functools

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
FOR_CARD_TYPE: dict[CardType, NoteType] = {
    CardType.BASIC: BASIC,
    CardType.REVERSED: REVERSED,
    CardType.CLOZE: CLOZE,
    CardType.TYPE_IN: TYPE_IN,
}

_BASE_CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.45;
  text-align: left;
  color: #1d1d1f;
  background-color: #ffffff;
  max-width: 46em;
  margin: 0 auto;
  padding: 0 0.6em;
  overflow-wrap: break-word;
}
.cs-topic { font-size: 0.65em; color: #6e6e73; margin-bottom: 0.8em; }
.cs-extra { font-size: 0.85em; color: #424245; margin-top: 1em; padding-top: 0.6em; border-top: 1px dashed #c7c7cc; }
.cs-id { font-size: 0.55em; color: #aeaeb2; margin-top: 1.5em; text-align: right; }
code, pre, kbd, samp { font-family: "JetBrains Mono", "Fira Code", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
code { font-size: 0.88em; background: #f2f2f5; border-radius: 4px; padding: 0.05em 0.3em; }
pre.highlight {
  text-align: left;
  font-size: 0.8em;
  line-height: 1.4;
  background: #f6f8fa;
  border: 1px solid #e1e4e8;
  border-radius: 6px;
  padding: 0.7em 0.9em;
  overflow-x: auto;
  white-space: pre;
}
pre.highlight code { background: none; padding: 0; font-size: 1em; }
@media (max-width: 480px) { .card { font-size: 18px; } pre.highlight { font-size: 0.72em; padding: 0.5em 0.6em; } }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #d1d1d6; padding: 0.25em 0.6em; text-align: left; }
.cloze { font-weight: bold; color: #0a58ca; }
input#typeans { font-family: monospace; font-size: 0.9em; }
.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card { color: #e5e5ea; background-color: #1c1c1e; }
.nightMode .cs-topic, .night_mode .cs-topic { color: #98989d; }
.nightMode .cs-extra, .night_mode .cs-extra { color: #c7c7cc; border-top-color: #48484a; }
.nightMode code, .night_mode code { background: #2c2c2e; }
.nightMode pre.highlight, .night_mode pre.highlight { background: #161b22; border-color: #30363d; color-scheme: dark; }
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

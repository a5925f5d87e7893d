"""Obsidian Spaced Repetition: one Markdown file of multi-line cards with deck tags.

The plugin's parser (obsidian-spaced-repetition src/parser.ts; docs/formats.md §8) reads a file line
by line: a blank line ends a card, a line that is only `?` (`??` for both directions) separates
question from answer, a line containing `::` (`:::`) outside a code span is a one-line card, and
fenced code starting at column 0 is taken whole. So, here:

- blank lines are dropped outside code (Obsidian shows a single newline as a line break), and
  every code block is rewritten as a backtick fence at column 0, where blank lines are safe;
- `::` never appears outside a fence: in text the second colon is escaped (`:\\:`), in a code
  span the span becomes `<code>` with `&#58;` (older plugin versions ignore backticks);
- a text line that is only `?` or `??` is escaped, and so is Obsidian's own syntax in text
  (`#tag`, `==highlight==`, `%%comment%%`, `[[link]]`, raw HTML), since cardsmith shows card
  text literally;
- `$` is escaped only where Obsidian could read math: `$$`, and a `$` that can open inline math
  (not followed by a space) with a later one in the card that can close it (not preceded by a
  space). A lone `$name` or `$5 and $10` stays as written.

Each deck (phase, week) gets a tag line `#flashcards/<deck id>/<phase>/<week>`; a tag applies
to the cards after it until the next tag (OSR docs, flashcards/decks.md).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from cardsmith.exporters import text
from cardsmith.exporters.base import Convert, Output
from cardsmith.model import BuiltDeck, Deck, Note

TAG_ROOT = "#flashcards"
_DOUBLED = re.compile(r"([:=%\[])(?=\1)")  # the first of `::`, `==`, `%%`, `[[`
_TAG_START = re.compile(r"(?<![\\\S])#(?=[^\s#])")
_DOLLAR = re.compile(r"\\.|\$+", re.DOTALL)  # an escaped character, or a run of `$`
_SPACE = ("", " ", "\t", "\n")  # what may not follow an opening `$` or precede a closing one
_THEMATIC = re.compile(r" {0,3}([-_])(?: *\1){2,} *")  # would be a setext underline once blank lines go


def tag_segment(title: str) -> str:
    """A tag-safe name for a deck part: `01 Фаза 1: Основы` → `01-Фаза-1` (letters, digits, `_`, `-`)."""
    label = title.split(": ", 1)[0]
    return re.sub(r"[^\w-]+", "-", label).strip("-") or "deck"


def deck_tag(deck_id: str, deck: Deck) -> str:
    return "/".join([TAG_ROOT, tag_segment(deck_id), *(tag_segment(part) for part in deck.parts[1:])])


def _prose(chunk: str) -> str:
    chunk = chunk.replace("<", "&lt;")
    chunk = _TAG_START.sub(r"\\#", chunk)
    chunk = _DOUBLED.sub(lambda m: m.group(1) + "\\", chunk)
    return text.fill_blanks(chunk, lambda hint: "\\" + text.blank_label(hint))


def _code_span(span: str) -> str:
    if "::" not in span and text.BLANK_OPEN not in span:
        return span
    ticks = len(span) - len(span.lstrip("`"))
    inner = span[ticks:-ticks]
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
        inner = inner[1:-1]
    if "::" not in inner:
        return span[:ticks] + text.fill_blanks(inner) + span[-ticks:]
    escaped = re.sub(":(?=:)", "&#58;", html.escape(text.fill_blanks(inner.replace("\n", " ")), quote=False))
    escaped = escaped.replace("$", "&#36;")  # raw HTML: Obsidian would still read `$…$` in it as math
    return f"<code>{escaped}</code>"


def _code_block(block: text.CodeBlock) -> str:
    return text.fence(block.info, text.fill_blanks(block.content))


def _fenced(lines: list[str]) -> Iterator[tuple[str, bool]]:
    """Each line, and whether it belongs to a fenced code block (the fences included)."""
    fence = ""
    for line in lines:
        if fence:
            yield line, True
            if line.startswith(fence) and not line.strip("`"):
                fence = ""
        elif line.startswith("```") and "`" not in line.lstrip("`"):  # an info string has no backtick
            yield line, True
            fence = line[: len(line) - len(line.lstrip("`"))]
        else:
            yield line, False


def card_lines(markdown: str) -> list[str]:
    """Card text without blank lines, `?` lines or stray `::`, code fenced at column 0."""
    rewritten = text.rewrite_markdown(markdown, _prose, _code_span, _code_block)
    lines: list[str] = []
    for line, code in _fenced(rewritten.split("\n")):
        if code:
            lines.append(line)
        elif not line.strip():
            continue
        elif line.strip() in ("?", "??"):
            lines.append(line.replace("?", "\\?"))
        elif _THEMATIC.fullmatch(line):
            lines.append("***")
        else:
            lines.append(line)
    return lines


def _math_dollars(run: str) -> set[int]:
    """Where the `$` are in a run of Markdown lines that Obsidian could read as math delimiters.

    Obsidian's inline math is `$…$` with no space after the opening `$` and none before the
    closing one (display math is `$$…$$`). Every `$$` is taken, and each `$` that can open along
    with the first later free `$` that can close it. Afterwards no `$` left can open math that a
    later one closes, whichever way Obsidian pairs them. Code spans are skipped; a pair may span
    lines, since a card is one paragraph once its blank lines are gone.
    """
    spans = text.code_spans(run)
    singles: list[int] = []
    found: set[int] = set()
    for match in _DOLLAR.finditer(run):
        start, end = match.span()
        if match.group()[0] == "\\" or any(a <= start < b for a, b in spans):
            continue
        if end - start > 1:
            found.update(range(start, end))
        else:
            singles.append(start)
    for number, opener in enumerate(singles):
        if opener in found or run[opener + 1 : opener + 2] in _SPACE:
            continue
        closer = next((i for i in singles[number + 1 :] if i not in found and run[i - 1] not in _SPACE), None)
        if closer is not None:
            found.update((opener, closer))
    return found


def escape_math(markdown: str) -> str:
    """Markdown for Obsidian with a `\\` before each `$` it could read as math (code left as it is)."""
    if "$" not in markdown:
        return markdown
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        joined = "\n".join(run)
        found = _math_dollars(joined)
        out.append("".join("\\$" if i in found else char for i, char in enumerate(joined)))
        run.clear()

    for line, code in _fenced(markdown.split("\n")):
        if not code:
            run.append(line)
            continue
        if run:
            flush()
        out.append(line)
    if run:
        flush()
    return "\n".join(out)


def card_text(markdown: str) -> str:
    """`card_lines` as one string (what `convert` remembers)."""
    return "\n".join(card_lines(markdown))


def card(note: Note, convert: Convert) -> str:
    """One multi-line card: question, `?` (or `??`), answer, and the extra after a rule."""
    sides = note.sides
    separator = "??" if note.notetype == "reversed" else "?"
    parts = [convert(card_text, sides.front), separator, convert(card_text, sides.back)]
    if sides.extra:
        # `***` rather than `---`, which after a paragraph line would be a heading underline.
        parts += ["***", convert(card_text, sides.extra)]
    # `$` after the rest: the question and answer are one paragraph in Obsidian, so math could span them.
    return escape_math("\n".join(part for part in parts if part))


def file_name(deck: BuiltDeck) -> str:
    return f"{deck.config.id}-obsidian.md"


class ObsidianExporter:
    name = "obsidian"
    description = "Obsidian Spaced Repetition plugin: Markdown with #flashcards deck tags"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (file_name(deck),)

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        return (Output(file_name(deck), deck.notes),)

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        parts = [
            f"# {deck.config.title}",
            "<!-- Written by cardsmith from the deck's sources; a rebuild replaces this file. -->",
        ]
        current: Deck | None = None
        for note in output.notes:
            if note.deck != current:
                current = note.deck
                heading = escape_math(_prose(" › ".join(current.parts[1:])))
                parts += [f"## {heading}", deck_tag(deck.config.id, current)]
            parts.append(card(note, convert))
        return ("\n\n".join(parts) + "\n").encode("utf-8")

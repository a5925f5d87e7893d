"""Cloze deletions, read and shown exactly as Anki does: the one parser every stage uses.

Checking a card, rendering its fields, counting its cards, the preview and the one-card formats
all go through `parse`, a port of Anki's own parser (rslib/src/cloze.rs, `tokenize` and
`parse_text_with_clozes`), so that they agree with each other and with what a learner sees:

- `{{cN::` opens a deletion (N a whole number up to 65535; `{{c0::` is shown but makes no card),
  `}}` closes the innermost open one, and a `}}` outside any deletion is plain text;
- deletions nest, up to 10 deep; a deletion left open at the end is dropped, text and all;
- inside a deletion, the first `::` of a run of text starts the hint: `{{c1::std::vector}}`
  hides `std` with the hint `vector`.

`card_side` renders one card's side as Anki's `{{cloze:…}}` filter does (the HTML a tests
compares with the `anki` package's own rendering).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from cardsmith.model import BLANK_CLOSE, BLANK_OPEN

_TOKEN = re.compile(r"\{\{c(\d+)::|\}\}")
_MAX_NUMBER = 65535  # Anki reads the number as a u16; a larger one is not a deletion
_MAX_DEPTH = 10  # Anki ignores deeper openings
# Anki strips HTML inside MathJax after the cloze filter (rslib/src/cloze.rs, MATHJAX; text.rs, HTML).
_MATHJAX = re.compile(r"(\\[(\[])(.*?)(\\[\])])", re.DOTALL | re.IGNORECASE)
_HTML = re.compile(r"(<!--.*?-->)|(<style.*?>.*?</style>)|(<script.*?>.*?</script>)|(<.*?>)", re.DOTALL | re.IGNORECASE)
_MINIMAL = {'"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;"}


@dataclass(slots=True)
class Deletion:
    """One `{{cN::…}}`: its number, its content (text and nested deletions) and its hint."""

    number: int
    nodes: list[str | Deletion] = field(default_factory=list)
    hint: str | None = None

    def answer(self) -> str:
        """The hidden text, nested deletions filled in, hints left out."""
        return "".join(node if isinstance(node, str) else node.answer() for node in self.nodes)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A text as Anki reads it: top-level text and deletions, and how many deletions stayed open."""

    nodes: tuple[str | Deletion, ...]
    unclosed: int


def _tokens(text: str) -> Iterator[tuple[str, str | int]]:
    """("open", N), ("close", "}}") and ("text", …) tokens, as Anki's tokenizer finds them."""
    pos = 0
    search = 0
    while True:
        match = _TOKEN.search(text, search)
        if match is not None and match.group(1) is not None and int(match.group(1)) > _MAX_NUMBER:
            search = match.start() + 1  # not a deletion: plain text, and look again from the next character
            continue
        end = match.start() if match else len(text)
        if end > pos:
            yield "text", text[pos:end]
        if match is None:
            return
        yield ("open", int(match.group(1))) if match.group(1) is not None else ("close", "}}")
        pos = search = match.end()


def parse(text: str) -> Parsed:
    """Split text into plain text and (nested) deletions."""
    output: list[str | Deletion] = []
    open_: list[Deletion] = []
    for kind, value in _tokens(text):
        if kind == "open":
            assert isinstance(value, int)
            if len(open_) < _MAX_DEPTH:
                open_.append(Deletion(value))
        elif kind == "text":
            assert isinstance(value, str)
            if open_:
                if "::" in value:
                    value, open_[-1].hint = value.split("::", 1)
                open_[-1].nodes.append(value)
            else:
                output.append(value)
        elif open_:
            closed = open_.pop()
            (open_[-1].nodes if open_ else output).append(closed)
        else:
            output.append("}}")
    return Parsed(tuple(output), len(open_))


def _walk(nodes: tuple[str | Deletion, ...] | list[str | Deletion]) -> Iterator[Deletion]:
    for node in nodes:
        if isinstance(node, Deletion):
            yield node
            yield from _walk(node.nodes)


def deletions(text: str) -> tuple[Deletion, ...]:
    """Every deletion of a text, outer ones before the ones they hold."""
    return tuple(_walk(parse(text).nodes))


def numbers(text: str) -> tuple[int, ...]:
    """The cloze numbers that make cards, sorted: Anki makes card N for each (c0 makes none)."""
    found: set[int] = set()

    def visit(nodes: tuple[str | Deletion, ...] | list[str | Deletion]) -> None:
        for node in nodes:
            if isinstance(node, Deletion) and node.number != 0:
                found.add(node.number)
                visit(node.nodes)

    visit(parse(text).nodes)
    return tuple(sorted(found))


def has_marks(text: str) -> bool:
    """Whether a text has anything that opens a deletion (code with one is left unhighlighted)."""
    return any(match.group(1) is not None for match in _TOKEN.finditer(text))


# --- One card of a cloze note, as Anki renders it ------------------------------------------------


def _attribute(text: str) -> str:
    """Escape like Anki's `htmlescape::encode_attribute`: every other ASCII and Latin-1 character as &#xHH;."""
    out = []
    for char in text:
        if char in _MINIMAL:
            out.append(_MINIMAL[char])
        elif ord(char) < 256 and not (char.isascii() and char.isalnum()):
            out.append(f"&#x{ord(char):02X};")
        else:
            out.append(char)
    return "".join(out)


def _reveal(deletion: Deletion, ordinal: int, question: bool, found: list[bool]) -> str:
    active = deletion.number == ordinal
    found[0] |= active

    def inner() -> str:
        return "".join(
            node if isinstance(node, str) else _reveal(node, ordinal, question, found) for node in deletion.nodes
        )

    if question and active:
        hidden = inner()
        hint = deletion.hint if deletion.hint is not None else "..."
        return f'<span class="cloze" data-cloze="{_attribute(hidden)}" data-ordinal="{deletion.number}">[{hint}]</span>'
    css = "cloze" if active else "cloze-inactive"
    return f'<span class="{css}" data-ordinal="{deletion.number}">{inner()}</span>'


def card_side(text: str, ordinal: int, question: bool) -> str:
    """What `{{cloze:Field}}` shows on card `ordinal`: its deletions hidden (or shown), the others as text."""
    found = [False]
    parts = [node if isinstance(node, str) else _reveal(node, ordinal, question, found) for node in parse(text).nodes]
    if not found[0]:
        return ""
    return _MATHJAX.sub(lambda m: m.group(1) + _HTML.sub("", m.group(2)) + m.group(3), "".join(parts))


# --- One card per note, for apps without clozes --------------------------------------------------


def hide_all(text: str) -> str:
    """The text with every deletion a blank carrying its hint (see model.BLANK_OPEN)."""
    return "".join(
        node if isinstance(node, str) else f"{BLANK_OPEN}{node.hint or ''}{BLANK_CLOSE}" for node in parse(text).nodes
    )


def reveal_all(text: str) -> str:
    """The text with every deletion filled in."""
    return "".join(node if isinstance(node, str) else node.answer() for node in parse(text).nodes)


_BLANK = re.compile(f"{BLANK_OPEN}(.*?){BLANK_CLOSE}", re.DOTALL)


def blank_label(hint: str) -> str:
    """What a blank shows: `[...]`, or `[hint]` as Anki shows a hint."""
    return f"[{hint or '...'}]"


def fill_blanks(text: str, show: Callable[[str], str] = blank_label) -> str:
    """Replace the blanks left by `hide_all` (`show` turns a hint into the text to write)."""
    return _BLANK.sub(lambda m: show(m.group(1)), text)


# --- Checks --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong with a cloze text: an error (the card cannot work) or a warning."""

    is_error: bool
    message: str


def check(text: str) -> tuple[Finding, ...]:
    """A cloze needs {{c1::…}}, numbers from 1 without gaps, every deletion closed, and no hint cut in code."""
    parsed = parse(text)
    if parsed.unclosed:
        return (Finding(True, "has a '{{c…::' without its closing '}}'"),)
    found = numbers(text)
    if not found:
        return (Finding(True, "has no deletion; mark one like {{c1::answer}}"),)
    findings = []
    if any(d.number == 0 for d in _walk(parsed.nodes)):
        findings.append(Finding(True, "has a c0 deletion, which Anki never asks; number deletions from c1"))
    missing = sorted(set(range(1, found[-1] + 1)) - set(found))
    if missing:
        gaps = ", ".join(f"c{n}" for n in missing)
        findings.append(Finding(True, f"skips {gaps}; number deletions from c1 without gaps"))
    for deletion in _walk(parsed.nodes):
        shown = "".join(node for node in deletion.nodes if isinstance(node, str))
        if deletion.hint is not None and shown.count("`") % 2 == 1:
            body = f"{deletion.answer()}::{deletion.hint}"
            findings.append(
                Finding(
                    False,
                    f"Anki reads the '::' in '{body}' as the start of a hint, so the answer is cut there; "
                    "put the '::' outside the deletion or reword it",
                )
            )
    return tuple(findings)

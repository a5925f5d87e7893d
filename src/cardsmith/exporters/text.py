"""What the text exporters share: a note's sides as Markdown, and Markdown as plain text or simple HTML.

The Anki exporters use the rendered HTML fields; the other apps get the author's Markdown (Mochi,
Obsidian), plain text (CSV, Quizlet) or plain HTML without Pygments spans (Mnemosyne). Apps
without clozes get one card per cloze note: the front with every deletion shown as `[...]` (or
`[hint]`) and the back with the answers filled in.

Blanks are carried through Markdown processing as private-use characters and replaced at the end,
so that a `[...]` never turns into a Markdown link (`[...](x)`) and each format can write it the
way it needs (escaped outside code, literal inside code).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.texmath import texmath_plugin

from cardsmith import render
from cardsmith.model import CardType, Note

BLANK_OPEN = "\ue000"
BLANK_CLOSE = "\ue001"
BLANK = re.compile(f"{BLANK_OPEN}(.*?){BLANK_CLOSE}", re.DOTALL)

_CLOZE_TOKEN = re.compile(r"\{\{c\d+::|::|\}\}")


@dataclass(frozen=True, slots=True)
class Sides:
    """A note as question and answer in Markdown; cloze deletions in `front` are blanks."""

    front: str
    back: str
    extra: str


@dataclass(slots=True)
class _Deletion:
    content: list[str | _Deletion]
    hint: list[str | _Deletion] | None = None


def _parse_cloze(text: str) -> list[str | _Deletion]:
    """Split cloze text into literal text and (possibly nested) deletions.

    As in Anki, the first `::` inside a deletion starts its hint: `{{c1::std::vector}}` hides
    `std` with the hint `vector` (checked against the `anki` package's card rendering).
    """
    root: list[str | _Deletion] = []
    stack: list[_Deletion] = []

    def target() -> list[str | _Deletion]:
        if not stack:
            return root
        top = stack[-1]
        return top.hint if top.hint is not None else top.content

    pos = 0
    for match in _CLOZE_TOKEN.finditer(text):
        target().append(text[pos : match.start()])
        token = match.group()
        if token.startswith("{{c"):
            deletion = _Deletion([])
            target().append(deletion)
            stack.append(deletion)
        elif token == "}}" and stack:
            stack.pop()
        elif token == "::" and stack and stack[-1].hint is None:
            stack[-1].hint = []
        else:
            target().append(token)
        pos = match.end()
    target().append(text[pos:])
    return root


def _flatten(pieces: Sequence[str | _Deletion], hide: bool) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif hide:
            hint = _flatten(piece.hint, hide=False) if piece.hint is not None else ""
            out.append(f"{BLANK_OPEN}{hint}{BLANK_CLOSE}")
        else:
            out.append(_flatten(piece.content, hide=False))
    return "".join(out)


def cloze_front(text: str) -> str:
    """Cloze text with every deletion replaced by a blank (carrying its hint)."""
    return _flatten(_parse_cloze(text), hide=True)


def cloze_back(text: str) -> str:
    """Cloze text with every deletion replaced by its answer."""
    return _flatten(_parse_cloze(text), hide=False)


def blank_label(hint: str) -> str:
    """What a blank shows: `[...]`, or `[hint]` as Anki shows a hint."""
    return f"[{hint or '...'}]"


def fill_blanks(text: str, show: Callable[[str], str] = blank_label) -> str:
    """Replace the blanks left by `cloze_front`."""
    return BLANK.sub(lambda m: show(m.group(1)), text)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~=:])")


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that shows exactly that text (a type-in answer is plain text)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.strip())


def sides(note: Note) -> Sides:
    """The note's question, answer and extra as the author's Markdown."""
    question = note.card.question
    extra = question.extra.strip()
    if question.type is CardType.CLOZE:
        text = question.text.strip()
        return Sides(cloze_front(text), cloze_back(text), extra)
    back = escape_markdown(question.a) if question.type is CardType.TYPE_IN else question.a.strip()
    return Sides(question.q.strip(), back, extra)


_IMG_SRC = re.compile(r'<img src="([^"]*)"')


def image_files(note: Note) -> dict[str, str]:
    """Each image source as written in the note's Markdown -> the packaged (flat) file name.

    The build renders `![](src)` as `<img src="flat name">`, image by image in source order, so
    pairing the sources of each Markdown field with the `src`s of its rendered field recovers
    the names the packaged media have.
    """
    question = note.card.question
    if question.type is CardType.CLOZE:
        pairs = [(question.text, note.fields[0]), (question.extra, note.fields[1])]
    else:
        pairs = [(question.q, note.fields[0]), (question.a, note.fields[1]), (question.extra, note.fields[2])]
    found: dict[str, str] = {}
    for source, rendered in pairs:
        names = [html.unescape(name) for name in _IMG_SRC.findall(rendered)]
        found.update(zip(render.media_references(source), names, strict=False))
    return found


# --- Markdown as plain text ------------------------------------------------------------------


def _math_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return html.escape(tokens[idx].content.replace("\n", " "), quote=False)


def _code_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    code = tokens[idx].content.rstrip("\n").replace("\t", "    ")
    return "<pre><code>" + html.escape(code, quote=False).replace("\n", "<br>") + "</code></pre>"


def _softbreak_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return " "


def _hardbreak_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "<br>"


@functools.cache
def markdown() -> MarkdownIt:
    """A parser configured like cardsmith's card renderer (render.py), minus Pygments."""
    md = MarkdownIt("commonmark", {"html": False, "breaks": False})
    md.enable(["table", "strikethrough"])
    md.use(texmath_plugin, delimiters="brackets")
    for rule in ("math_inline", "math_block", "math_block_eqno"):
        md.add_render_rule(rule, _math_rule)
    md.add_render_rule("fence", _code_rule)
    md.add_render_rule("code_block", _code_rule)
    md.add_render_rule("softbreak", _softbreak_rule)
    md.add_render_rule("hardbreak", _hardbreak_rule)
    return md


def _inline_plain(tokens: Sequence[Token]) -> str:
    out: list[str] = []
    links: list[tuple[str, int]] = []
    for token in tokens:
        if token.type in ("text", "code_inline", "math_inline"):
            out.append(token.content)
        elif token.type == "softbreak":
            out.append(" ")
        elif token.type == "hardbreak":
            out.append("\n")
        elif token.type == "image":
            out.append(token.content or str(token.attrGet("src") or ""))
        elif token.type == "link_open":
            links.append((str(token.attrGet("href") or ""), len(out)))
        elif token.type == "link_close" and links:
            href, start = links.pop()
            if href and href != "".join(out[start:]):
                out.append(f" ({href})")
    return "".join(out)


def to_plain(text: str) -> str:
    """Markdown as readable plain text: blocks on their own lines, code kept line by line."""
    blocks: list[str] = []
    lists: list[int | None] = []  # next number of each open ordered list, None for bullets
    marker = ""  # the list marker waiting for the first block of a list item
    row: list[str] | None = None
    table: list[str] = []

    def emit(block: str) -> None:
        nonlocal marker
        depth = "  " * len(lists)
        first = "  " * max(len(lists) - 1, 0) + marker if marker else depth
        lines = block.split("\n")
        blocks.append("\n".join([first + lines[0], *(depth + line if line else line for line in lines[1:])]))
        marker = ""

    for token in markdown().parse(text):
        kind = token.type
        if kind == "bullet_list_open":
            lists.append(None)
        elif kind == "ordered_list_open":
            lists.append(int(token.attrGet("start") or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            number = lists[-1]
            marker = "- " if number is None else f"{number}. "
            if number is not None:
                lists[-1] = number + 1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            table.append(" | ".join(row))
            row = None
        elif kind == "table_close":
            emit("\n".join(table))
            table = []
        elif kind == "inline":
            content = _inline_plain(token.children or ())
            if row is not None:
                row.append(content)
            else:
                emit(content)
        elif kind in ("fence", "code_block", "math_block", "math_block_eqno"):
            emit(token.content.rstrip("\n"))
    return "\n".join(blocks)


def to_html(text: str) -> str:
    """Markdown as simple one-line HTML: no Pygments spans, `<br>` inside code, no raw newlines."""
    rendered: str = markdown().render(text)
    # Every newline left is markup layout between block tags: code, soft and hard breaks have
    # their own rules above.
    return rendered.replace("\n", "").replace("\t", " ")


def flatten_lines(text: str, joiner: str = " ⏎ ") -> str:
    """Plain text on one line: line breaks become a visible mark, tabs become spaces."""
    lines = [line.rstrip() for line in text.replace("\t", "    ").split("\n")]
    return joiner.join(line for line in lines if line.strip())


# --- Markdown rewriting around code ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A fenced or indented code block: its info string, content and original source lines."""

    info: str
    content: str
    source: str


def _code_spans(chunk: str) -> list[tuple[int, int]]:
    """Start and end of every inline code span in a run of Markdown lines (CommonMark rules)."""
    spans = []
    i = 0
    while i < len(chunk):
        char = chunk[i]
        if char == "\\":
            i += 2
            continue
        if char != "`":
            i += 1
            continue
        run = len(chunk[i:]) - len(chunk[i:].lstrip("`"))
        closing = re.compile(rf"(?<!`)`{{{run}}}(?!`)")
        found = closing.search(chunk, i + run)
        if found is None:
            i += run
            continue
        spans.append((i, found.end()))
        i = found.end()
    return spans


def rewrite_markdown(
    text: str,
    prose: Callable[[str], str],
    inline_code: Callable[[str], str],
    block_code: Callable[[CodeBlock], str],
) -> str:
    """Rewrite Markdown piecewise: prose, inline code spans (with backticks) and code blocks.

    Code blocks are found by markdown-it (token line maps); code spans by scanning each
    paragraph-like run of lines, so an unmatched backtick never reaches into the next paragraph.
    """
    lines = text.split("\n")
    blocks: dict[int, tuple[int, Token]] = {}
    for token in markdown().parse(text):
        if token.type in ("fence", "code_block") and token.map:
            blocks[token.map[0]] = (token.map[1], token)
    out: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        if not chunk:
            return
        joined = "\n".join(chunk)
        pos = 0
        pieces = []
        for start, end in _code_spans(joined):
            pieces.append(prose(joined[pos:start]))
            pieces.append(inline_code(joined[start:end]))
            pos = end
        pieces.append(prose(joined[pos:]))
        out.append("".join(pieces))
        chunk.clear()

    number = 0
    while number < len(lines):
        if number in blocks:
            flush()
            end, token = blocks[number]
            source = "\n".join(lines[number:end])
            out.append(block_code(CodeBlock(token.info.strip(), token.content, source)))
            number = end
        elif not lines[number].strip():
            flush()
            out.append(lines[number])
            number += 1
        else:
            chunk.append(lines[number])
            number += 1
    flush()
    return "\n".join(out)


def fence(info: str, content: str) -> str:
    """A backtick fence at column 0 around `content`, longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{ticks}{info}\n{body}{ticks}"

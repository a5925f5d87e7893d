"""What the text exporters share: Markdown as plain text or simple HTML, and rewriting around code.

The Anki exporters use the rendered HTML fields; the other apps get the author's Markdown (Mochi,
Obsidian), plain text (CSV, Quizlet) or plain HTML without Pygments spans (Mnemosyne), from each
note's `sides`. Apps without clozes get one card per cloze note: the front with every deletion as
a blank and the back with the answers (cloze.hide_all, cloze.reveal_all).

Blanks are carried through Markdown processing as private-use characters and replaced at the end
(`fill_blanks`), so that a `[...]` never turns into a Markdown link (`[...](x)`) and each format
can write it the way it needs (escaped outside code, literal inside code).

Every conversion here is a pure function of its text: exporters call them through `convert`, so
that a field that did not change is not converted again.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # markdown-it is loaded by `markdown()`, when a field is first parsed
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from cardsmith.cloze import blank_label, fill_blanks
from cardsmith.mathsyntax import math_plugin
from cardsmith.model import BLANK_OPEN

__all__ = [
    "BLANK_OPEN",
    "CodeBlock",
    "blank_label",
    "code_spans",
    "fence",
    "fill_blanks",
    "flatten_lines",
    "rewrite_markdown",
    "to_html",
    "to_plain",
]


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


def _image_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # The text formats carry no image files: an image is its alt text, never a source to load.
    return html.escape(tokens[idx].content, quote=False)


@functools.cache
def markdown() -> MarkdownIt:
    """A parser configured like cardsmith's card renderer (render.py), minus Pygments."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "breaks": False})
    md.enable(["table", "strikethrough"])
    md.use(math_plugin)  # as texmath reads it, in linear time
    for rule in ("math_inline", "math_block", "math_block_eqno"):
        md.add_render_rule(rule, _math_rule)
    md.add_render_rule("fence", _code_rule)
    md.add_render_rule("code_block", _code_rule)
    md.add_render_rule("softbreak", _softbreak_rule)
    md.add_render_rule("hardbreak", _hardbreak_rule)
    md.add_render_rule("image", _image_rule)
    for ruler in (md.core.ruler, md.block.ruler, md.inline.ruler, md.inline.ruler2):
        ruler.getRules("")  # build the rule chains now: markdown-it builds them on first use, not thread-safely
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


def code_spans(chunk: str) -> list[tuple[int, int]]:
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
        for start, end in code_spans(joined):
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

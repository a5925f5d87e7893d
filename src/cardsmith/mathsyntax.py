"""`\\( \\)` and `\\[ \\]` math in Markdown, read exactly as mdit-py-plugins' texmath reads it, in linear time (pure).

texmath (with "brackets") matches a regular expression against a copy of the rest of the text
at every `\\(` and `\\[`, so a field of 50,000 `\\(` took minutes to render. Here each text's
delimiters are found once and looked up by bisection. The card renderer (render.py) and the
text formats (exporters/text.py) both read math with it; tests/test_hostile_content.py checks
it token for token against texmath.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline


@functools.lru_cache(maxsize=16)
def _delimiters(src: str, pattern: str) -> list[int]:
    """Where `pattern` (a two-character delimiter, which cannot overlap itself) occurs in `src`."""
    return [found.start() for found in re.finditer(pattern, src)]


def _next(src: str, pattern: str, start: int) -> int:
    """The first occurrence of `pattern` in `src` at or after `start`, or -1."""
    found = _delimiters(src, pattern)
    at = bisect.bisect_left(found, start)
    return found[at] if at < len(found) else -1


_INLINE_END = r"\\\)"
_BLOCK_END = r"\\\]"
_EITHER_BRACKET = r"\\[\[\]]"
_EQNO = re.compile(r"\s*?\(([^)$\r\n]+?)\)")  # after `\]`: the equation's number, `(1)`


def _math_inline_rule(state: StateInline, silent: bool) -> bool:
    r"""`\(…\)`: up to the first `\)` after at least one character (texmath ignores posMax too)."""
    src, start = state.src, state.pos
    if not src.startswith("\\(", start):
        return False
    end = _next(src, _INLINE_END, start + 3)
    if end < 0:
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = src[start + 2 : end]
        token.markup = "\\("
    state.pos = end + 2
    return True


def _math_block_end(state: StateBlock, end: int, begLine: int, endLine: int) -> int:
    """The line holding `end` (the math's last character) within this block, or -1."""
    line = bisect.bisect_left(state.eMarks, end, begLine, endLine)
    return -1 if line >= endLine or end < state.bMarks[line] else line


def _math_block_rule(eqno: bool) -> Any:
    def rule(state: StateBlock, begLine: int, endLine: int, silent: bool) -> bool:
        src = state.src
        begin = state.bMarks[begLine] + state.tShift[begLine]
        if not src.startswith("\\[", begin):
            return False
        if eqno:  # `\[…\] (n)`: the body holds neither `\[` nor `\]`
            close = _next(src, _EITHER_BRACKET, begin + 2)
            if close < begin + 3 or src[close + 1] != "]":
                return False
            number = _EQNO.match(src, close + 2)
            if not number:
                return False
            after, info = number.end(), number[1]
        else:
            close = _next(src, _BLOCK_END, begin + 3)
            if close < 0:
                return False
            after, info = close + 2, src[begin + 2 : close]
        line = _math_block_end(state, after - 1, begLine, endLine)
        if line < 0:
            return False
        if not silent:
            token = state.push("math_block_eqno" if eqno else "math_block", "math", 0)
            token.block = True
            token.content = src[begin + 2 : close]
            token.info = info
            token.markup = "\\["
        state.line = line + 1
        return True

    return rule


def math_plugin(md: MarkdownIt) -> None:
    """`\\( \\)` and `\\[ \\]` (with `\\[…\\] (n)`) math as texmath's "brackets" parses it, in linear time."""
    md.inline.ruler.before("escape", "math_inline", _math_inline_rule)
    md.block.ruler.before("fence", "math_block_eqno", _math_block_rule(eqno=True))
    md.block.ruler.before("fence", "math_block", _math_block_rule(eqno=False))

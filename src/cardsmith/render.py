"""Markdown to the HTML that goes into note fields: one parser, and a renderer that remembers.

Raw HTML is off: card text from a study group is untrusted, so `<script>` comes out as text.
Fenced code is highlighted by Pygments with CSS classes (the stylesheet is in notetypes.py),
and `\\( \\)` / `\\[ \\]` math is passed through for Anki's MathJax.

Rendering is pure, so a `Renderer` gives back a field it (or an earlier build, through its
Memo) has rendered before, and renders a large batch of new fields on every core.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # markdown-it is loaded by `markdown()`, when a field is first parsed
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from cardsmith import cloze
from cardsmith.memo import Memo, key_of
from cardsmith.model import Progress, no_progress

Media = tuple[tuple[str, str], ...]  # image source as written -> packaged file name
PARALLEL_FROM = 400  # below this many new fields, starting worker processes costs more than it saves


@functools.cache
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    # One formatter for every block: building one computes a whole stylesheet (a third of the cost).
    return HtmlFormatter(nowrap=True)


@functools.lru_cache(maxsize=256)
def _lexer(name: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str, attrs: str) -> str:
    """Highlight one fenced block; a block with cloze deletions stays plain so they survive."""
    from pygments import highlight

    name = lang.strip().split()[0].lower() if lang.strip() else ""
    css_lang = f' class="language-{html.escape(name)}"' if name else ""
    lexer = _lexer(name) if name and not cloze.has_marks(code) else None
    if lexer is not None:
        body = highlight(code, lexer, _formatter())
        return f'<pre class="highlight"><code{css_lang}>{body}</code></pre>\n'
    return f'<pre class="highlight"><code{css_lang}>{html.escape(code, quote=False)}</code></pre>\n'


def _math_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "\\(" + html.escape(tokens[idx].content, quote=False) + "\\)"


def _math_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "<p>\\[" + html.escape(tokens[idx].content, quote=False) + "\\]</p>\n"


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Point an image at its packaged media file (loading checked and flattened the name)."""
    token = tokens[idx]
    src = token.attrGet("src")
    if isinstance(src, str) and src in env.get("media", {}):
        token.attrSet("src", env["media"][src])
    return str(self.image(tokens, idx, options, env))


@functools.cache
def markdown() -> MarkdownIt:
    """The one Markdown parser for card fields."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.texmath import texmath_plugin

    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight, "breaks": False})
    md.enable(["table", "strikethrough"])
    md.use(texmath_plugin, delimiters="brackets")
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("math_block_eqno", _math_block)
    md.add_render_rule("image", _image)
    for ruler in (md.core.ruler, md.block.ruler, md.inline.ruler, md.inline.ruler2):
        ruler.getRules("")  # build the rule chains now: markdown-it builds them on first use, not thread-safely
    return md


def render_markdown(text: str, media: Media = ()) -> str:
    """Render a Markdown field to HTML; `media` maps image sources to the packaged file names."""
    if not text.strip():
        return ""
    rendered: str = markdown().render(text.strip(), {"media": dict(media)})
    return rendered.strip()


def _render_batch(batch: list[tuple[str, Media]]) -> list[str]:
    return [render_markdown(text, media) for text, media in batch]


class Renderer:
    """Renders note fields through a Memo: an unchanged field is never rendered twice."""

    def __init__(self, memo: Memo, workers: int = 1) -> None:
        self.memo = memo
        self.workers = workers
        self._keys: dict[tuple[str, Media], bytes] = {}  # the keys `prepare` worked out already

    def html(self, text: str, media: Media = ()) -> str:
        """The HTML of a Markdown field."""
        return self.field(text, media)[0]

    def field(self, text: str, media: Media = ()) -> tuple[str, str]:
        """The HTML of a Markdown field, and what it is made from in short: its render key."""
        if not text.strip():
            return "", ""
        key = self._keys.get((text, media)) or key_of(render_markdown, (text, media))
        return self.memo.get(key, render_markdown, text, media), key.hex()

    def forget(self) -> None:
        """Drop the render keys worked out for the fields of the last batch (the memo keeps the renders)."""
        self._keys = {}

    def prepare(self, fields: Iterable[tuple[str, Media]], progress: Progress = no_progress) -> int:
        """Render the fields not rendered before on several cores, if there are enough; return how many.

        The results go into the memo, so the build itself renders nothing again.
        """
        pending: dict[bytes, tuple[str, Media]] = {}
        for text, media in fields:
            if text.strip() and (text, media) not in self._keys:
                key = self._keys[text, media] = key_of(render_markdown, (text, media))
                if not self.memo.knows(key):
                    pending[key] = (text, media)
        if self.workers < 2 or len(pending) < PARALLEL_FROM:
            return 0
        from concurrent.futures import ProcessPoolExecutor

        keys, work = list(pending), list(pending.values())
        size = -(-len(work) // (self.workers * 4))
        batches = [work[i : i + size] for i in range(0, len(work), size)]
        results: list[str] = []
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            for rendered in pool.map(_render_batch, batches):
                results += rendered
                progress("rendering", len(results), len(work))
        for key, value in zip(keys, results, strict=True):
            self.memo.add(key, value)
        return len(work)


def render_plain(text: str) -> str:
    """Escape a plain-text field (the answer of a type-in card, a breadcrumb)."""
    return html.escape(text.strip(), quote=False)


# Only what cardsmith's Markdown (CommonMark with tables, strikethrough and `\( \)` math) would read
# as markup, in context. At the start of a line: what starts a block (heading, quote, list item,
# thematic break, setext underline), and `[` as `&#91;` (`\[` would open `\[ \]` math there).
# Anywhere: `\` before what it would escape, backticks, `[` (no link without one, so `]` stays),
# `*` unless between spaces, `_` unless inside a word, `~~`, `&` of an entity, `<` of an autolink
# or tag (as `&lt;`, which the text exporters' own `<` escaping leaves alone) and, when there is
# more than one line, `|` (a table needs two lines).
_MARKDOWN_SPECIAL = re.compile(
    r"""
    ^(?P<indent>[ \t]*)(?:
        (?P<block>\#(?=\#{0,5}(?:[ \t]|$)) | > | [-+*](?=[ \t]|$) | [-*_=](?=[-*_= \t]*$)) | (?P<bracket>\[)
    )
    | ^(?P<number>[ \t]*[0-9]{1,9})(?P<delimiter>[.)])(?=[ \t]|$)
    | (?P<escape>
        \\(?=[!-/:-@\[-`{-~\n]) | [`\[] | ~{2,} | &(?=\#[0-9]{1,7};|\#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)
    )
    | (?P<stars>\*+) | (?P<underscores>_+) | (?P<angle><(?=[!-~])) | (?P<pipe>\|)
    """,
    re.MULTILINE | re.VERBOSE,
)


def plain_as_markdown(text: str) -> str:
    """Plain text as Markdown that shows exactly that text (a type-in answer is plain text).

    Only what would be read as markup is escaped, so apps that show the Markdown itself (Obsidian,
    Mochi) show `--verbose` or `$name` as they are: `render_markdown(plain_as_markdown(x))` is `x`,
    HTML-escaped, as one paragraph (tests/test_render.py checks it for any one line of text).
    """
    text = text.strip()
    lines = "\n" in text

    def escape(found: re.Match[str]) -> str:
        value = found.group()
        start, end = found.span()
        if found["block"]:
            return found["indent"] + "\\" + found["block"]
        if found["bracket"]:
            return found["indent"] + "&#91;"
        if found["delimiter"]:
            return found["number"] + "\\" + found["delimiter"]
        if found["angle"]:
            return "&lt;"
        if found["pipe"] and not lines:
            return value
        if found["stars"] and text[start - 1 : start] == " " and text[end : end + 1] == " ":
            return value  # neither left- nor right-flanking: never emphasis
        if found["underscores"] and text[start - 1 : start].isalnum() and text[end : end + 1].isalnum():
            return value  # inside a word: never emphasis
        return "".join("\\" + char for char in value)

    return _MARKDOWN_SPECIAL.sub(escape, text)


def media_references(text: str) -> tuple[str, ...]:
    """The image sources a Markdown field refers to, in order."""
    if "](" not in text:
        return ()
    found: list[str] = []
    for token in markdown().parse(text):
        for child in token.children or ():
            if child.type == "image":
                src = child.attrGet("src")
                if isinstance(src, str):
                    found.append(src)
    return tuple(found)

"""Markdown to the HTML that goes into note fields: one parser, and a renderer that remembers.

Raw HTML is off: card text from a study group is untrusted, so `<script>` comes out as text.
Fenced code is highlighted by Pygments with CSS classes (the stylesheet is in notetypes.py),
and `\\( \\)` / `\\[ \\]` math is passed through for Anki's MathJax, parsed in time linear in
the field. Nothing in a field reaches out of the card: an image shows only if the media check
approved its source, and the MathJax commands and Anki tags that would act rather than show
(`unsafe_markup` names them for the checks) are neutralised in the HTML.

Rendering is pure, so a `Renderer` gives back a field it (or an earlier build, through its
Memo) has rendered before, and renders a large batch of new fields on every core.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # markdown-it is loaded by `markdown()`, when a field is first parsed
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from cardsmith import cloze
from cardsmith.mathsyntax import math_plugin
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


# What Anki and its MathJax would act on in a field's HTML instead of showing it. Anki's MathJax
# (ts/mathjax in ankitects/anki) loads `autoload` and `require` but not the `safe` extension, so
# `\href{javascript:…}`, `\style`/`\class`/`\cssId`/`\data` (the `html` package), `\bbox[<css>]`,
# `\mmlToken`'s attributes and `\require` reach outside the card. Anki plays `[sound:…]`, reads
# `[anki:…]` (text to speech, play buttons) and runs LaTeX on `[latex]`, `[$]` and `[$$]` (any case)
# anywhere in the HTML, code included (rslib card_rendering/parser.rs, latex.rs).
MATHJAX_UNSAFE = ("href", "style", "class", "cssId", "data", "mmlToken", "require", "bbox")
_MATHJAX_COMMAND = re.compile(r"\\\\|\\(" + "|".join(MATHJAX_UNSAFE) + r")(?![A-Za-z])")  # `\\` is a pair
_ANKI_TAG = re.compile(r"\[(?=sound:|anki:|latex\]|\$\$?\])", re.IGNORECASE)
_ANKI_TAG_NAME = re.compile(r"\[(?:sound:|anki:|latex\]|\$\$?\])", re.IGNORECASE)
_ANKI_TAG_USE = {
    "[sound:": "Anki plays it as a sound file",
    "[anki:": "Anki reads it as a directive (text to speech, play buttons)",
    "[latex]": "Anki runs LaTeX on the learner's computer for it",
}


def _safe_math(tex: str) -> str:
    """TeX with the unsafe MathJax commands shown as their names (`\\backslash\\text{href}`)."""
    return _MATHJAX_COMMAND.sub(lambda m: m[0] if m[1] is None else "\\backslash\\text{" + m[1] + "}", tex)


def _safe_text(escaped: str) -> str:
    """HTML text with each unsafe MathJax command split by a `<span>`, so MathJax never reads it as one."""
    if "\\" not in escaped:
        return escaped
    return _MATHJAX_COMMAND.sub(lambda m: m[0] if m[1] is None else "\\<span>" + m[1] + "</span>", escaped)


def _safe_tags(rendered: str) -> str:
    """HTML with the `[` of every Anki tag as `&#91;`: shown the same, never acted on."""
    return _ANKI_TAG.sub("&#91;", rendered)


def _math_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "\\(" + html.escape(_safe_math(tokens[idx].content), quote=False) + "\\)"


def _math_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "<p>\\[" + html.escape(_safe_math(tokens[idx].content), quote=False) + "\\]</p>\n"


def _escape(text: str) -> str:
    """Text as HTML, exactly as markdown-it escapes it (`&`, `<`, `>` and `"`), MathJax commands split."""
    return _safe_text(html.escape(text, quote=False).replace('"', "&quot;"))


def _text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return _escape(tokens[idx].content)


def embedded(src: str) -> bool:
    """Whether an image source is the image itself (markdown-it lets through `data:image/…` only)."""
    return src[:5].lower() == "data:"


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Point an image at its packaged media file (loading checked and flattened the name).

    A source the media check did not approve (the card's `media`) never reaches the HTML: the
    image shows its alt text instead, so a web address or a file outside the deck cannot load.
    """
    token = tokens[idx]
    src = token.attrGet("src")
    media = env.get("media", {})
    if isinstance(src, str) and src in media:
        token.attrSet("src", media[src])
    elif not (isinstance(src, str) and embedded(src)):
        return _escape(self.renderInlineAsText(token.children, options, env))
    return str(self.image(tokens, idx, options, env))


@functools.cache
def markdown() -> MarkdownIt:
    """The one Markdown parser for card fields."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight, "breaks": False})
    md.enable(["table", "strikethrough"])
    md.use(math_plugin)
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("math_block_eqno", _math_block)
    md.add_render_rule("image", _image)
    md.add_render_rule("text", _text)
    for ruler in (md.core.ruler, md.block.ruler, md.inline.ruler, md.inline.ruler2):
        ruler.getRules("")  # build the rule chains now: markdown-it builds them on first use, not thread-safely
    return md


def render_markdown(text: str, media: Media = ()) -> str:
    """Render a Markdown field to HTML; `media` maps image sources to the packaged file names."""
    if not text.strip():
        return ""
    rendered: str = markdown().render(text.strip(), {"media": dict(media)})
    return _safe_tags(rendered.strip())


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
    """Escape a plain-text field (the answer of a type-in card, a breadcrumb), Anki tags and MathJax commands too."""
    return _safe_tags(_safe_text(html.escape(text.strip(), quote=False)))


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
    """The source of every image markdown-it reads in a Markdown field, in order, as the renderer sees it.

    Inline (`![a](b.png)`), reference-style (`![a][r]`, `![r][]`, `![r]` with `[r]: b.png`) and
    nested in links, tables, lists, quotes or another image's alt text: markdown-it's image rule
    starts only at `![`, so a field without one has none. Sources are percent-encoded.
    """
    if "![" not in text:
        return ()
    found: list[str] = []

    def walk(tokens: Sequence[Token]) -> None:
        for token in tokens:
            if token.type == "image":
                src = token.attrGet("src")
                if isinstance(src, str):
                    found.append(src)
            if token.children:
                walk(token.children)

    walk(markdown().parse(text.strip()))
    return tuple(found)


# A field can hold what `unsafe_markup` looks for only if it has one of these once Markdown's
# backslash escapes are undone, or an entity (`&#91;sound:`): any other field is not parsed.
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MAYBE_UNSAFE = re.compile(r"\\(?:" + "|".join(MATHJAX_UNSAFE) + r")|\[(?:sound:|anki:|latex\]|\$)|&", re.IGNORECASE)


def _runs(tokens: Sequence[Token]) -> Iterator[str]:
    """The texts of a field as Anki and MathJax read them: each run of text (and math) between tags.

    Code is left out: MathJax skips `<code>` and `<pre>`, and the HTML of code shows Anki's tags
    as text (`render_markdown` writes their `[` as `&#91;` everywhere).
    """
    run: list[str] = []
    for token in tokens:
        if token.type in ("text", "text_special"):
            run.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            run.append("\n")
        elif token.type == "math_inline":
            run.append("\\(" + token.content + "\\)")
        elif token.type in ("math_block", "math_block_eqno"):
            yield token.content
        else:
            yield "".join(run)
            run = []
            title = token.attrGet("title")
            if isinstance(title, str):
                yield title
            if token.type != "code_inline" and token.children:
                yield from _runs(token.children)
    yield "".join(run)


def unsafe_markup(text: str) -> list[str]:
    """What in a Markdown field Anki or its MathJax would act on rather than show: one message each.

    A MathJax command that reaches outside the card (`\\href`, `\\style`, `\\class`, `\\cssId`,
    `\\data`, `\\bbox`, `\\mmlToken`, `\\require`: Anki's MathJax has no `safe` extension) in math
    or text, and an Anki tag (`[sound:`, `[anki:`, `[latex]`, `[$]`, `[$$]`) outside code. Written
    in backticks, both show as text. `render_markdown` neutralises all of them anyway; this is for
    the checks, to tell the author where. Pure, and parses only a field that may hold one.
    """
    text = text.strip()
    if not _MAYBE_UNSAFE.search(_UNESCAPE.sub(r"\1", text)):
        return []
    messages: dict[str, None] = {}
    for run in _runs(markdown().parse(text)):
        for command in _MATHJAX_COMMAND.finditer(run):
            if command[1] is not None:
                messages[
                    f"'\\{command[1]}' is a MathJax command that can reach outside the card, and Anki's MathJax "
                    "does not restrict it; remove it, or put it in backticks to show it as text"
                ] = None
        for tag in _ANKI_TAG_NAME.finditer(run):
            use = _ANKI_TAG_USE.get(tag[0].lower(), _ANKI_TAG_USE["[latex]"])
            messages[f"'{tag[0]}' is Anki's own markup ({use}); put it in backticks to show it as text"] = None
    return list(messages)

"""Markdown to the HTML that goes into note fields (pure, cached per distinct text).

Raw HTML is off: card text from a study group is untrusted, so `<script>` comes out as text.
Fenced code is highlighted by Pygments with CSS classes (the stylesheet is in notetypes.py),
and `\\( \\)` / `\\[ \\]` math is passed through for Anki's MathJax.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.texmath import texmath_plugin

CLOZE_MARK = re.compile(r"\{\{c\d+::")
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
    lexer = _lexer(name) if name and not CLOZE_MARK.search(code) else None
    if lexer is not None:
        body = highlight(code, lexer, _formatter())
        return f'<pre class="highlight"><code{css_lang}>{body}</code></pre>\n'
    return f'<pre class="highlight"><code{css_lang}>{html.escape(code, quote=False)}</code></pre>\n'


def _math_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "\\(" + html.escape(tokens[idx].content, quote=False) + "\\)"


def _math_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "<p>\\[" + html.escape(tokens[idx].content, quote=False) + "\\]</p>\n"


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Point an image at its packaged media file (the build checked and flattened the name)."""
    token = tokens[idx]
    src = token.attrGet("src")
    if isinstance(src, str) and src in env.get("media", {}):
        token.attrSet("src", env["media"][src])
    return str(self.image(tokens, idx, options, env))


@functools.cache
def markdown() -> MarkdownIt:
    """The one Markdown parser for card fields."""
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight, "breaks": False})
    md.enable(["table", "strikethrough"])
    md.use(texmath_plugin, delimiters="brackets")
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("math_block_eqno", _math_block)
    md.add_render_rule("image", _image)
    return md


# Renders by content: seeded from the previous build's cache (build.py keeps it on disk), and
# filled as fields are rendered, so an unchanged card is never rendered twice.
_known: dict[str, str] = {}
_used: dict[str, str] = {}


@functools.cache
def _salt() -> bytes:
    """What else decides a render: this module's code and the versions of the libraries."""
    from importlib.metadata import version

    versions = [version(name) for name in ("markdown-it-py", "mdit-py-plugins", "Pygments")]
    return hashlib.sha256(Path(__file__).read_bytes() + repr(versions).encode()).digest()


def cache_key(text: str, media: tuple[tuple[str, str], ...] = ()) -> str:
    """The key of a render: a hash of the text, its media names and the renderer itself."""
    blob = _salt() + json.dumps([text, media], ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def seed(renders: dict[str, str]) -> None:
    """Start a build: earlier renders (by cache_key) are available and none counts as used yet."""
    _known.update(_used)
    _known.update(renders)
    _used.clear()


def used() -> dict[str, str]:
    """Every render this process asked for, by cache_key: what the next build's cache needs."""
    return dict(_used)


def _render_batch(batch: list[tuple[str, tuple[tuple[str, str], ...]]]) -> list[str]:
    return [render_markdown(text, media) for text, media in batch]


def prerender(fields: list[tuple[str, tuple[tuple[str, str], ...]]], workers: int) -> int:
    """Render the fields not rendered before on several cores; return how many that was.

    Rendering is pure, so workers can share a cold build (DESIGN §3); the results are then
    known here, and the build itself renders nothing again.
    """
    from concurrent.futures import ProcessPoolExecutor

    pending = list(dict.fromkeys((t, m) for t, m in fields if t.strip() and cache_key(t, m) not in _known))
    if workers < 2 or len(pending) < PARALLEL_FROM:
        return 0
    size = -(-len(pending) // (workers * 4))
    batches = [pending[i : i + size] for i in range(0, len(pending), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for batch, results in zip(batches, pool.map(_render_batch, batches), strict=True):
            _known.update((cache_key(t, m), html) for (t, m), html in zip(batch, results, strict=True))
    return len(pending)


def render_markdown(text: str, media: tuple[tuple[str, str], ...] = ()) -> str:
    """Render a Markdown field to HTML (each distinct text is rendered once).

    `media` maps image sources as written to the flat names of the packaged files.
    """
    if not text.strip():
        return ""
    key = cache_key(text, media)
    html = _used.get(key) or _known.get(key)
    if html is None:
        rendered: str = markdown().render(text.strip(), {"media": dict(media)})
        html = rendered.strip()
    _used[key] = html
    return html


def render_plain(text: str) -> str:
    """Escape a plain-text field (the answer of a type-in card, a breadcrumb)."""
    return html.escape(text.strip(), quote=False)


def media_references(text: str) -> tuple[str, ...]:
    """The image sources a Markdown field refers to, in order."""
    found: list[str] = []
    for token in markdown().parse(text):
        for child in token.children or ():
            if child.type == "image":
                src = child.attrGet("src")
                if isinstance(src, str):
                    found.append(src)
    return tuple(found)

"""The helpers the text exporters share: Markdown to plain text and HTML, code spans."""

from __future__ import annotations

import html
import textwrap

from cardsmith.exporters import text
from cardsmith.render import plain_as_markdown


def test_plain_text_keeps_code_line_by_line_and_drops_markup() -> None:
    source = textwrap.dedent(
        """\
        Что выведет **код**?

        ```python
        a = [1]

        print(a)
        ```

        1. один
        2. `два`
        """
    )
    assert text.to_plain(source) == "Что выведет код?\na = [1]\n\nprint(a)\n1. один\n2. два"


def test_plain_text_shows_link_targets_and_table_rows() -> None:
    source = "[docs](https://example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert text.to_plain(source) == "docs (https://example.org)\na | b\n1 | 2"


def test_plain_text_keeps_raw_html_as_text() -> None:
    assert text.to_plain("<script>x</script>") == "<script>x</script>"


def test_html_is_one_line_with_breaks_inside_code_and_no_numeric_entities() -> None:
    html = text.to_html("It's <b>\n\n```\nx = 'a'\n\ty\n```")
    assert html == "<p>It's &lt;b&gt;</p><pre><code>x = 'a'<br>    y</code></pre>"


def test_typed_answers_are_escaped_so_markdown_shows_them_verbatim() -> None:
    answer = "2 * [x] == a::b # _c_"
    assert text.to_plain(plain_as_markdown(answer)) == answer
    for answer in ("-a", "--verbose", "$name", "[x]: y", "<T> &amp;", "# 1. _a_"):
        assert text.to_plain(plain_as_markdown(answer)) == answer
        assert text.to_html(plain_as_markdown(answer)) == "<p>" + html.escape(answer, quote=False) + "</p>"


def test_rewrite_markdown_tells_prose_from_inline_code_and_code_blocks() -> None:
    source = "a `b` c\n\n```py\nd\n```\ne ``f ` g`` h"
    seen: list[tuple[str, str]] = []

    def note(kind: str) -> object:
        def rewrite(value: object) -> str:
            piece = value.source if isinstance(value, text.CodeBlock) else str(value)
            seen.append((kind, piece))
            return piece

        return rewrite

    out = text.rewrite_markdown(source, note("prose"), note("span"), note("block"))  # type: ignore[arg-type]
    assert out == source
    assert [piece for piece in seen if piece[0] != "prose"] == [
        ("span", "`b`"),
        ("block", "```py\nd\n```"),
        ("span", "``f ` g``"),
    ]


def test_an_unmatched_backtick_does_not_reach_into_the_next_paragraph() -> None:
    spans: list[str] = []
    text.rewrite_markdown("a ` b\n\nc `d` e", lambda s: s, lambda s: spans.append(s) or s, lambda b: b.source)
    assert spans == ["`d`"]


def test_a_fence_is_longer_than_any_backtick_run_inside() -> None:
    assert text.fence("md", "```\nx\n```\n") == "````md\n```\nx\n```\n````"


def test_flattened_lines_show_line_breaks_and_no_tabs() -> None:
    assert text.flatten_lines("def f():\n\treturn 1\n\nnext") == "def f(): ⏎     return 1 ⏎ next"

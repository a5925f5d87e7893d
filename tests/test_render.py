from __future__ import annotations

import html

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cardsmith.render import media_references, plain_as_markdown, render_markdown, render_plain


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown('Посмотри <script>alert("x")</script> и <b>это</b>')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_javascript_links_are_not_links() -> None:
    html = render_markdown("[жми](javascript:alert(1)) и [docs](https://docs.python.org/3/)")
    assert 'href="javascript' not in html
    assert '<a href="https://docs.python.org/3/">docs</a>' in html


def test_fenced_code_is_highlighted_with_css_classes_and_keeps_its_lines() -> None:
    html = render_markdown("```python\ndef f(x):\n    return x\n```")
    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert '\n    <span class="k">return</span>' in html
    assert "style=" not in html


def test_unknown_languages_and_clozes_in_code_stay_plain_but_escaped() -> None:
    assert render_markdown("```nosuchlang\na < b\n```") == (
        '<pre class="highlight"><code class="language-nosuchlang">a &lt; b\n</code></pre>'
    )
    html = render_markdown("```python\nreturn {{c1::x < 1}}\n```")
    assert "{{c1::x &lt; 1}}" in html and "<span" not in html


def test_inline_code_tables_and_strikethrough() -> None:
    assert render_markdown("`a_b` ~~old~~") == "<p><code>a_b</code> <s>old</s></p>"
    table = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table>" in table and "<td>2</td>" in table


def test_math_is_left_for_mathjax() -> None:
    assert render_markdown(r"Сложность \(O(n \log n)\)") == r"<p>Сложность \(O(n \log n)\)</p>"


def test_plain_fields_are_escaped() -> None:
    assert render_plain(" <a> & b ") == "&lt;a&gt; &amp; b"


def test_image_references_are_found() -> None:
    assert media_references("![схема](img/a.png) и ![x](../secret.png)") == ("img/a.png", "../secret.png")


def shown_as_paragraph(text: str) -> str:
    """What the renderer makes of a paragraph of plain text: the text, HTML-escaped, in `<p>`."""
    return "<p>" + html.escape(text, quote=False).replace('"', "&quot;") + "</p>"


# Plain text heavy with what Markdown reads: every ASCII punctuation character, line starts,
# entities, autolinks, `\( \)` / `\[ \]` math, Unicode spaces, and any other character at all
# (but NUL and CR: the parser replaces them, and YAML cannot hold them).
_PIECES = st.one_of(
    st.sampled_from([*"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", " ", "\t", "    ", "1.", "2)", "a", "я", "7"]),
    st.sampled_from(["&amp;", "&#35;", "&#x41;", "&copy", "<http://a.b>", "<a@b.c>", "\\(", "\\)", "\\[", "\\]"]),
    st.sampled_from(["~~", "**", "__", "``", "[", "](", "x", "---", "==="]),
    st.sampled_from(["\u00a0", "\u2003", "\u3000", "\ufeff", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"]),
    st.characters(exclude_characters="\x00\r\n", codec="utf-8"),
)
_LINE = st.lists(_PIECES, max_size=24).map("".join).map(str.strip).filter(bool)


@settings(max_examples=1000)
@given(_LINE)
@example("[a\\]")  # `\[` at a line start opens `\[ \]` math
@example("## a")
@example("~~a~~ **b** __c__ *d* _e_")
@example("1) a")
@example("<a@b.c> <http://x> &amp; &#35;")
@example("* * *")
def test_plain_text_as_markdown_shows_exactly_that_text(text: str) -> None:
    assert render_markdown(plain_as_markdown(text)) == shown_as_paragraph(text)


@settings(max_examples=300)
@given(st.lists(_LINE, min_size=2, max_size=4))
def test_plain_lines_as_markdown_stay_one_paragraph_of_those_lines(lines: list[str]) -> None:
    text = "\n".join(lines)  # (a type-in answer is one line; this holds for lines too)
    assert render_markdown(plain_as_markdown(text)) == shown_as_paragraph(text)


def test_plain_text_as_markdown_escapes_only_what_markdown_would_read() -> None:
    untouched = ["-a", "--verbose", "$name", "a-b", "pip install -r req.txt", "snake_case_name", "2 * 3", "a | b"]
    untouched += ["x => y", "C:\\Users", "ratio 1.5", "(a)", "a=b", "a::b", "{x}", "100%", "!", "~a", "a < b"]
    for text in untouched:
        assert plain_as_markdown(text) == text, text
    assert plain_as_markdown("  --verbose ") == "--verbose"
    escaped = {
        "2 * [x] == a::b # _c_": "2 * \\[x] == a::b # \\_c\\_",
        "__init__": "\\_\\_init\\_\\_",
        "a*b*c": "a\\*b\\*c",
        "`ls`": "\\`ls\\`",
        "\\(x\\) \\d": "\\\\(x\\\\) \\d",
        "~~old~~": "\\~\\~old\\~\\~",
        "&amp; & &x": "\\&amp; & &x",
        "List<int> <https://a.b>": "List&lt;int> &lt;https://a.b>",
        "# title": "\\# title",
        "#1 tag": "#1 tag",
        "> quote": "\\> quote",
        "- item": "\\- item",
        "+ item": "\\+ item",
        "---": "\\---",
        "1. first": "1\\. first",
        "[x]: /url": "&#91;x]: /url",
        "a\n| b |\n|---|": "a\n\\| b \\|\n\\|---\\|",
    }
    for text, markdown in escaped.items():
        assert plain_as_markdown(text) == markdown, text

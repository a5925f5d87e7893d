from __future__ import annotations

from cardsmith.render import media_references, render_markdown, render_plain


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

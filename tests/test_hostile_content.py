"""Hostile card text: images from anywhere, markup Anki or its MathJax acts on, slow Markdown, odd file names."""

from __future__ import annotations

import hashlib
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from anki_helpers import import_apkg, note_by_card_id
from cardsmith import media, render
from cardsmith.cache import Caches
from cardsmith.cli import cli
from cardsmith.pipeline import prepare
from cardsmith.render import media_references, render_markdown, render_plain
from conftest import NOW

Q = "cards/questions/bad.yaml"
TOPIC = "Фаза 1 / Неделя 7-8 / Синтаксис / Переменные"
PIXEL = "https://t.example/p.gif"  # a tracking pixel: every learner who sees the card would load it
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201e5279bd50000000049454e44ae426082"
)


@pytest.fixture
def project(mini: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small deck as ./cards, so messages show short relative paths."""
    monkeypatch.chdir(mini.parent)
    return mini


def card(project: Path, q: str, name: str = "bad.yaml", card_id: str = "img") -> None:
    """A question file with one card whose question is `q` (as a YAML block)."""
    block = "".join(f"      {line}\n" if line else "\n" for line in q.split("\n"))
    text = f"cards:\n  - id: {card_id}\n    topic: {TOPIC}\n    a: y\n    q: |\n{block}"
    (project / "questions" / name).write_text(text, encoding="utf-8")


def run(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(NOW)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr.splitlines()


# 5. Images are checked after Markdown parsing, whatever the syntax -------------------------------

WEB = f"image '{PIXEL}' is on the web; save it in the deck folder and link the file"
OUTSIDE = "is outside the deck folder cards; copy it into the folder"


@pytest.mark.parametrize(
    ("q", "message"),
    [
        (f"![x][p]\n\n[p]: {PIXEL}", WEB),
        ("![x][p]\n\n[p]: ../../../../etc/hostname", f"image '../../../../etc/hostname' {OUTSIDE}"),
        ("![x][p]\n\n[p]: /etc/passwd", f"image '/etc/passwd' {OUTSIDE}"),
        ("![p]\n\n[p]: /etc/passwd", f"image '/etc/passwd' {OUTSIDE}"),  # shortcut reference
        ("![p][]\n\n[p]: /etc/passwd", f"image '/etc/passwd' {OUTSIDE}"),  # collapsed reference
        (f'![x][p]\n\n[p]: <{PIXEL}> "title"', WEB),
        (f"[![x]({PIXEL})](https://example.org)", WEB),  # inside a link
        (f"| a |\n|---|\n| ![x][p] |\n\n[p]: {PIXEL}", WEB),  # in a table
        (f"- item\n  - ![x][p]\n\n[p]: {PIXEL}", WEB),  # in a nested list
        (f"> ![x][p]\n\n[p]: {PIXEL}", WEB),  # in a quote
        (f"![![inner]({PIXEL})](dot.png)", WEB),  # in another image's alt text
        ("![x](%2Fetc%2Fpasswd)", f"image '/etc/passwd' {OUTSIDE}"),
    ],
)
def test_reference_style_and_nested_images_are_checked_like_inline_ones(project: Path, q: str, message: str) -> None:
    (project / "questions" / "dot.png").write_bytes(PNG)
    card(project, q)
    code, err = run("check", "--cards", "cards")
    assert code == 1
    assert err[0].startswith(f"{Q}:2:5: error: {message}"), err


def test_media_references_finds_every_image_markdown_it_reads() -> None:
    text = "\n".join(
        [
            "![a](in/line.png) ![b][ref] ![ref] ![ref][] ![c][other]",
            "",
            "[![d](in/link.png)](https://example.org) ![e](<with space.png>) ![ж](схема.png)",
            "",
            "| h |\n|---|\n| ![f](table.png) |",
            "",
            "> - ![g](quote/list.png)",
            "",
            "`![not](code.png)`",
            "",
            "[ref]: ref.png",
            "[other]: ../other.png",
        ]
    )
    assert media_references(text) == (
        "in/line.png",
        "ref.png",
        "ref.png",
        "ref.png",
        "../other.png",
        "in/link.png",
        "with%20space.png",
        "%D1%81%D1%85%D0%B5%D0%BC%D0%B0.png",
        "table.png",
        "quote/list.png",
    )
    assert media_references("    ![x](a.png)") == ("a.png",)  # read as the renderer reads it: stripped


def test_the_renderer_shows_only_images_the_media_check_approved() -> None:
    tracked = render_markdown(f"Привет ![pixel][p]\n\n[p]: {PIXEL}")
    assert tracked == "<p>Привет pixel</p>"
    assert render_markdown("![a *b*](../../etc/hostname)") == "<p>a b</p>"
    assert render_markdown("![x](a.png)", (("a.png", "0123abcd-a.png"),)) == (
        '<p><img src="0123abcd-a.png" alt="x" /></p>'
    )
    inline = "data:image/png;base64,iVBORw0KGgo="
    assert render_markdown(f"![x]({inline})") == f'<p><img src="{inline}" alt="x" /></p>'


def test_raw_img_tags_are_shown_as_text() -> None:
    assert render_markdown(f'<img src="{PIXEL}"> <IMG SRC={PIXEL}>') == (
        f"<p>&lt;img src=&quot;{PIXEL}&quot;&gt; &lt;IMG SRC={PIXEL}&gt;</p>"
    )


def test_a_reference_style_image_in_the_deck_folder_is_packaged(project: Path) -> None:
    (project / "questions" / "dot.png").write_bytes(PNG)
    card(project, "![точка][d] ![d]\n\n[d]: dot.png")
    deck = prepare(Path("cards"), Caches(), now=NOW).plan.deck
    flat = media.package_name(hashlib.sha256(PNG).hexdigest(), "dot.png")
    assert deck.media == ((flat, PNG),)
    note = next(n for n in deck.notes if n.id == "img")
    assert note.field("Front") == f'<p><img src="{flat}" alt="точка" /> <img src="{flat}" alt="d" /></p>'


# 6. MathJax commands and Anki tags that act instead of showing ----------------------------------

UNSAFE = {
    r"\(\href{javascript:alert(1)}{жми}\)": ["\\href"],
    r"\[\style{background:url(https://t.example/p.gif)}{x}\]": ["\\style"],
    r"\(\class{a}{x} \cssId{b}{y} \data{c=d}{z}\)": ["\\class", "\\cssId", "\\data"],
    r"\(\bbox[background:url(https://t.example)]{x} \mmlToken{mi}[href=x]{y} \require{z}\)": [
        "\\bbox",
        "\\mmlToken",
        "\\require",
    ],
    r"\\(\href{https://t.example}{escaped delimiters still make math}\\)": ["\\href"],
    "Слушай [sound:x.mp3]": ["[sound:"],
    "&#91;sound:x.mp3] and \\[sound:y.mp3]": ["[sound:"],
    "[latex]x[/latex] [LaTeX]y[/LaTeX] [$]z[/$] [$$]w[/$$]": ["[latex]", "[LaTeX]", "[$]", "[$$]"],
    "[anki:tts lang=en_US]hello[/anki:tts]": ["[anki:"],
    f'[link]({PIXEL} "[sound:t.mp3]")': ["[sound:"],
}
SAFE = [
    r"Сложность \(O(n \log n)\) и \[\sum_{i=1}^n i\]",
    r"\(a \\ href\) \(\\href\) \(\hrefx\)",  # a line break, then letters; another command
    "`[sound:x.mp3]` and `\\href`",
    "```latex\n\\href{https://example.org}{x} [$]y[/$]\n```",
    "[link](https://example.org) [x] [$ 5] $ 5 \\$",
]


@pytest.mark.parametrize("text", list(UNSAFE))
def test_unsafe_markup_names_what_anki_or_mathjax_would_act_on(text: str) -> None:
    found = render.unsafe_markup(text)
    assert [message.split("'")[1] for message in found] == UNSAFE[text]
    assert all(message.endswith("to show it as text") for message in found)


@pytest.mark.parametrize("text", SAFE)
def test_math_code_and_brackets_written_on_purpose_are_not_unsafe(text: str) -> None:
    assert render.unsafe_markup(text) == []


def test_unsafe_markup_messages_say_what_to_do() -> None:
    assert render.unsafe_markup(r"\(\href{x}{y}\) [sound:a.mp3]") == [
        "'\\href' is a MathJax command that can reach outside the card, and Anki's MathJax does not restrict it; "
        "remove it, or put it in backticks to show it as text",
        "'[sound:' is Anki's own markup (Anki plays it as a sound file); put it in backticks to show it as text",
    ]


def test_rendered_fields_neutralise_unsafe_markup_but_show_it() -> None:
    assert render_markdown(r"\(\href{javascript:alert(1)}{x}\)") == (
        r"<p>\(\backslash\text{href}{javascript:alert(1)}{x}\)</p>"
    )
    assert render_markdown(r"\\(\href{x}{y}\\)") == r"<p>\(\<span>href</span>{x}{y}\)</p>"
    assert render_markdown("[sound:x.mp3] `[$]y[/$]`") == "<p>&#91;sound:x.mp3] <code>&#91;$]y[/$]</code></p>"
    assert render_plain("[anki:tts]x[/anki:tts] \\(\\style{a}{b}\\)") == (
        "&#91;anki:tts]x[/anki:tts] \\(\\<span>style</span>{a}{b}\\)"
    )
    assert render_markdown(r"\(\\href\) \(\hrefx\)") == r"<p>\(\\href\) \(\hrefx\)</p>"


@pytest.mark.anki
def test_anki_neither_plays_nor_typesets_what_a_rendered_field_holds(collection: Any) -> None:
    hostile = "[sound:x.mp3] [anki:tts lang=en_US]hi[/anki:tts] [latex]x[/latex] [$]y[/$] [$$]z[/$$]"
    for field in (hostile, f"`{hostile}`", f"```\n{hostile}\n```"):
        note = collection.new_note(collection.models.by_name("Basic"))
        note["Front"], note["Back"] = render_markdown(field), render_plain(hostile)
        collection.add_note(note, 1)
        shown = note.cards()[0]
        assert shown.question_av_tags() == [] and shown.answer_av_tags() == []
        assert "latex-" not in shown.answer() and "[anki:play" not in shown.answer()
        assert "[sound:x.mp3]" in collection.media.strip_av_tags(shown.answer()).replace("&#91;", "[")


# 9. Time linear in the size of a field ------------------------------------------------------------

SHAPES = [
    "\\(",
    "\\(\n",
    "\\[\n",
    "- \\[\n",
    "1. \\[\n",
    "> \\[\n",
    "```\n\\[\n",
    "| \\( |\n",
    "\\(\\[",
    "$",
    "[",
    "![",
    "[![",
    "![a](",
    "*_",
    "**_",
    "``\n",
    "&#91;sound:",
    "\\href",
    "|-|\n",
]
SIZE = 40_000  # characters: `\(` repeated this often took about two minutes before the fix
BUDGET = 4.0  # CPU seconds; each shape now takes about a second at most at this size


@pytest.mark.parametrize("unit", SHAPES)
def test_a_pathological_field_renders_and_is_checked_in_linear_time(unit: str) -> None:
    text = (unit * (SIZE // len(unit) + 1))[:SIZE]
    start = time.process_time()
    render_markdown(text)
    rendered = time.process_time()
    media_references(text)
    render.unsafe_markup(text)
    checked = time.process_time()
    assert rendered - start < BUDGET and checked - rendered < BUDGET, (rendered - start, checked - rendered)


_MATH = st.lists(
    st.sampled_from(["\\(", "\\)", "\\[", "\\]", "\\", "(", ")", "[", "]", "(1)", " ", "\n", "x", "$", "> ", "- "]),
    max_size=30,
).map("".join)


def tokens_of(md: Any, text: str) -> list[tuple[Any, ...]]:
    def flat(tokens: Any) -> list[tuple[Any, ...]]:
        return [(t.type, t.content, t.info, t.markup, t.map, t.block, flat(t.children or [])) for t in tokens]

    return flat(md.parse(text))


@settings(max_examples=2000, deadline=None)
@given(_MATH)
@example("\\[x\\] (1)\n\\[y\\]")
@example("> \\[a\n\\]")
@example("- \\[a\n\n  b\\]")
@example("\\(\\)\\) \\(a\\)")
@example("\\[\\]\\] (2)")
def test_math_is_read_exactly_as_texmath_reads_it(text: str) -> None:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.texmath import texmath_plugin

    texmath = MarkdownIt("commonmark", {"html": False, "breaks": False}).enable(["table", "strikethrough"])
    texmath.use(texmath_plugin, delimiters="brackets")
    assert tokens_of(render.markdown(), text) == tokens_of(texmath, text)


# 13a. Image file names with any letters and spaces ------------------------------------------------


@pytest.mark.anki
def test_images_named_in_any_letters_or_with_spaces_reach_the_package(project: Path, collection: Any) -> None:
    files = {"схема.png": PNG, "my pic.png": PNG + b"\0", "a%b#[1].png": PNG + b"\0\0"}
    for name, data in files.items():
        (project / "questions" / name).write_bytes(data)
    card(project, "![схема](схема.png) ![pic](<my pic.png>) ![same](my%20pic.png) ![odd](<a%25b%23[1].png>)")
    code, err = run("build", "--cards", "cards", "--out", "decks")
    assert code == 0, err
    import_apkg(collection, project.parent / "decks" / "mini-deck.apkg")
    folder = Path(collection.media.dir())
    front = note_by_card_id(collection, "img")["Front"]
    for name, data in files.items():
        packaged = media.package_name(hashlib.sha256(data).hexdigest(), name)
        assert (folder / packaged).read_bytes() == data
        assert f'src="{packaged}"' in front
    assert front.count("<img") == 4
    check = collection.media.check()
    assert list(check.missing) == [] and list(check.unused) == []


def test_packaged_names_are_kept_by_anki_and_read_as_the_file() -> None:
    digest = "0123abcd" + "0" * 56
    assert media.package_name(digest, "схема.png") == "0123abcd-схема.png"
    assert media.package_name(digest, "my pic.png") == "0123abcd-my pic.png"
    assert media.package_name(digest, 'a%b#[1]{2}<x>:"y"?*^|\\.png') == "0123abcd-a_b__1__2__x___y______.png"
    assert media.package_name(digest, unicodedata.normalize("NFD", "й.png")) == "0123abcd-й.png"
    long = media.package_name(digest, "я" * 200 + ".jpeg")
    assert len(long.encode()) <= 120 and long.endswith("я.jpeg")


def test_unsafe_markup_in_a_card_is_an_error_at_its_key(mini: Path) -> None:
    from click.testing import CliRunner

    from cardsmith.cli import cli

    (mini / "questions" / "unsafe.yaml").write_text(
        "topic: Фаза 1 / Неделя 7-8 / Синтаксис / Переменные\ncards:\n"
        "  - id: unsafe-math\n    q: 'Формула \\(\\href{javascript:alert(1)}{x}\\)?'\n    a: Нет.\n"
        "  - id: unsafe-sound\n    q: Звук?\n    a: 'Вот [sound:x.mp3]'\n"
        "  - id: safe-in-code\n    q: Что это?\n    a: '`[sound:x.mp3]`'\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", "--cards", str(mini)])
    path = mini / "questions" / "unsafe.yaml"
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{path}:4:8: error: '\\href' is a MathJax command that can reach outside the card, and Anki's MathJax does "
        "not restrict it; remove it, or put it in backticks to show it as text",
        f"{path}:8:8: error: '[sound:' is Anki's own markup (Anki plays it as a sound file); put it in backticks to "
        "show it as text",
    ]
    assert "safe-in-code" not in result.stderr


def test_text_formats_point_every_image_at_its_file_or_show_its_alt_text(mini: Path, tmp_path: Path) -> None:
    import zipfile

    from click.testing import CliRunner

    from cardsmith.cli import cli

    png = (Path(__file__).parent / "fixtures" / "exporters" / "deck").rglob("*.png")
    image = next(png).read_bytes()
    for name in ("схема.png", "my pic.png", "ref.png"):
        (mini / "questions" / name).write_bytes(image)
    (mini / "questions" / "img.yaml").write_text(
        "topic: Фаза 1 / Неделя 7-8 / Синтаксис / Переменные\ncards:\n  - id: img-a\n"
        "    q: 'Схема: ![схема](схема.png)'\n    a: 'Пробел: ![p](<my pic.png>)'\n"
        "    extra: |\n      Ссылка: ![r][ref]\n\n      [ref]: ref.png\n",
        encoding="utf-8",
    )
    out = tmp_path / "decks"
    formats = ["--format", "mochi", "--format", "mnemosyne"]
    assert CliRunner().invoke(cli, ["build", "--cards", str(mini), "--out", str(out), *formats]).exit_code == 0
    with zipfile.ZipFile(out / "mini-deck.mochi") as mochi:
        data = mochi.read("data.edn").decode("utf-8")
        names = set(mochi.namelist())
    for written in ("![схема](@media/", "![p](<@media/", "[ref]: @media/"):
        assert written in data
    assert {n.split("-", 1)[1] for n in names if n != "data.edn"} == {"схема.png", "my pic.png", "ref.png"}
    mnemosyne = (out / "mini-deck-mnemosyne.txt").read_text(encoding="utf-8")
    assert "Схема: схема</p>" in mnemosyne and "<img" not in mnemosyne

"""Obsidian Spaced Repetition: the file read back by the plugin's own parsing rules."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.texmath import texmath_plugin

from cardsmith.exporters import obsidian, text
from cardsmith.exporters.base import plain
from cardsmith.exporters.obsidian import card_text, deck_tag, escape_math, tag_segment
from cardsmith.model import Sides
from cardsmith.render import plain_as_markdown
from exporter_helpers import export, fixture_deck, only_file, osr_deck_tags, parse_osr, squash


def document() -> str:
    name, data = only_file("obsidian")
    assert name == "exporter-test-obsidian.md"
    return data.decode("utf-8")


def shown(markdown: str) -> str:
    """What Obsidian shows for a side, as text: HTML allowed, `<code>` tags dropped, entities decoded.

    Links are written `text (href)` as cardsmith's plain text does, so the two compare.
    """
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(texmath_plugin, delimiters="brackets")
    blocks = []
    for token in md.parse(markdown):
        if token.type == "list_item_open":
            blocks.append(f"{token.info}." if token.info else token.markup)
        if token.type in ("fence", "code_block", "math_block"):
            blocks.append(token.content)
        pieces: list[str] = []
        href = ""
        for child in token.children or ():
            if child.type in ("text", "code_inline", "math_inline"):
                pieces.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                pieces.append(" ")
            elif child.type == "image":
                pieces.append(child.content)
            elif child.type == "link_open":
                href = str(child.attrGet("href"))
            elif child.type == "link_close":
                pieces.append(f" ({href})")
        blocks.append("".join(pieces))
    return squash(" ".join(blocks))


def sides_of(card_text: str, separator: str) -> tuple[str, str]:
    lines = card_text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.strip() == separator)
    return "\n".join(lines[:index]), "\n".join(lines[index + 1 :])


def test_the_plugin_finds_one_multiline_card_per_note_in_order() -> None:
    cards = parse_osr(document())
    notes = fixture_deck().notes
    assert [card.kind for card in cards] == [
        "MultiLineReversed" if note.notetype == "reversed" else "MultiLineBasic" for note in notes
    ]


def test_each_card_shows_the_notes_question_and_answer() -> None:
    for card, note in zip(parse_osr(document()), fixture_deck().notes, strict=True):
        sides = note.sides
        front, back = sides_of(card.text, "??" if card.kind == "MultiLineReversed" else "?")
        assert shown(front) == squash(text.fill_blanks(text.to_plain(sides.front)))
        expected_back = text.to_plain(sides.back) + " " + text.to_plain(sides.extra)
        assert shown(back) == squash(expected_back)


def test_each_card_is_in_its_phase_and_week_deck() -> None:
    doc = document()
    tags = osr_deck_tags(doc)
    for card, note in zip(parse_osr(doc), fixture_deck().notes, strict=True):
        current = [tag for line, tag in tags if line < card.first_line][-1]
        assert current == deck_tag("exporter-test", note.deck)
    assert tags[0][1] == "#flashcards/exporter-test/01-Фаза-1/01-Неделя-1-2"


def test_no_line_outside_code_fences_contains_a_one_line_card_separator() -> None:
    # Older plugin versions test every line with `includes("::")`, inline code or not.
    fence = ""
    for line in document().split("\n"):
        if fence:
            fence = "" if line == fence else fence
        elif line.startswith("```"):
            fence = re.match(r"`+", line).group()  # type: ignore[union-attr]
        else:
            assert "::" not in line, line
    assert not fence, "every fence is closed"


def test_content_with_double_colons_is_shown_intact() -> None:
    card = parse_osr(document())[[n.id for n in fixture_deck().notes].index("std-vector")]
    front, back = sides_of(card.text, "?")
    assert shown(front) == "Что такое std::vector и std::vector<int>?"
    assert "std::vector растёт сам" in shown(back) and "::leading" in shown(back)


def test_blank_lines_inside_code_are_kept_inside_a_fence_at_column_0() -> None:
    card = parse_osr(document())[[n.id for n in fixture_deck().notes].index("list-slicing")]
    assert "```python\na = [1, 2, 3, 4]\n\nprint(a[::2])\n```" in card.text


def test_separator_lines_comments_and_obsidian_syntax_in_content_are_escaped() -> None:
    card = parse_osr(document())[[n.id for n in fixture_deck().notes].index("tricky-lines")]
    front, back = sides_of(card.text, "?")
    assert front.split("\n") == ["Разделители в тексте:", "\\?", "***", "&lt;!-- не комментарий -->"]
    assert "=\\=выделение=\\=" in back and "`a == b`" in back


def test_hashes_at_the_start_of_content_are_not_tags() -> None:
    card = parse_osr(document())[[n.id for n in fixture_deck().notes].index("hash-comment")]
    assert card.text.startswith("\\#1 вопрос")
    assert osr_deck_tags(card.text) == []


def test_a_dollar_is_escaped_only_where_obsidian_would_read_math() -> None:
    unchanged = ["$name", "$5 and $10", "cost: 5$", "$ a $", "`$x$` and `$y`", "\\$x$", "```sh\necho $a$b\n```"]
    for value in unchanged:
        assert escape_math(value) == value, value
    assert escape_math("$x$") == "\\$x\\$"
    assert escape_math("a $b c$ d, $e") == "a \\$b c\\$ d, $e"
    assert escape_math("pid $$ here") == "pid \\$\\$ here"
    assert escape_math("$a `x` b$") == "\\$a `x` b\\$"  # a pair around a code span
    assert escape_math("$a\n?\nb$") == "\\$a\n?\nb\\$"  # one paragraph: question and answer
    assert escape_math("$a\n```\n$\n```\nb$") == "$a\n```\n$\n```\nb$"  # a fence ends the paragraph
    # Escaping the first pair must not leave the other two to pair up.
    assert escape_math("$a $b$ c$") == "\\$a \\$b\\$ c\\$"


def _readable_as_math(markdown: str) -> bool:
    """An unescaped `$` that could open inline math and a later one that could close it, outside code."""
    fences = r"^(`{3,})[^`\n]*$.*?^\1[ \t]*$"  # a fenced block (its info string has no backtick)
    markdown = re.sub(fences, "", markdown, flags=re.MULTILINE | re.DOTALL)
    for start, end in reversed(text.code_spans(markdown)):
        markdown = markdown[:start] + " " * (end - start) + markdown[end:]
    singles = [m.start() for m in re.finditer(r"\\.|\$", markdown) if m.group() == "$"]
    return any(
        markdown[i + 1 : i + 2] not in ("", " ", "\n") and markdown[j - 1] not in (" ", "\n")
        for n, i in enumerate(singles)
        for j in singles[n + 1 :]
    )


@settings(max_examples=500)
@given(st.text(alphabet="$ \\ab\n`", max_size=16))
def test_after_escaping_no_two_dollars_can_make_math_and_nothing_else_changes(source: str) -> None:
    value = card_text(source)  # what escape_math is given: code fenced by then
    escaped = escape_math(value)
    assert not _readable_as_math(escaped)
    assert escape_math(escaped) == escaped
    commonmark = MarkdownIt("commonmark")  # the same text shows: only `\\` before some `$` was added
    assert commonmark.render(escaped) == commonmark.render(value)
    before, after = (re.findall(r"\\.|.", text_, re.DOTALL) for text_ in (value, escaped))
    assert len(before) == len(after)
    assert all(a == b or (a, b) == ("$", "\\$") for a, b in zip(before, after, strict=True))


def test_typed_answers_show_as_typed() -> None:
    typed = next(note for note in fixture_deck().notes if note.id == "type-in-answer")
    for answer in ("-a", "--verbose", "$name", "a-b_c"):
        note = replace(typed, sides=Sides("Флаг?", plain_as_markdown(answer), ""))
        assert obsidian.card(note, plain) == f"Флаг?\n?\n{answer}"
    note = replace(typed, sides=Sides("Что такое $x?", plain_as_markdown("y$"), ""))
    assert obsidian.card(note, plain) == "Что такое \\$x?\n?\ny\\$"


def test_tag_segments_are_letters_digits_and_dashes() -> None:
    assert tag_segment("01 Фаза 1: Основы Python (4-6 недель)") == "01-Фаза-1"
    assert tag_segment("02 Проекты (по желанию)") == "02-Проекты-по-желанию"


def test_export_is_deterministic() -> None:
    assert export("obsidian") == export("obsidian")

"""Quizlet: term<TAB>definition, one card per line, content flattened (no quoting exists)."""

from __future__ import annotations

from cardsmith.exporters.base import plain
from cardsmith.exporters.plain_csv import front_back
from exporter_helpers import export, fixture_deck, only_file, squash


def cards() -> list[tuple[str, str]]:
    name, data = only_file("quizlet")
    assert name == "exporter-test-quizlet.txt"
    body = data.decode("utf-8")
    assert body.endswith("\n") and "\r" not in body
    lines = body[:-1].split("\n")
    assert all(line.count("\t") == 1 for line in lines), "a tab inside content would start a new side"
    return [(term, definition) for term, definition in (line.split("\t") for line in lines)]


def test_one_line_per_note_in_curriculum_order() -> None:
    assert len(cards()) == len(fixture_deck().notes)


def test_every_card_carries_the_notes_plain_content() -> None:
    for (term, definition), note in zip(cards(), fixture_deck().notes, strict=True):
        front, back = front_back(note.sides, plain)
        assert squash(term.replace("⏎", "")) == squash(front)
        assert squash(definition.replace("⏎", "")) == squash(back)


def test_line_breaks_in_code_show_as_a_mark_and_indentation_is_kept() -> None:
    term, definition = dict((c[0].split(" ⏎ ")[0], c) for c in cards())["Функция без тела:"]
    assert term == "Функция без тела: ⏎ def f(): ⏎     [...]"
    assert definition == "Функция без тела: ⏎ def f(): ⏎     pass"


def test_tabs_in_content_become_spaces() -> None:
    definitions = [definition for _, definition in cards()]
    assert "Колонки:    первая и вторая <script>alert(1)</script>" in definitions


def test_export_is_deterministic() -> None:
    assert export("quizlet") == export("quizlet")

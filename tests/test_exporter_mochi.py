"""Mochi: the `.mochi` zip and its `data.edn` read back (decks, nesting, ids, card sides)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from typing import Any

import pytest

from cardsmith.exporters import text
from cardsmith.exporters.base import plain
from cardsmith.exporters.mochi import EXTRA, data_edn, edn_string, mochi_id
from cardsmith.model import Sides
from cardsmith.render import plain_as_markdown
from exporter_helpers import Keyword, export, fixture_deck, only_file, read_edn, squash


def data() -> dict[Any, Any]:
    name, packed = only_file("mochi")
    assert name == "exporter-test.mochi"
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        result: dict[Any, Any] = read_edn(archive.read("data.edn").decode("utf-8"))
    return result


def decks() -> list[dict[Any, Any]]:
    return data()[Keyword("decks")]  # type: ignore[no-any-return]


def cards() -> list[dict[Any, Any]]:
    found = [card for deck in decks() for card in deck.get(Keyword("cards"), [])]
    return sorted(found, key=lambda card: card[Keyword("pos")])


def sides(content: str) -> list[str]:
    """Split at `---` lines outside code fences (Mochi's exact rule inside fences is unverified)."""
    out, current, fence = [], [], ""
    for line in content.split("\n"):
        if fence:
            fence = "" if line.startswith(fence) and not line.strip("`") else fence
        elif line.startswith("```"):
            fence = re.match(r"`+", line).group()  # type: ignore[union-attr]
        elif line == "---":
            out.append("\n".join(current))
            current = []
            continue
        current.append(line)
    return [*out, "\n".join(current)]


def test_the_file_is_version_2() -> None:
    assert data()[Keyword("version")] == 2


def test_decks_nest_title_then_phases_then_weeks() -> None:
    by_id = {deck[Keyword("id")]: deck for deck in decks()}
    paths = []
    for deck in decks():
        path = [deck[Keyword("name")]]
        parent = deck.get(Keyword("parent-id"))
        while parent is not None:
            path.insert(0, by_id[parent][Keyword("name")])
            parent = by_id[parent].get(Keyword("parent-id"))
        paths.append(tuple(path))
    expected = {note.deck.parts for note in fixture_deck().notes}
    assert {path for path in paths if len(path) == 3} == expected
    assert ("Exporter Test",) in paths
    assert ("Exporter Test", "02 Фаза 2: Продвинутое") in paths


def test_every_note_is_one_card_in_its_week_deck_in_curriculum_order() -> None:
    notes = fixture_deck().notes
    assert [card[Keyword("pos")] for card in cards()] == [f"{n:06d}" for n in range(len(notes))]
    for deck in decks():
        for card in deck.get(Keyword("cards"), []):
            note = notes[int(card[Keyword("pos")])]
            assert deck[Keyword("name")] == note.deck.parts[-1]


def test_ids_are_stable_keywords_of_at_least_8_alphanumerics_and_unique() -> None:
    ids = [deck[Keyword("id")] for deck in decks()] + [card[Keyword("id")] for card in cards()]
    assert all(re.fullmatch(r"[A-Za-z][0-9A-Za-z]{7,}", kw.name) for kw in ids)
    assert len(set(ids)) == len(ids)
    assert cards()[0][Keyword("id")].name == mochi_id("card", fixture_deck().notes[0].guid)


def test_each_card_has_two_sides_with_the_notes_content() -> None:
    for card, note in zip(cards(), fixture_deck().notes, strict=True):
        front, back = sides(card[Keyword("content")])
        expected = note.sides
        assert squash(text.to_plain(front)) == squash(text.fill_blanks(text.to_plain(expected.front)))
        assert squash(text.to_plain(back)) == squash(text.to_plain(expected.back) + " " + text.to_plain(expected.extra))


def test_content_is_markdown_with_code_fences_and_escaped_blanks() -> None:
    contents = {note.id: card[Keyword("content")] for card, note in zip(cards(), fixture_deck().notes, strict=True)}
    assert contents["list-slicing"].startswith("Что выведет код?\n\n```python\na = [1, 2, 3, 4]\n\nprint(a[::2])\n```")
    assert contents["floor-division"].startswith("`7 // 2` равно \\[...], а `7 % 2` равно \\[остаток]; \\[...](x)")
    assert contents["cloze-in-code"].startswith("Функция без тела:\n\n```python\ndef f():\n    [...]\n```")
    assert "\\{\\{ var }}" in contents["tricky-lines"]
    assert contents["hash-comment"].startswith("\\#1 вопрос")
    assert "&lt;script>" in contents["quotes-and-tab"]


def test_the_explanation_follows_the_answer_after_a_rule_that_is_not_a_side_separator() -> None:
    contents = {note.id: card[Keyword("content")] for card, note in zip(cards(), fixture_deck().notes, strict=True)}
    assert EXTRA == "\n\n***\n\n"
    assert contents["floor-division"].endswith("длина." + EXTRA + "Деление с округлением вниз.")
    assert contents["late-week"].endswith(
        "---\n\nДа." + EXTRA + "Схема: ![точка](@media/" + fixture_deck().media[0][0] + ")"
    )
    assert EXTRA not in contents["hash-comment"]  # no explanation, no rule
    for card in cards():
        assert len(sides(card[Keyword("content")])) == 2


def test_typed_answers_show_as_typed_without_escaping_noise() -> None:
    deck = fixture_deck()
    typed = next(note for note in deck.notes if note.id == "type-in-answer")
    answers = {"-a": "-a", "--verbose": "--verbose", "$name": "$name", "pip -r a_b.txt": "pip -r a_b.txt"}
    answers |= {"---": "\\---", "# x": "\\# x", "<T>": "&lt;T>", "__init__": "\\_\\_init\\_\\_"}
    notes = tuple(
        replace(typed, id=f"typed-{n}", guid=f"typed{n}", order=n, sides=Sides("q", plain_as_markdown(answer), ""))
        for n, answer in enumerate(answers)
    )
    with zipfile.ZipFile(io.BytesIO(only_file("mochi", replace(deck, notes=notes))[1])) as archive:
        edn = read_edn(archive.read("data.edn").decode("utf-8"))
    found = [card for deck in edn[Keyword("decks")] for card in deck.get(Keyword("cards"), [])]
    found.sort(key=lambda card: card[Keyword("pos")])
    assert [card[Keyword("content")] for card in found] == [f"q\n\n---\n\n{back}" for back in answers.values()]


def test_edn_strings_escape_quotes_backslashes_and_control_characters() -> None:
    assert edn_string('a "b" \\ c\nd\te') == '"a \\"b\\" \\\\ c\\nd\\te"'
    assert read_edn(edn_string('a "b" \\ c\nd\te')) == 'a "b" \\ c\nd\te'


def test_images_are_packed_at_the_zip_root_and_linked_as_attachments() -> None:
    deck = fixture_deck()
    ((flat, data),) = deck.media
    _, packed = only_file("mochi")
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        assert sorted(archive.namelist()) == sorted(["data.edn", flat])
        assert archive.read(flat) == data
        assert (
            f"![точка](@media/{flat})"
            in read_edn(archive.read("data.edn").decode("utf-8"))[Keyword("decks")][3][Keyword("cards")][0][
                Keyword("content")
            ]
        )


def test_a_real_edn_reader_reads_the_file_too() -> None:
    edn_format = pytest.importorskip("edn_format")
    parsed = edn_format.loads(data_edn(fixture_deck(), fixture_deck().notes, plain))
    assert parsed[edn_format.Keyword("version")] == 2
    assert len(parsed[edn_format.Keyword("decks")]) == len(decks())


def test_export_is_deterministic() -> None:
    assert export("mochi") == export("mochi")

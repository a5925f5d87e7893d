from __future__ import annotations

from pathlib import Path

import genanki
from hypothesis import given
from hypothesis import strategies as st

from cardsmith.memo import Memo
from cardsmith.model import BLANK_CLOSE, BLANK_OPEN, Note
from cardsmith.notes import guid_for, make_notes
from cardsmith.project import load_project
from cardsmith.render import Renderer


def notes_of(cards: Path) -> tuple[Note, ...]:
    project = load_project(cards)
    return make_notes(project.config, project.curriculum, project.cards, Renderer(Memo()))


@given(st.text(), st.text())
def test_guids_are_the_same_as_genanki_computes(deck_id: str, card_id: str) -> None:
    assert guid_for(deck_id, card_id) == genanki.guid_for(deck_id, card_id)


def test_notes_come_in_curriculum_order_with_deck_names_that_sort_the_same_way(mini: Path) -> None:
    notes = notes_of(mini)
    assert [n.id for n in notes] == [
        "name-rules",
        "floor-division",
        "code-card",
        "late-card",
        "http-get-safe",
        "http-post-status",
        "ci-pipeline",
    ]
    assert [n.order for n in notes] == list(range(7))
    decks = [n.deck.name for n in notes]
    assert decks == sorted(decks)  # Anki walks sub-decks in name order
    assert decks[0] == "Мини::01 Фаза 1: Основы (2 недели)::01 Неделя 7-8: Первые шаги"
    assert decks[3] == "Мини::01 Фаза 1: Основы (2 недели)::02 Неделя 12-14: Потом"
    assert [n.phase for n in notes] == [1, 1, 1, 1, 2, 2, 2]


def test_tags_name_phase_week_topic_and_the_cards_own(mini: Path) -> None:
    by_id = {n.id: n for n in notes_of(mini)}
    assert by_id["name-rules"].tags == ("phase::1", "week::07-08", "topic::Синтаксис::Переменные", "names", "pep8")
    assert by_id["ci-pipeline"].tags == ("phase::2", "week::15", "topic::GitHub_Actions_/_GitLab_CI::Пайплайны")
    assert all(" " not in tag for n in by_id.values() for tag in n.tags)


def test_fields_are_named_html_with_the_breadcrumb_and_the_card_id(mini: Path) -> None:
    by_id = {n.id: n for n in notes_of(mini)}
    note = by_id["name-rules"]
    assert [name for name, _ in note.fields] == ["Front", "Back", "Extra", "Topic", "Card ID"]
    assert note.field("Front") == "<p>Может ли имя переменной начинаться с цифры?</p>"
    assert note.field("Extra") == "<p><code>2x = 1</code> — <code>SyntaxError</code>.</p>"
    assert note.field("Topic") == "Фаза 1 › Неделя 7-8 › Синтаксис › Переменные"
    assert note.field("Card ID") == "name-rules"
    assert by_id["http-post-status"].field("Back") == "201"  # type-in answers stay plain for Anki's comparison
    cloze = by_id["floor-division"]
    assert [name for name, _ in cloze.fields] == ["Text", "Extra", "Topic", "Card ID"]
    assert cloze.field("Text") == "<p><code>7 // 2</code> равно {{c1::3}}, а <code>7 % 2</code> равно {{c2::1}}.</p>"


def test_each_note_knows_its_cards_and_its_sides_in_markdown(mini: Path) -> None:
    by_id = {n.id: n for n in notes_of(mini)}
    assert by_id["name-rules"].cards == (1,)
    assert by_id["http-get-safe"].cards == (1, 2)  # reversed: a card each way
    assert by_id["floor-division"].cards == (1, 2)
    assert (
        by_id["floor-division"].sides.front
        == f"`7 // 2` равно {BLANK_OPEN}{BLANK_CLOSE}, а `7 % 2` равно {BLANK_OPEN}{BLANK_CLOSE}."
    )
    assert by_id["floor-division"].sides.back == "`7 // 2` равно 3, а `7 % 2` равно 1."
    assert by_id["http-post-status"].sides.back == "201"
    assert by_id["name-rules"].sides.extra == "`2x = 1` — `SyntaxError`."


def test_the_guid_comes_from_the_deck_id_and_the_first_id_a_card_had(mini: Path) -> None:
    assert notes_of(mini)[0].guid == genanki.guid_for("mini-deck", "name-rules")


def test_the_digest_changes_with_anything_an_exporter_sees_and_only_then(mini: Path) -> None:
    before = {n.id: n.digest for n in notes_of(mini)}
    assert before == {n.id: n.digest for n in notes_of(mini)}
    questions = mini / "questions" / "phase-1.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace("a: Нет.", "a: Нельзя."), encoding="utf-8")
    after = {n.id: n.digest for n in notes_of(mini)}
    assert {i for i in before if before[i] != after[i]} == {"name-rules"}

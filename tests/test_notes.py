from __future__ import annotations

from pathlib import Path

import genanki
from hypothesis import given
from hypothesis import strategies as st

from cardsmith.build import load_project
from cardsmith.notes import guid_for, make_notes


@given(st.text(), st.text())
def test_guids_are_the_same_as_genanki_computes(deck_id: str, card_id: str) -> None:
    assert guid_for(deck_id, card_id) == genanki.guid_for(deck_id, card_id)


def test_notes_come_in_curriculum_order_with_deck_names_that_sort_the_same_way(mini: Path) -> None:
    project = load_project(mini)
    notes = make_notes(project.config, project.curriculum, project.cards)
    assert [n.card_id for n in notes] == [
        "name-rules",
        "floor-division",
        "code-card",
        "late-card",
        "http-get-safe",
        "http-post-status",
        "ci-pipeline",
    ]
    decks = [n.deck.name for n in notes]
    assert decks == sorted(decks)  # Anki walks sub-decks in name order
    assert decks[0] == "Мини::01 Фаза 1: Основы (2 недели)::01 Неделя 7-8: Первые шаги"
    assert decks[3] == "Мини::01 Фаза 1: Основы (2 недели)::02 Неделя 12-14: Потом"


def test_tags_name_phase_week_topic_and_the_cards_own(mini: Path) -> None:
    project = load_project(mini)
    by_id = {n.card_id: n for n in make_notes(project.config, project.curriculum, project.cards)}
    assert by_id["name-rules"].tags == ("phase::1", "week::07-08", "topic::Синтаксис::Переменные", "names", "pep8")
    assert by_id["ci-pipeline"].tags == ("phase::2", "week::15", "topic::GitHub_Actions_/_GitLab_CI::Пайплайны")
    assert all(" " not in tag for n in by_id.values() for tag in n.tags)


def test_fields_hold_rendered_html_the_breadcrumb_and_the_card_id(mini: Path) -> None:
    project = load_project(mini)
    by_id = {n.card_id: n for n in make_notes(project.config, project.curriculum, project.cards)}
    front, _back, extra, topic, card_id = by_id["name-rules"].fields
    assert front == "<p>Может ли имя переменной начинаться с цифры?</p>"
    assert extra == "<p><code>2x = 1</code> — <code>SyntaxError</code>.</p>"
    assert topic == "Фаза 1 › Неделя 7-8 › Синтаксис › Переменные"
    assert card_id == "name-rules"
    assert by_id["http-post-status"].fields[1] == "201"  # type-in answers stay plain for Anki's comparison
    assert (
        by_id["floor-division"].fields[0]
        == "<p><code>7 // 2</code> равно {{c1::3}}, а <code>7 % 2</code> равно {{c2::1}}.</p>"
    )


def test_the_guid_comes_from_the_deck_id_and_the_first_id_a_card_had(mini: Path) -> None:
    project = load_project(mini)
    notes = make_notes(project.config, project.curriculum, project.cards)
    assert notes[0].guid == genanki.guid_for("mini-deck", "name-rules")

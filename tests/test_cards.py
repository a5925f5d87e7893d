"""The deck this repository ships: valid, covered, and its code is real code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cardsmith import cloze
from cardsmith.coverage import coverage
from cardsmith.model import CardType, Question
from cardsmith.project import load_project
from cardsmith.render import markdown

CARDS = Path(__file__).parent.parent / "cards"


@pytest.fixture(scope="module")
def project():  # type: ignore[no-untyped-def]
    return load_project(CARDS)


def fields(question: Question) -> list[str]:
    return [question.q, question.a, question.text, question.extra]


def test_the_deck_checks_without_errors_or_warnings(project) -> None:  # type: ignore[no-untyped-def]
    assert [str(p) for p in project.problems] == []


def test_every_python_block_in_the_cards_parses(project) -> None:  # type: ignore[no-untyped-def]
    failures = []
    blocks = 0
    for card in project.cards:
        q = card.question
        if q.check == "raises" and "SyntaxError" in q.a:  # the point of the card: `cardsmith verify` checks it
            continue
        for text in fields(card.question):
            for token in markdown().parse(text):
                if token.type == "fence" and token.info.strip().split(" ")[0] in ("python", "py"):
                    blocks += 1
                    code = cloze.reveal_all(token.content)
                    try:
                        ast.parse(code)
                    except SyntaxError as exc:
                        failures.append(f"{card.question.location} ({card.question.id}): {exc}")
    assert failures == []
    assert blocks > 100


def test_every_leaf_topic_of_every_phase_has_at_least_two_cards(project) -> None:  # type: ignore[no-untyped-def]
    rows = coverage(project.curriculum, project.cards)
    thin = [" / ".join(r.path) for r in rows if r.leaf and r.cards < 2]
    assert thin == []
    assert len([r for r in rows if r.leaf]) == 160


def test_no_two_cards_ask_the_same_question(project) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}
    repeated = []
    for card in project.cards:
        question = card.question
        prompt = question.text if question.type is CardType.CLOZE else question.q
        key = " ".join(prompt.casefold().split())
        if key in seen:
            repeated.append(f"{question.id} = {seen[key]}")
        seen[key] = question.id
    assert repeated == []


def test_the_deck_has_at_least_340_hand_written_cards_of_every_type(project) -> None:  # type: ignore[no-untyped-def]
    assert len(project.cards) >= 340
    assert {c.question.type for c in project.cards} == set(CardType)


@pytest.mark.anki
def test_the_committed_package_gives_a_learner_every_card_in_plan_order(project, collection) -> None:  # type: ignore[no-untyped-def]
    from anki_helpers import counts, import_apkg

    decks = CARDS.parent / "decks"
    log = counts(import_apkg(collection, decks / "python-backend.apkg"))
    assert (log["new"], log["conflicting"]) == (len(project.cards), 0)
    for phase in range(1, 5):
        assert counts(import_apkg(collection, decks / f"python-backend-phase-{phase}.apkg"))["new"] == 0
    assert collection.note_count() == len(project.cards)
    root = collection.decks.id_for_name(project.config.title)
    collection.decks.select(root)
    first_day = collection.sched.get_queued_cards(fetch_limit=100).cards
    assert len(first_day) == 20  # Anki's default of new cards a day
    weeks = {collection.decks.name(collection.get_card(c.card.id).did).split("::")[-1] for c in first_day}
    assert weeks == {"01 Неделя 1-2: Базовый синтаксис и структуры данных"}

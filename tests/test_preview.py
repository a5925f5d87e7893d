from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from anki_helpers import import_apkg, note_by_card_id
from cardsmith.build import build
from cardsmith.cache import Caches
from cardsmith.cli import cli
from cardsmith.model import BuiltDeck, Note
from cardsmith.pipeline import prepare
from cardsmith.preview import card_sides, preview_page
from conftest import NOW


def deck(mini: Path) -> BuiltDeck:
    return prepare(mini, Caches(), now=NOW).plan.deck


def sides(built: BuiltDeck, note: Note) -> list[tuple[str, str, str]]:
    return card_sides(note, built.notetype(note.notetype))


def test_the_page_shows_every_card_anki_makes_in_curriculum_order(mini: Path) -> None:
    built = deck(mini)
    shown = [(n.id, label) for n in built.notes for label, _, _ in sides(built, n)]
    assert shown == [
        ("name-rules", "Card 1"),
        ("floor-division", "c1"),
        ("floor-division", "c2"),
        ("code-card", "Card 1"),
        ("late-card", "Card 1"),
        ("http-get-safe", "Card 1"),
        ("http-get-safe", "Card 2"),
        ("http-post-status", "Card 1"),
        ("ci-pipeline", "Card 1"),
    ]
    page = preview_page(built)
    assert page.count('<div class="side card">') == 18
    assert "<link" not in page and 'src="http' not in page and "@import" not in page  # works offline


def test_a_cloze_side_hides_only_its_own_deletion(mini: Path) -> None:
    built = deck(mini)
    note = next(n for n in built.notes if n.id == "floor-division")
    (_, q1, a1), (_, q2, _) = sides(built, note)
    assert '<span class="cloze" data-cloze="3" data-ordinal="1">[...]</span>' in q1
    assert '<span class="cloze-inactive" data-ordinal="2">1</span>' in q1
    assert '<span class="cloze-inactive" data-ordinal="1">3</span>' in q2
    assert '<span class="cloze" data-cloze="1" data-ordinal="2">[...]</span>' in q2
    assert '<span class="cloze" data-ordinal="1">3</span>' in a1


@pytest.mark.anki
def test_every_side_but_typing_is_exactly_what_anki_renders(mini: Path, tmp_path: Path, collection: Any) -> None:
    questions = mini / "questions" / "phase-1.yaml"
    text = questions.read_text(encoding="utf-8")
    nested = "{{c1::внешний {{c2::внутренний::подсказка}} текст}} и {{c1::ещё}}"
    questions.write_text(text.replace("равно {{c2::1}}.", f"равно {{{{c3::1}}}}, {nested}."), encoding="utf-8")
    build(mini, tmp_path / "decks", now=NOW)
    import_apkg(collection, tmp_path / "decks" / "mini-deck.apkg")
    built = deck(mini)
    compared = 0
    for note in built.notes:
        if note.notetype == "type-in":  # Anki's reviewer, not the template, draws the typing box
            continue
        anki_note = note_by_card_id(collection, note.id)
        assert [card.ord + 1 for card in anki_note.cards()] == list(note.cards)
        for card, (_, question, answer) in zip(anki_note.cards(), sides(built, note), strict=True):
            assert re.sub(r"^<style>.*?</style>", "", card.question(), flags=re.DOTALL) == question
            assert re.sub(r"^<style>.*?</style>", "", card.answer(), flags=re.DOTALL) == answer
            compared += 1
    assert compared == 9  # the cloze makes three cards now


def test_preview_writes_one_file_and_leaves_the_lock_and_cache_alone(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "p" / "cards.html"
    result = CliRunner().invoke(cli, ["preview", "--cards", str(mini), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} (7 notes)\n"
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert sorted(p.name for p in mini.iterdir()) == ["curriculum.md", "deck.yaml", "questions"]

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from anki_helpers import import_apkg, note_by_card_id
from cardsmith.build import build, load_project, preview
from cardsmith.lock import Lock
from cardsmith.preview import card_sides, preview_page
from cardsmith.regenerate import plan
from conftest import NOW


def deck(mini: Path) -> Any:
    return plan(load_project(mini), Lock(), NOW).deck


def test_the_page_shows_every_card_anki_makes_in_curriculum_order(mini: Path) -> None:
    built = deck(mini)
    sides = [(n.card_id, label) for n in built.notes for label, _, _ in card_sides(n)]
    assert sides == [
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
    note = next(n for n in deck(mini).notes if n.card_id == "floor-division")
    (_, q1, a1), (_, q2, _) = card_sides(note)
    assert '<code>7 // 2</code> равно <span class="cloze">[...]</span>, а <code>7 % 2</code> равно 1' in q1
    assert '<code>7 // 2</code> равно 3, а <code>7 % 2</code> равно <span class="cloze">[...]</span>' in q2
    assert '<span class="cloze">3</span>' in a1


@pytest.mark.anki
def test_basic_and_reversed_sides_are_exactly_what_anki_renders(mini: Path, tmp_path: Path, collection: Any) -> None:
    build(mini, tmp_path / "decks", now=NOW)
    import_apkg(collection, tmp_path / "decks" / "mini-deck.apkg")
    for note in deck(mini).notes:
        if note.notetype not in ("basic", "reversed"):
            continue
        anki_note = note_by_card_id(collection, note.card_id)
        for card, (_, question, answer) in zip(anki_note.cards(), card_sides(note), strict=True):
            assert re.sub(r"^<style>.*?</style>", "", card.question(), flags=re.DOTALL) == question
            assert re.sub(r"^<style>.*?</style>", "", card.answer(), flags=re.DOTALL) == answer


def test_preview_writes_one_file_and_leaves_the_lock_alone(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "p" / "cards.html"
    assert preview(mini, out) == 7
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert not (mini / "cardsmith.lock").exists()

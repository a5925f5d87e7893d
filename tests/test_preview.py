from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from anki_helpers import import_apkg, note_by_card_id
from cardsmith.build import build
from cardsmith.cache import Caches
from cardsmith.cli import cli
from cardsmith.model import BuiltDeck, Location, Note, Problem, Severity
from cardsmith.pipeline import prepare
from cardsmith.preview import DARK, SYSTEM_DARK, SYSTEM_IS_DARK, card_sides, preview_page, themed
from conftest import FIXTURES, NOW, edit


def deck(mini: Path) -> BuiltDeck:
    return prepare(mini, Caches(), now=NOW).plan.deck


def sides(built: BuiltDeck, note: Note) -> list[tuple[str, str, str]]:
    return card_sides(note, built.notetype(note.notetype))


def test_the_page_shows_every_card_anki_makes_in_curriculum_order(mini: Path) -> None:
    built = deck(mini)
    shown = [(n.id, label) for n in built.notes for label, _, _ in sides(built, n)]
    assert shown == [
        ("name-rules", ""),
        ("floor-division", "cloze 1"),
        ("floor-division", "cloze 2"),
        ("code-card", ""),
        ("late-card", ""),
        ("http-get-safe", "forward"),
        ("http-get-safe", "reverse"),
        ("http-post-status", "type-in"),
        ("ci-pipeline", ""),
    ]
    page = preview_page(built)
    assert page.count('<div class="side card">') == 18
    notes = re.findall(r'<article class="note" id="([^"]*)"', page)
    assert notes == [n.id for n in built.notes]
    assert '<a href="#name-rules">name-rules</a> · names · pep8</p>' in page  # its stable link, and its tags
    labels = re.findall(r'<div class="label" lang="en">([^<]*)</div>', page)
    assert labels[:4] == ["front", "back", "cloze 1 · front", "cloze 1 · back"]
    assert "reverse · back" in labels and "type-in · front" in labels
    # works offline: the one <link> is the icon, inside the page
    assert re.findall(r'<link [^>]*href="([^:]*):', page) == ["data"]
    assert 'src="http' not in page and "@import" not in page


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


def test_the_page_language_is_the_decks(mini: Path) -> None:
    assert preview_page(deck(mini)).startswith('<!doctype html>\n<html lang="ru">')
    edit(mini / "deck.yaml", "title: Мини", "title: Мини\nlanguage: uk")
    assert preview_page(deck(mini)).startswith('<!doctype html>\n<html lang="uk">')


def test_problems_are_listed_in_a_box_at_the_top_with_their_count(mini: Path) -> None:
    built = deck(mini)
    assert 'class="problems"' not in preview_page(built)
    problems = (
        Problem(Severity.ERROR, Location("questions/phase-1.yaml", 12, 5), "unknown key <awnser> & more"),
        Problem(Severity.WARNING, Location("curriculum.md", 40), "a topic without cards"),
    )
    page = preview_page(built, problems)
    box = re.search(r'<section class="problems"[^>]*>(.*?)</section>', page, re.DOTALL)
    assert box is not None and page.index(box.group(0)) < page.index('<article class="note"')
    assert "<h2>2 problems in the sources</h2>" in box.group(1)
    assert re.findall(r"<li>(.*?)</li>", box.group(1)) == [
        "questions/phase-1.yaml:12:5: error: unknown key &lt;awnser&gt; &amp; more",
        "curriculum.md:40:1: warning: a topic without cards",
    ]
    assert "<h2>1 problem in the sources</h2>" in preview_page(built, problems[:1])
    assert f"{DARK} .problems {{" in page and f"{SYSTEM_DARK} .problems {{" in page  # readable in the dark too


def test_the_dark_theme_darkens_the_type_in_box_and_the_switch_stays_on_one_line(mini: Path) -> None:
    page = preview_page(deck(mini))
    assert re.search(r"\.side #typeans \{[^}]*background: var\(--field\)", page)
    assert re.search(rf"{re.escape(DARK)} \{{[^}}]*--field: #2c2c2e", page)
    assert re.search(r"\.theme \{[^}]*flex: none", page)
    # a card box may be narrower than its longest code line: the line scrolls, the box does not grow
    assert re.search(r"\.side \{[^}]*min-width: 0;[^}]*padding: \S+ [1-9]", page)  # text off the edges


def test_the_stylesheet_s_night_mode_applies_under_the_dark_theme_in_its_place(mini: Path) -> None:
    """Anki's night mode is a class on its page; here the same rules follow the page's dark theme,
    where they were and with the weight they had, so they win and lose against the same rules."""
    css = deck(mini).stylesheet
    page = themed(css)
    night = [line for line in css.splitlines() if ".nightMode" in line and "{" in line]
    rules = re.findall(rf"^{re.escape(DARK)} .*{{", page, re.MULTILINE)
    assert len(rules) == len(night) > 50  # the base rules and Pygments' dark style, one each
    assert len(re.findall(rf"^{re.escape(SYSTEM_IS_DARK)} {{ {re.escape(SYSTEM_DARK)} ", page, re.MULTILINE)) == len(
        night
    )
    assert "nightMode" not in page and "night_mode" not in page
    assert f"{DARK} .card {{ color: #e5e5ea; background-color: #1c1c1e; }}" in page
    assert re.search(rf"{re.escape(DARK)} pre\.highlight \.k {{", page)
    # `pre.highlight code` (no background) comes first and still outweighs the night `code` rule, as in Anki:
    # the dark context weighs one class (`:root`, the rest in `:where`), as `.nightMode` does; the browser
    # test checks the colours
    assert page.index("pre.highlight code {") < page.index(f"{DARK} code {{")
    assert DARK.startswith(":root:where(") and SYSTEM_DARK.startswith(":root:where(")
    media = "a { b: c }\n@media (max-width: 480px) { .nightMode .card, p { font-size: 18px; } }"
    assert themed(media) == (
        "a { b: c }\n@media (max-width: 480px) {\np { font-size: 18px; }\n"
        f"{DARK} .card {{ font-size: 18px; }}\n"
        f"@media (prefers-color-scheme: dark) {{ {SYSTEM_DARK} .card {{ font-size: 18px; }} }}\n}}\n"
    )


def test_images_are_inside_the_page_when_it_is_one_file(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(FIXTURES / "exporters" / "deck", cards)
    built = prepare(cards, Caches(), now=NOW).plan.deck
    images = re.findall(r'<img src="([^"]*)" alt="([^"]*)"', preview_page(built))
    assert [(src[:22], alt) for src, alt in images] == [("data:image/png;base64,", "точка")]
    moved = preview_page(built, media=lambda name: f"media/{name}")
    assert re.findall(r'<img src="([^"]*)"', moved) == [f"media/{built.media[0][0]}"]

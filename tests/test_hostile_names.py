"""Hostile text in deck settings and headings: what Anki and spreadsheets make of it.

The deck's description reaches Anki's overview screen as HTML, so it is rendered as Markdown
with raw HTML off. Deck names stay as written: current Anki shows them as text everywhere (its deck
list and overview escape them), so escaping them here would show `&lt;` to the learner. The plain
CSV neutralises cells that a spreadsheet would run as formulas, as OWASP recommends.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from anki_helpers import import_apkg, note_by_card_id
from cardsmith.build import build
from cardsmith.exporters import export, get_exporter
from cardsmith.model import BuiltDeck
from conftest import NOW, edit
from exporter_helpers import built

HOSTILE_DESCRIPTION = "Read <img src=x onerror=alert(1)> *this* & ![pixel](http://evil.example/p.png) first."
RENDERED_DESCRIPTION = "Read &lt;img src=x onerror=alert(1)&gt; <em>this</em> &amp; pixel first."
# The top deck's description: deck.yaml's, then the line with the version and date (no version here).
RENDERED_TOP = f"<p>{RENDERED_DESCRIPTION}</p>\n<p>Последнее изменение 2023-11-14</p>"
HOSTILE_TITLE = "Мини <b>жирно</b> & <script>alert(1)</script>"


def set_deck_yaml(cards: Path, title: str = "Мини", description: str = "A small deck for the tests.") -> None:
    settings = {"title": title, "id": "mini-deck", "description": description, "formats": ["apkg", "csv", "crowdanki"]}
    (cards / "deck.yaml").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")  # JSON is YAML


def top_deck(col: Any, title: str) -> dict[str, Any]:
    deck = col.decks.by_name(title)
    assert deck is not None
    return dict(deck)


# --- 7. the deck description and deck names in Anki -------------------------------------------


@pytest.mark.anki
def test_the_description_reaches_anki_as_markdown_with_its_html_shown_as_text(
    mini: Path, tmp_path: Path, collection: Any
) -> None:
    set_deck_yaml(mini, description=HOSTILE_DESCRIPTION)
    build(mini, tmp_path / "out", now=NOW)
    import_apkg(collection, tmp_path / "out" / "mini-deck.apkg")
    deck = top_deck(collection, "Мини")
    # Anki's overview screen puts `desc` into its page as HTML unless `md` is set (aqt/overview.py)
    assert not deck.get("md")
    assert deck["desc"] == RENDERED_TOP
    assert "<img" not in deck["desc"] and "evil.example" not in deck["desc"]


def test_crowdanki_carries_the_same_rendered_description(mini: Path) -> None:
    set_deck_yaml(mini, description=HOSTILE_DESCRIPTION)
    (data,) = (v for k, v in export(get_exporter("crowdanki"), built(mini).deck).items() if k.endswith("deck.json"))
    root = json.loads(data)
    assert root["desc"] == RENDERED_TOP
    assert all(child["desc"] == "" for child in root["children"])


@pytest.mark.parametrize(
    ("description", "html"),
    [
        ("", ""),
        ("Карточки к плану «Python»: синтаксис, HTTP и REST.", "Карточки к плану «Python»: синтаксис, HTTP и REST."),
        ("One\n\nTwo with `<code>`", "<p>One</p>\n<p>Two with <code>&lt;code&gt;</code></p>"),
        (
            "[site](https://example.org) and [bad](javascript:alert(1))",
            '<a href="https://example.org">site</a> and [bad](javascript:alert(1))',
        ),
        ("![a *b*](local.png)", "a b"),
    ],
)
def test_a_description_is_markdown_and_one_paragraph_is_written_as_anki_writes_plain_text(
    description: str, html: str
) -> None:
    from cardsmith.exporters.apkg import description_html

    assert description_html(description) == html


@pytest.mark.anki
def test_deck_names_reach_anki_as_written_for_it_to_show_as_text(mini: Path, tmp_path: Path, collection: Any) -> None:
    # Anki shows a deck name as text: the deck list (aqt/deckbrowser.py, ankitects/anki#3960) and
    # the overview (aqt/overview.py, ankitects/anki#4084) escape it themselves, and the browser and
    # deck chooser are Qt text. An escaped name would show `&lt;b&gt;` there.
    set_deck_yaml(mini, title=HOSTILE_TITLE)
    edit(mini / "curriculum.md", "### Неделя 7-8: Первые шаги", "### Неделя 7-8: Первые <i>шаги</i> & co")
    build(mini, tmp_path / "out", now=NOW)
    import_apkg(collection, tmp_path / "out" / "mini-deck.apkg")
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert HOSTILE_TITLE in names
    assert f"{HOSTILE_TITLE}::01 Фаза 1: Основы (2 недели)::01 Неделя 7-8: Первые <i>шаги</i> & co" in names


@pytest.mark.anki
def test_the_breadcrumb_of_a_hostile_heading_is_escaped_in_the_topic_field(
    mini: Path, tmp_path: Path, collection: Any
) -> None:
    edit(mini / "curriculum.md", "  - Операторы (арифметические)", "  - Операторы (<b>арифметические</b> & co)")
    build(mini, tmp_path / "out", now=NOW)
    import_apkg(collection, tmp_path / "out" / "mini-deck.apkg")
    topic = note_by_card_id(collection, "floor-division")["Topic"]
    assert topic.endswith("Операторы (&lt;b&gt;арифметические&lt;/b&gt; &amp; co)")
    assert "<b>" not in topic


# --- 8. formula injection in the plain CSV ------------------------------------------------------


def csv_rows(deck: BuiltDeck) -> list[dict[str, str]]:
    ((name, data),) = export(get_exporter("csv"), deck).items()
    assert name.endswith(".csv")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_cells_that_would_start_a_formula_start_with_a_quote(mini: Path) -> None:
    set_deck_yaml(mini, title='=HYPERLINK("http://evil.example","deck")')
    edit(
        mini / "questions" / "phase-1.yaml",
        "q: Может ли имя переменной начинаться с цифры?\n    a: Нет.",
        "q: '=HYPERLINK(\"http://evil.example\",\"click\")'\n    a: '+1+cmd'",
    )
    edit(mini / "questions" / "phase-2.yaml", 'a: "201"', 'a: "-2+3"')
    edit(mini / "questions" / "phase-2.yaml", "q: Где лежат workflow GitHub Actions?", "q: '@SUM(1+1)'")
    rows = {row["id"]: row for row in csv_rows(built(mini).deck)}
    assert rows["name-rules"]["front"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows["name-rules"]["back"].startswith("'+1+cmd\n\n")  # then the extra
    assert rows["http-post-status"]["back"] == "'-2+3"
    assert rows["ci-pipeline"]["front"] == "'@SUM(1+1)"
    assert all(row["deck"].startswith("'=HYPERLINK(") for row in rows.values())
    # cells that start with anything else are as they were
    assert rows["http-get-safe"]["back"] == "GET"
    assert rows["http-get-safe"]["tags"] == "phase::2 week::15 topic::Протокол_HTTP::Методы_запросов"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_csv_cell_is_neutralised_whatever_dangerous_character_starts_it(start: str) -> None:
    deck = built().deck
    note = deck.notes[0]
    hostile = replace(note, id=start + "1+1", tags=(start + "tag",), deck=replace(note.deck, parts=(start + "deck",)))
    (row,) = csv_rows(replace(deck, notes=(hostile,)))
    assert row["id"] == "'" + start + "1+1"
    assert row["tags"] == "'" + start + "tag"
    assert row["deck"] == "'" + start + "deck"


def test_csv_cells_that_start_harmlessly_are_unchanged() -> None:
    deck = built().deck
    note = deck.notes[0]
    harmless = replace(note, id="a=1", tags=("x-y", "'quoted"), deck=replace(note.deck, parts=(" =spaced", "Sub")))
    (row,) = csv_rows(replace(deck, notes=(harmless,)))
    assert (row["id"], row["tags"], row["deck"]) == ("a=1", "x-y 'quoted", " =spaced::Sub")

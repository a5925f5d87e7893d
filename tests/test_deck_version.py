"""The deck's version and the date of its newest change, in the top deck's description in Anki.

What Anki does with a deck's description on import (rslib/src/import_export/package/apkg/import/
decks.rs: `update_deck` → `NormalDeck::update_with_other`) is checked here with the `anki`
package: a deck that the collection has by name takes the package's description on **every**
import, newer or not, and the learner's own text in it is replaced.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from anki_helpers import counts, import_apkg
from cardsmith.build import build
from cardsmith.exporters import export, get_exporter
from cardsmith.exporters.apkg import description_html, version_line
from conftest import NOW, digests, edit
from exporter_helpers import built

DAY = 86_400  # NOW is 2023-11-14 22:13:20 UTC


def set_version(cards: Path, version: str | None, language: str | None = None) -> None:
    settings = {"title": "Мини", "id": "mini-deck", "description": "A small deck for the tests.", "formats": ["apkg"]}
    settings |= ({"version": version} if version else {}) | ({"language": language} if language else {})
    (cards / "deck.yaml").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")  # JSON is YAML


def description(col: Any) -> str:
    deck = col.decks.by_name("Мини")
    assert deck is not None
    return str(deck["desc"])


@pytest.mark.anki
def test_reimporting_a_newer_package_shows_the_new_version_and_date(
    mini: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    set_version(mini, "1.2.0")
    build(mini, out, now=NOW)
    import_apkg(collection, out / "mini-deck.apkg")
    assert description(collection) == (
        "<p>A small deck for the tests.</p>\n<p>Версия 1.2.0, последнее изменение 2023-11-14</p>"
    )

    set_version(mini, "1.3.0")
    edit(mini / "questions" / "phase-2.yaml", "«создано»", "«ресурс создан»")
    build(mini, out, now=NOW + 2 * DAY)
    assert counts(import_apkg(collection, out / "mini-deck.apkg"))["updated"] == 1
    assert description(collection) == (
        "<p>A small deck for the tests.</p>\n<p>Версия 1.3.0, последнее изменение 2023-11-16</p>"
    )


@pytest.mark.anki
def test_anki_replaces_the_description_on_every_import_even_from_an_older_package(
    mini: Path, tmp_path: Path, collection: Any
) -> None:
    """No time check for decks: the package imported last decides what the description says."""
    out = tmp_path / "decks"
    set_version(mini, "1.2.0")
    build(mini, out, now=NOW)
    older = (out / "mini-deck.apkg").read_bytes()
    set_version(mini, "1.3.0")
    build(mini, out, now=NOW + DAY)
    import_apkg(collection, out / "mini-deck.apkg")
    deck = collection.decks.by_name("Мини")
    deck["desc"] = "my own notes"  # the learner writes in the description
    collection.decks.save(deck)
    import_apkg(collection, out / "mini-deck.apkg")  # the same package again
    assert description(collection).endswith("<p>Версия 1.3.0, последнее изменение 2023-11-14</p>")
    (tmp_path / "older.apkg").write_bytes(older)
    import_apkg(collection, tmp_path / "older.apkg")
    assert description(collection).endswith("<p>Версия 1.2.0, последнее изменение 2023-11-14</p>")


def test_the_date_comes_from_the_lock_so_a_rebuild_is_byte_identical(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    set_version(mini, "1.2.0")
    build(mini, out, now=NOW)
    first = digests(out)
    build(mini, out, now=NOW + 30 * DAY)  # nothing changed: a month later, the same bytes
    assert digests(out) == first


def test_each_package_dates_its_own_notes_so_an_edit_leaves_the_other_phases_alone(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    set_version(mini, "1.2.0")
    build(mini, out, now=NOW)
    first = digests(out)
    edit(mini / "questions" / "phase-2.yaml", "«создано»", "«ресурс создан»")
    build(mini, out, now=NOW + 3 * DAY)
    after = digests(out)
    assert after["mini-deck-phase-1.apkg"] == first["mini-deck-phase-1.apkg"]
    assert after["mini-deck-phase-2.apkg"] != first["mini-deck-phase-2.apkg"]


def test_the_version_line_speaks_the_decks_language_and_shows_its_text_as_text(mini: Path) -> None:
    set_version(mini, "2.0 <b>*beta*</b>", language="en")
    deck = built(mini).deck
    assert version_line(deck.config, deck.notes) == "Version 2.0 <b>*beta*</b>, last changed 2023-11-14"
    (data,) = (v for k, v in export(get_exporter("crowdanki"), deck).items() if k.endswith("deck.json"))
    assert json.loads(data)["desc"] == (
        "<p>A small deck for the tests.</p>\n<p>Version 2.0 &lt;b&gt;*beta*&lt;/b&gt;, last changed 2023-11-14</p>"
    )
    set_version(mini, None, language="pt-BR")  # no version: the date alone; a language without words: English
    deck = built(mini).deck
    assert version_line(deck.config, deck.notes) == "Last changed 2023-11-14"


@pytest.mark.parametrize(
    ("text", "footer", "html"),
    [
        ("", "Версия 1", "Версия 1"),  # alone: one paragraph, without <p> as Anki's editor writes it
        ("Описание", "", "Описание"),
        ("Описание", "Версия 1", "<p>Описание</p>\n<p>Версия 1</p>"),
        ("```\nan unclosed fence", "Версия 1", "<pre><code>an unclosed fence</code></pre><p>Версия 1</p>"),
        ("Описание", "1.0 [x](javascript:y) `z` \\", "<p>Описание</p>\n<p>1.0 [x](javascript:y) `z` \\</p>"),
    ],
)
def test_the_footer_is_its_own_paragraph_of_plain_text(text: str, footer: str, html: str) -> None:
    assert description_html(text, footer) == html


def test_the_shipped_decks_carry_the_version_of_deck_yaml() -> None:
    from cardsmith.config import parse_config
    from cardsmith.exporters import NAMES
    from cardsmith.sources import read_text
    from conftest import ROOT

    source, _ = read_text(ROOT / "cards" / "deck.yaml", "deck.yaml")
    assert source is not None
    config, _ = parse_config(source, NAMES)
    assert config is not None and config.version
    crowdanki = ROOT / "decks" / "python-backend-crowdanki" / "deck.json"
    if not crowdanki.is_file():  # the shipped formats may not include it
        pytest.skip("no CrowdAnki folder in decks/")
    desc = json.loads(crowdanki.read_text(encoding="utf-8"))["desc"]
    assert f"<p>Версия {config.version}, последнее изменение 20" in desc

"""Build the small fixture deck and import it into a real Anki collection: what a learner sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from anki_helpers import counts, import_apkg, note_by_card_id
from cardsmith.build import build
from conftest import NOW

pytestmark = pytest.mark.anki


@pytest.fixture
def built(mini: Path, tmp_path: Path) -> Path:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    return out


def test_the_build_writes_one_package_with_everything_and_one_per_phase(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == [
        ".cardsmith-outputs",  # the list of the files the build wrote
        "mini-deck-phase-1.apkg",
        "mini-deck-phase-2.apkg",
        "mini-deck.apkg",
    ]


def test_importing_gives_one_note_per_card_entry_and_a_card_per_side_or_deletion(built: Path, collection: Any) -> None:
    log = import_apkg(collection, built / "mini-deck.apkg")
    assert counts(log)["new"] == 7 and counts(log)["conflicting"] == 0
    assert collection.note_count() == 7
    # a cloze with two deletions is two cards, a reversed note is two cards
    assert collection.card_count() == 9
    assert len(collection.find_cards('"Card ID:floor-division"')) == 2
    assert len(collection.find_cards('"Card ID:http-get-safe"')) == 2


def test_decks_are_nested_by_phase_and_week(built: Path, collection: Any) -> None:
    import_apkg(collection, built / "mini-deck.apkg")
    names = sorted(d.name for d in collection.decks.all_names_and_ids() if d.name.startswith("Мини"))
    assert names == [
        "Мини",
        "Мини::01 Фаза 1: Основы (2 недели)",
        "Мини::01 Фаза 1: Основы (2 недели)::01 Неделя 7-8: Первые шаги",
        "Мини::01 Фаза 1: Основы (2 недели)::02 Неделя 12-14: Потом",
        "Мини::02 Фаза 2: Сеть",
        "Мини::02 Фаза 2: Сеть::01 Неделя 15: HTTP",
    ]
    card = collection.get_card(collection.find_cards('"Card ID:late-card"')[0])
    assert collection.decks.name(card.did) == "Мини::01 Фаза 1: Основы (2 недели)::02 Неделя 12-14: Потом"


def test_notes_have_their_fields_tags_and_highlighted_code(built: Path, collection: Any) -> None:
    import_apkg(collection, built / "mini-deck.apkg")
    note = note_by_card_id(collection, "name-rules")
    assert note.note_type()["name"] == "cardsmith Basic"
    assert sorted(note.tags) == sorted(["phase::1", "week::07-08", "topic::Синтаксис::Переменные", "names", "pep8"])
    assert note["Front"] == "<p>Может ли имя переменной начинаться с цифры?</p>"
    assert note["Topic"] == "Фаза 1 › Неделя 7-8 › Синтаксис › Переменные"
    code = note_by_card_id(collection, "code-card")
    assert '<pre class="highlight"><code class="language-python"><span class="k">def</span>' in code["Front"]
    question = collection.get_card(code.card_ids()[0]).question()
    assert '<span class="k">def</span>' in question and "Фаза 1 › Неделя 7-8" in question
    assert "pre.highlight .k" in code.note_type()["css"]


def test_cloze_and_type_in_cards_render_as_anki_shows_them(built: Path, collection: Any) -> None:
    import_apkg(collection, built / "mini-deck.apkg")
    cloze = note_by_card_id(collection, "floor-division")
    first = collection.get_card(cloze.card_ids()[0])
    question = first.question()
    assert '<code>7 // 2</code> равно <span class="cloze" data-cloze="3" data-ordinal="1">[...]</span>' in question
    assert '<code>7 % 2</code> равно <span class="cloze-inactive" data-ordinal="2">1</span>' in question
    typed = note_by_card_id(collection, "http-post-status")
    assert "[[type:Back]]" in collection.get_card(typed.card_ids()[0]).question()  # Anki's type-answer box


def test_new_cards_are_served_in_curriculum_order(built: Path, collection: Any) -> None:
    import_apkg(collection, built / "mini-deck.apkg")
    root = collection.decks.id_for_name("Мини")
    collection.decks.select(root)
    queued = collection.sched.get_queued_cards(fetch_limit=100).cards
    served = [
        (collection.get_card(c.card.id).ord, collection.get_note(collection.get_card(c.card.id).nid)["Card ID"])
        for c in queued
    ]
    # Anki's default new-card sort is "card template, then order gathered": first sides first,
    # each in curriculum order (week 7-8 before week 12-14, although "12" < "7" as text).
    assert [card_id for ord_, card_id in served if ord_ == 0] == [
        "name-rules",
        "floor-division",
        "code-card",
        "late-card",
        "http-get-safe",
        "http-post-status",
        "ci-pipeline",
    ]
    assert [card_id for ord_, card_id in served if ord_ == 1] == ["floor-division", "http-get-safe"]


def test_the_first_days_cards_all_come_from_the_first_week(built: Path, collection: Any) -> None:
    import_apkg(collection, built / "mini-deck.apkg")
    root = collection.decks.id_for_name("Мини")
    collection.decks.select(root)
    config = collection.decks.config_dict_for_deck_id(root)
    config["new"]["perDay"] = 3
    collection.decks.update_config(config)
    queued = collection.sched.get_queued_cards(fetch_limit=100).cards
    decks = {collection.decks.name(collection.get_card(c.card.id).did) for c in queued}
    assert decks == {"Мини::01 Фаза 1: Основы (2 недели)::01 Неделя 7-8: Первые шаги"}


def test_importing_a_phase_package_after_the_full_one_adds_nothing(built: Path, collection: Any) -> None:
    import_apkg(collection, built / "mini-deck.apkg")
    for name in ("mini-deck-phase-1.apkg", "mini-deck-phase-2.apkg"):
        result = counts(import_apkg(collection, built / name))
        assert result["new"] == 0 and result["updated"] == 0 and result["conflicting"] == 0
    assert collection.note_count() == 7 and collection.card_count() == 9
    names = [d.name for d in collection.decks.all_names_and_ids()]
    assert len(names) == len(set(names)) == 7  # six of ours and Anki's "Default"


def test_a_phase_package_alone_holds_only_that_phase(built: Path, collection: Any) -> None:
    import_apkg(collection, built / "mini-deck-phase-2.apkg")
    assert collection.note_count() == 3
    assert sorted(d.name for d in collection.decks.all_names_and_ids() if d.name.startswith("Мини")) == [
        "Мини",
        "Мини::02 Фаза 2: Сеть",
        "Мини::02 Фаза 2: Сеть::01 Неделя 15: HTTP",
    ]


def test_a_deck_with_the_id_collection_never_writes_collection_apkg(mini: Path, tmp_path: Path) -> None:
    deck_yaml = mini / "deck.yaml"
    deck_yaml.write_text(
        deck_yaml.read_text(encoding="utf-8").replace("id: mini-deck", "id: collection"), encoding="utf-8"
    )
    build(mini, tmp_path / "out", now=NOW)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [".cardsmith-outputs", "collection-all.apkg", "collection-phase-1.apkg", "collection-phase-2.apkg"]


@pytest.mark.parametrize("deck", ["mini", "exporters/deck"])
def test_anki_works_out_the_sort_field_that_packages_leave_empty(deck: str, tmp_path: Path, collection: Any) -> None:
    import shutil
    import sqlite3
    import zipfile

    from conftest import FIXTURES

    shutil.copytree(FIXTURES / deck, tmp_path / "cards")
    build(tmp_path / "cards", tmp_path / "decks", ("apkg",), now=NOW)
    package = next(p for p in (tmp_path / "decks").iterdir() if "-phase-" not in p.name)
    with zipfile.ZipFile(package) as packed:
        (tmp_path / "packaged.anki2").write_bytes(packed.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "packaged.anki2") as db:
        assert {sfld for (sfld,) in db.execute("select sfld from notes")} == {""}
    import_apkg(collection, package)
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        sort_field = collection.db.scalar("select sfld from notes where id = ?", nid)
        assert sort_field, note.fields[0]  # the text of the first field, which Anki works out itself
        assert sort_field.split()[0] in note.fields[0]

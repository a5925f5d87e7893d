"""Anki CSV: headers, quoting, and imports with Anki's own CSV importer (the `anki` package)."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cardsmith import lock
from cardsmith.exporters import export as export_all
from cardsmith.exporters.anki_csv import HEADER, quote
from cardsmith.exporters.apkg import ApkgExporter
from cardsmith.model import BuiltDeck
from cardsmith.notetypes import NOTETYPES
from exporter_helpers import (
    DECK_DIR,
    built,
    export,
    fixture_deck,
    import_apkg,
    import_csv,
    log_counts,
    only_file,
    write,
)


def read_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header lines and rows, read the way Anki's reader does: quotes with tabs, `#` lines skipped."""
    lines = data.decode("utf-8").split("\n")
    headers = []
    while lines and lines[0].startswith("#"):
        headers.append(lines.pop(0))
    body = [row for row in csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quotechar='"') if row]
    return headers, body


def test_the_file_starts_with_the_headers_anki_reads() -> None:
    name, data = only_file("anki-csv")
    assert name == "exporter-test-anki.txt"
    headers, _ = read_rows(data)
    assert headers == list(HEADER)
    assert headers[0] == "#separator:tab"  # `#columns` and the rest are parsed with it


def test_every_note_is_one_row_in_curriculum_order_with_the_apkg_identity() -> None:
    deck = fixture_deck()
    _, rows = read_rows(only_file("anki-csv")[1])
    assert [row[0] for row in rows] == [note.guid for note in deck.notes]
    for row, note in zip(rows, deck.notes, strict=True):
        assert row[1] == NOTETYPES[note.notetype].name
        assert row[2] == note.deck.name
        assert row[3] == " ".join(note.tags)
        assert tuple(row[4 : 4 + len(note.values)]) == note.values
        assert all(not value for value in row[4 + len(note.values) :])


def test_every_row_has_the_same_number_of_columns() -> None:
    # Anki takes the column count from the first row (ankitects/anki#4417).
    _, rows = read_rows(only_file("anki-csv")[1])
    assert {len(row) for row in rows} == {4 + max(len(nt.fields) for nt in NOTETYPES.values())}


@pytest.mark.parametrize(
    ("field", "written"),
    [
        ("plain", "plain"),
        ("#starts with a hash", '"#starts with a hash"'),
        ("a # inside", "a # inside"),
        ('say "hi"', '"say ""hi"""'),
        ("a\tb", '"a\tb"'),
        ("two\nlines", '"two\nlines"'),
        ("", ""),
    ],
)
def test_fields_are_quoted_where_anki_needs_it(field: str, written: str) -> None:
    assert quote(field) == written


def test_export_is_deterministic() -> None:
    assert export("anki-csv") == export("anki-csv")


# --- the real importer ----------------------------------------------------------------------


def _apkg(tmp_path: Path, deck: BuiltDeck, name: str | None = None) -> Path:
    files = export_all(ApkgExporter(), deck)
    paths = write(tmp_path / "apkg", files)
    return paths[name or f"{deck.config.id}.apkg"]


def _csv(tmp_path: Path, deck: BuiltDeck, folder: str = "csv") -> Path:
    (path,) = write(tmp_path / folder, export("anki-csv", deck)).values()
    return path


def _fields_by_guid(col: Any) -> dict[str, tuple[str, ...]]:
    return {col.get_note(nid).guid: tuple(col.get_note(nid).fields) for nid in col.find_notes("")}


@pytest.mark.anki
def test_anki_matches_every_row_to_the_note_the_apkg_brought_in(collection: Any, tmp_path: Path) -> None:
    deck = fixture_deck()
    import_apkg(collection, _apkg(tmp_path, deck))
    before = _fields_by_guid(collection)

    log = import_csv(collection, _csv(tmp_path, deck))

    assert log_counts(log) == {
        "new": 0,
        "updated": 0,
        "duplicate": len(deck.notes),
        "conflicting": 0,
        "first_field_match": 0,
        "missing_notetype": 0,
        "empty_first_field": 0,
    }
    assert _fields_by_guid(collection) == before == {note.guid: note.values for note in deck.notes}


@pytest.mark.anki
def test_anki_creates_missing_notes_with_the_apkg_guids_decks_and_tags(collection: Any, tmp_path: Path) -> None:
    deck = fixture_deck()
    import_apkg(collection, _apkg(tmp_path, deck, f"{deck.config.id}-phase-1.apkg"))  # note types, phase 1

    log = import_csv(collection, _csv(tmp_path, deck))

    phase_2 = [note for note in deck.notes if note.phase != deck.notes[0].phase]
    assert len(log.new) == len(phase_2) > 0
    assert collection.note_count() == len(deck.notes)
    for note in deck.notes:
        found = collection.get_note(collection.db.scalar("select id from notes where guid = ?", note.guid))
        assert tuple(found.fields) == note.values
        assert found.note_type()["name"] == NOTETYPES[note.notetype].name
        assert sorted(found.tags) == sorted(note.tags)
        assert {collection.decks.name(card.did) for card in found.cards()} == {note.deck.name}


@pytest.mark.anki
def test_a_second_import_after_an_edit_updates_in_place_and_keeps_the_review_history(
    collection: Any, tmp_path: Path
) -> None:
    cards_dir = tmp_path / "cards"
    shutil.copytree(DECK_DIR, cards_dir)
    first = built(cards_dir)
    import_apkg(collection, _apkg(tmp_path, first.deck))
    import_csv(collection, _csv(tmp_path, first.deck))
    nid = collection.find_notes('"Card ID:late-week"')[0]
    card = collection.get_note(nid).cards()[0]
    card.start_timer()
    collection.sched.answerCard(card, 3)  # Good
    reviewed = collection.db.scalar("select count() from revlog where cid = ?", card.id)
    # A learner who once chose "keep current" in the import dialog: the file's header wins.
    collection.set_config("csvDuplicateResolution", 1)

    source = cards_dir / "questions" / "phase-1.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("a: Да.", "a: Да, неделя 10 позже."), encoding="utf-8")
    (cards_dir / lock.LOCK_NAME).write_text(first.lock_text, encoding="utf-8")
    second = built(cards_dir, now=first.deck.notes[0].mod + 100)
    log = import_csv(collection, _csv(tmp_path, second.deck, "csv2"))

    assert log_counts(log)["updated"] == 1
    assert log_counts(log)["new"] == 0
    assert collection.note_count() == len(second.deck.notes)
    note = collection.get_note(nid)
    assert "Да, неделя 10 позже." in note["Back"]
    assert collection.db.scalar("select count() from revlog where cid = ?", card.id) == reviewed == 1
    assert collection.get_card(card.id).type != 0  # still a learning card, not new again


@pytest.mark.anki
def test_rows_whose_guid_or_first_field_start_with_a_hash_are_imported_not_dropped(
    collection: Any, tmp_path: Path
) -> None:
    deck = fixture_deck()
    import_apkg(collection, _apkg(tmp_path, deck))
    note = deck.notes[1]
    odd = replace(note, guid="#cardsmith1", fields=((note.fields[0][0], "#1 in a field"), *note.fields[1:]))
    (path,) = write(tmp_path / "hash", export("anki-csv", replace(deck, notes=(odd,)))).values()

    log = import_csv(collection, path)

    assert len(log.new) == 1
    found = collection.get_note(collection.db.scalar("select id from notes where guid = ?", "#cardsmith1"))
    assert found.fields[0] == "#1 in a field"


@pytest.mark.anki
def test_without_the_apkgs_note_types_anki_imports_nothing_and_says_why(collection: Any, tmp_path: Path) -> None:
    log = import_csv(collection, _csv(tmp_path, fixture_deck()))

    assert log_counts(log)["missing_notetype"] == len(fixture_deck().notes)
    assert collection.note_count() == 0
